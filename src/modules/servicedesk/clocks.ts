// SLA clocks derived from a ticket's event log, the SLA targets and the calendar. Nothing here is
// incremental: a ticket's clocks are recomputed from its whole history, so a calendar change is
// applied by recomputing (streaming over open tickets in batches, one read and one write per batch).
import type { Knex } from 'knex';
import { deadline, elapsedMinutes, type Basis, type CalendarDays, type Interval } from './clock-math.ts';

export type ClockName = 'first-reply' | 'update' | 'resolution';
export type Target = {
  category: string | null;
  channel: string | null;
  tier: string | null;
  firstReplyMinutes: number;
  updateMinutes: number;
  resolutionMinutes: number;
  basis: Basis;
};
export type ClockTicket = {
  id: bigint;
  receivedAt: Date;
  channel: string;
  category: string;
  tier: string;
  events: Array<{ at: Date; kind: string; toStatus: string | null; party?: string | null }>;
};
export type ClockRow = {
  ticket_id: bigint;
  clock: ClockName;
  basis: Basis;
  target_minutes: number;
  started_at: Date;
  stopped_at: Date | null;
  paused: boolean;
  warn_at: Date | null;
  due_at: Date | null;
  manager_at: Date | null;
  computed_at: Date;
};

// warning at 75 % of the target, the supervisor at 100 %, the manager at 150 %
export const WARN_AT = 0.75;
export const MANAGER_AT = 1.5;

export async function loadCalendar(db: Knex): Promise<Map<string, 'holiday' | 'workday'>> {
  const rows = await db('servicedesk_calendar_days').select(db.raw(`to_char(day, 'YYYY-MM-DD') as day`), 'kind');
  return new Map(rows.map((r) => [r.day as string, r.kind]));
}

export async function loadTargets(db: Knex): Promise<Target[]> {
  return (await db('servicedesk_sla_targets').select('*')).map((r) => ({
    category: r.category,
    channel: r.channel,
    tier: r.tier,
    firstReplyMinutes: r.first_reply_minutes,
    updateMinutes: r.update_minutes,
    resolutionMinutes: r.resolution_minutes,
    basis: r.basis,
  }));
}

/** The most specific target for the ticket: a category match weighs most, then channel, then tier. */
export function targetFor(targets: Target[], t: { category: string; channel: string; tier: string }): Target {
  let best: Target | null = null;
  let bestScore = -1;
  for (const x of targets) {
    if (
      (x.category && x.category !== t.category) ||
      (x.channel && x.channel !== t.channel) ||
      (x.tier && x.tier !== t.tier)
    )
      continue;
    const score = (x.category ? 4 : 0) + (x.channel ? 2 : 0) + (x.tier ? 1 : 0);
    if (score > bestScore) [best, bestScore] = [x, score];
  }
  if (!best) throw new Error('no default SLA target (servicedesk_sla_targets has no all-null row)');
  return best;
}

const PAUSING = (status: string | null, party: string | null | undefined) =>
  status === 'resolved' || status === 'closed' || (status === 'waiting' && party === 'customer');

// the stretches during which the ticket was waiting on the customer or resolved (with the customer)
export function pausesOf(events: ClockTicket['events']): Interval[] {
  const out: Interval[] = [];
  let open: Interval | null = null;
  for (const e of events) {
    if (!e.toStatus) continue;
    const pausing = PAUSING(e.toStatus, e.party);
    if (pausing && !open) {
      open = { from: e.at.getTime(), to: null };
      out.push(open);
    } else if (!pausing && open) {
      open.to = e.at.getTime();
      open = null;
    }
  }
  return out;
}

export function computeClocks(t: ClockTicket, target: Target, cal: CalendarDays, now: Date): ClockRow[] {
  const basis = target.basis;
  const pauses = pausesOf(t.events);
  const status = [...t.events].reverse().find((e) => e.toStatus)?.toStatus ?? 'new';
  const lastTo = (s: string[]) => [...t.events].reverse().find((e) => e.toStatus && s.includes(e.toStatus));
  const row = (clock: ClockName, minutes: number, start: Date, stopped: Date | null, ps: Interval[]): ClockRow => {
    // a stopped clock keeps the deadlines it ran against (reports compare the stop with them), leaving
    // out the pause that began when it stopped
    const running = stopped ? ps.filter((p) => p.from < stopped.getTime()) : ps;
    const at = (m: number) => {
      const d = deadline(start.getTime(), m, basis, running, cal);
      return d === null ? null : new Date(d);
    };
    const due = at(minutes);
    return {
      ticket_id: t.id,
      clock,
      basis,
      target_minutes: minutes,
      started_at: start,
      stopped_at: stopped,
      paused: !stopped && due === null,
      warn_at: at(Math.ceil(minutes * WARN_AT)),
      due_at: due,
      manager_at: at(Math.ceil(minutes * MANAGER_AT)),
      computed_at: now,
    };
  };
  const firstReply = t.events.find((e) => e.kind === 'replied' || e.toStatus === 'resolved');
  const lastReply = [...t.events].reverse().find((e) => e.kind === 'replied');
  const stoppedAt = status === 'resolved' || status === 'closed' ? (lastTo(['resolved', 'closed'])?.at ?? now) : null;
  const rows = [
    row('first-reply', target.firstReplyMinutes, t.receivedAt, firstReply?.at ?? null, []),
    row('resolution', target.resolutionMinutes, t.receivedAt, stoppedAt, pauses),
  ];
  if (firstReply) {
    const start = lastReply?.at ?? firstReply.at;
    rows.push(row('update', target.updateMinutes, start, stoppedAt, pauses));
  }
  return rows;
}

