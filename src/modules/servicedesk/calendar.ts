// The working-time calendar: holidays and make-up working days, edited by an admin. A change is
// recorded with who made it and queues a recomputation of every open ticket's clocks.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction, afterCommit } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { isWorkingDay } from './clock-math.ts';
import { loadCalendar } from './clocks.ts';

export const RECOMPUTE_CLOCKS = 'servicedesk.recompute-clocks';

export type CalendarDayView = { day: string; kind: 'holiday' | 'workday'; name: string; source: string };
export type CalendarChangeView = {
  id: bigint;
  day: string;
  fromKind: string | null;
  toKind: string | null;
  name: string | null;
  reason: string | null;
  changedBy: string;
  changedAt: Date;
  recomputedAt: Date | null;
};

/** The year's changes, newest first (at most 200), with whether their recomputation has run. */
export async function calendarChangesOf(db: Knex, year: number): Promise<CalendarChangeView[]> {
  const rows = await db('servicedesk_calendar_changes')
    .whereBetween('day', [`${year}-01-01`, `${year}-12-31`])
    .orderBy('id', 'desc')
    .limit(200)
    .select('*', db.raw(`to_char(day, 'YYYY-MM-DD') as day_text`));
  return rows.map((r) => ({
    id: BigInt(r.id),
    day: r.day_text,
    fromKind: r.from_kind,
    toKind: r.to_kind,
    name: r.name,
    reason: r.reason,
    changedBy: r.changed_by,
    changedAt: r.changed_at,
    recomputedAt: r.recomputed_at,
  }));
}

/** Marks the changes up to `lastId` as recomputed (the job read the calendar after they committed). */
export async function markRecomputed(db: Knex, lastId: bigint, at: Date): Promise<void> {
  await db('servicedesk_calendar_changes')
    .where('id', '<=', String(lastId))
    .whereNull('recomputed_at')
    .update({ recomputed_at: at });
}

export async function lastCalendarChange(db: Knex): Promise<bigint> {
  const { rows } = await db.raw(`select coalesce(max(id), 0) as id from servicedesk_calendar_changes`);
  return BigInt(rows[0].id);
}

export async function calendarOf(db: Knex, year: number): Promise<CalendarDayView[]> {
  const rows = await db('servicedesk_calendar_days')
    .whereBetween('day', [`${year}-01-01`, `${year}-12-31`])
    .orderBy('day')
    .select(db.raw(`to_char(day, 'YYYY-MM-DD') as day`), 'kind', 'name', 'source');
  return rows as CalendarDayView[];
}

/** Sets a day's kind (holiday or make-up workday), or clears it (kind null: back to the weekly rule). */
export async function setCalendarDay(
  db: Knex,
  ctx: RequestContext,
  day: string,
  change: { kind: 'holiday' | 'workday' | null; name?: string; reason: string },
): Promise<{ day: string; working: boolean; changeId: bigint; recomputation: 'queued' }> {
  const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
  const weekend = dow === 0 || dow === 6;
  if (change.kind === 'workday' && !weekend)
    throw new AppError('calendar-day-invalid', `${day} is a weekday: it is a working day already`, 'kind');
  if (change.kind && !change.name)
    throw new AppError('calendar-day-invalid', 'a holiday or make-up day has a name', 'name');
  return inTransaction(db, async (trx) => {
    const had = await trx('servicedesk_calendar_days').where({ day }).forUpdate().first();
    const actor = actorLabel(ctx.actor);
    const now = ctx.app.clock.now();
    if (change.kind === null) await trx('servicedesk_calendar_days').where({ day }).delete();
    else
      await trx('servicedesk_calendar_days')
        .insert({ day, kind: change.kind, name: change.name, source: 'admin', changed_by: actor, changed_at: now })
        .onConflict('day')
        .merge(['kind', 'name', 'source', 'changed_by', 'changed_at']);
    const [{ id: changeId }] = await trx('servicedesk_calendar_changes')
      .insert({
        day,
        from_kind: had?.kind ?? null,
        to_kind: change.kind,
        name: change.name ?? null,
        reason: change.reason,
        changed_by: actor,
        changed_at: now,
      })
      .returning('id');
    await audit(trx, ctx, {
      action: 'servicedesk.calendar-set',
      entity: 'calendar-day',
      entityId: day,
      detail: { from: had?.kind ?? null, to: change.kind, reason: change.reason },
    });
    // every open ticket's deadlines move with the calendar: recomputed by the queue, once per change
    void afterCommit(
      trx,
      () => ctx.app.queue.add(RECOMPUTE_CLOCKS, {}, { jobId: `${RECOMPUTE_CLOCKS}:${changeId}` }),
      (err) => ctx.app.log.error({ err }, 'recomputing ticket clocks could not be queued'),
    );
    return {
      day,
      working: isWorkingDay(await loadCalendar(trx), day),
      changeId: BigInt(changeId),
      recomputation: 'queued' as const,
    };
  });
}