/** Elapsed and remaining counting minutes of a clock at `now` (for lists and the ticket page). */
export function clockReading(
  c: ClockRow,
  events: ClockTicket['events'],
  cal: CalendarDays,
  now: Date,
): { elapsedMinutes: number; remainingMinutes: number } {
  const end = c.stopped_at ? c.stopped_at.getTime() : now.getTime();
  const ps = c.clock === 'first-reply' ? [] : pausesOf(events);
  const elapsed = elapsedMinutes(c.started_at.getTime(), end, c.basis, ps, cal);
  return { elapsedMinutes: elapsed, remainingMinutes: c.target_minutes - elapsed };
}

const COLS = [
  'basis',
  'target_minutes',
  'started_at',
  'stopped_at',
  'paused',
  'warn_at',
  'due_at',
  'manager_at',
  'computed_at',
];

export async function writeClocks(db: Knex, rows: ClockRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 4000) {
    const chunk = rows.slice(i, i + 4000);
    await db('servicedesk_ticket_clocks').insert(chunk).onConflict(['ticket_id', 'clock']).merge(COLS);
  }
}

type Row = Record<string, any>;

async function eventsOf(db: Knex, ids: bigint[]): Promise<Map<string, ClockTicket['events']>> {
  const rows = await db('servicedesk_ticket_events')
    .whereIn('ticket_id', ids.map(String))
    .orderBy([{ column: 'ticket_id' }, { column: 'id' }])
    .select('ticket_id', 'at', 'kind', 'to_status', db.raw(`detail->>'party' as party`));
  const by = new Map<string, ClockTicket['events']>();
  for (const r of rows) {
    const k = String(r.ticket_id);
    if (!by.has(k)) by.set(k, []);
    by.get(k)!.push({ at: r.at, kind: r.kind, toStatus: r.to_status, party: r.party });
  }
  return by;
}

const toClockTicket = (r: Row, events: ClockTicket['events']): ClockTicket => ({
  id: BigInt(r.id),
  receivedAt: r.received_at,
  channel: r.channel,
  category: r.category,
  tier: r.tier,
  events,
});

/** Recomputes one ticket's clocks in the caller's transaction (after each change to it). */
export async function refreshTicketClocks(trx: Knex, ticketId: bigint, now: Date): Promise<ClockRow[]> {
  const t = await trx('servicedesk_tickets').where({ id: ticketId }).first();
  const events = (await eventsOf(trx, [ticketId])).get(String(ticketId)) ?? [];
  const rows = computeClocks(
    toClockTicket(t, events),
    targetFor(await loadTargets(trx), t),
    await loadCalendar(trx),
    now,
  );
  await writeClocks(trx, rows);
  return rows;
}

/** Recomputes the clocks of every open ticket: keyset batches, one read of tickets and events and
 *  one multi-row upsert per batch, so memory stays flat with the number of tickets. */
export async function recomputeOpenClocks(db: Knex, now: Date, batch = 1000): Promise<{ tickets: number }> {
  const [targets, cal] = [await loadTargets(db), await loadCalendar(db)];
  let after = 0n;
  let n = 0;
  for (;;) {
    const tickets: Row[] = await db('servicedesk_tickets')
      .whereNot('status', 'closed')
      .andWhere('id', '>', String(after))
      .orderBy('id')
      .limit(batch)
      .select('id', 'received_at', 'channel', 'category', 'tier');
    if (tickets.length === 0) return { tickets: n };
    const ids = tickets.map((t) => BigInt(t.id));
    const events = await eventsOf(db, ids);
    const rows = tickets.flatMap((t) =>
      computeClocks(toClockTicket(t, events.get(String(t.id)) ?? []), targetFor(targets, t as ClockTicket), cal, now),
    );
    await writeClocks(db, rows);
    n += tickets.length;
    after = ids[ids.length - 1];
  }
}
