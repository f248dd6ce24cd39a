// The confirmation hold: our confirmation of a province's package is built when the package arrives,
// but with ETC_INTERCHANGE_CONFIRMATION_HOLD_MINUTES > 0 it is not sent until that period has passed,
// so that a customer's complaint about one of its charges can still be listed in it as a dispute
// (ICD §3 has no other way to dispute it, and sets no deadline for a confirmation). Delivery skips a
// confirmation whose hold has not passed (app.clock, so tests move time); our clearing day of the
// package's date waits for it (the settlement would fix the confirmation as it stands), and so does
// the province's, which waits for our confirmation anyway. Finance may release a hold early.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type AppContext, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';

/** When a confirmation built now may be sent; null (no hold) with the default of 0 minutes. */
export function confirmationHoldUntil(app: AppContext, now: Date): Date | null {
  const minutes = app.config.interchangeConfirmationHoldMinutes;
  return minutes > 0 ? new Date(now.getTime() + minutes * 60_000) : null;
}

/** Restricts a query of interchange_confirmations to those whose hold (if any) has passed. */
export function holdPassed(q: Knex.QueryBuilder, now: Date, column = 'hold_until'): Knex.QueryBuilder {
  return q.where((w) => w.whereNull(column).orWhere(column, '<=', now));
}

export type HeldConfirmation = {
  packageId: bigint;
  messageId: string;
  packageMessageId: string;
  network: string;
  date: string;
  count: number;
  amount: bigint;
  disputedCount: number;
  disputedAmount: bigint;
  /** when it may be sent (the delivery round after that sends it) */
  heldUntil: Date;
  /** false once the hold has passed and the next delivery round will send it */
  held: boolean;
  releasedAt: Date | null;
  releasedBy: string | null;
  attempts: number;
  lastError: string | null;
};

const held = (db: Knex) =>
  db('interchange_confirmations as c')
    .join('interchange_packages as p', 'p.id', 'c.package_id')
    .where('p.direction', 'inbound')
    .whereNull('c.delivered_at')
    .whereNotNull('c.hold_until');

function toHeld(r: Record<string, any>, now: Date): HeldConfirmation {
  return {
    packageId: BigInt(r.package_id),
    messageId: r.message_id,
    packageMessageId: r.package_message_id,
    network: r.sender,
    date: r.date,
    count: r.count,
    amount: BigInt(r.amount),
    disputedCount: r.disputed_count,
    disputedAmount: BigInt(r.disputed_amount),
    heldUntil: r.hold_until,
    held: r.hold_until > now,
    releasedAt: r.released_at,
    releasedBy: r.released_by,
    attempts: r.attempts,
    lastError: r.last_error,
  };
}

const COLUMNS = [
  'c.package_id',
  'c.message_id',
  'p.message_id as package_message_id',
  'p.sender',
  'p.clear_target_date as date',
  'c.count',
  'c.amount',
  'c.disputed_count',
  'c.disputed_amount',
  'c.hold_until',
  'c.released_at',
  'c.released_by',
  'c.attempts',
  'c.last_error',
];

/** Our confirmations with a hold that have not gone out yet, the soonest to go first. */
export async function listHeldConfirmations(db: Knex, now: Date): Promise<HeldConfirmation[]> {
  const rows = await held(db)
    .orderBy([{ column: 'c.hold_until' }, { column: 'c.package_id' }])
    .select(...COLUMNS);
  return rows.map((r) => toHeld(r, now));
}

/** Why a clearing date must wait for our own held confirmations of its packages (one line a province). */
export async function heldConfirmationReasons(db: Knex, date: string, now: Date): Promise<string[]> {
  const rows = await held(db)
    .where('p.clear_target_date', date)
    .where('c.hold_until', '>', now)
    .groupBy('p.sender')
    .orderBy('p.sender')
    .select('p.sender', db.raw('count(*)::int as n'), db.raw('max(c.hold_until) as until'));
  return rows.map(
    (r: { sender: string; n: number; until: Date }) =>
      `our confirmation of ${r.n} package(s) from ${r.sender} is held until ${r.until.toISOString()} ` +
      `(complaints may still be disputed in it; finance may release it earlier)`,
  );
}

/**
 * Finance sends a held confirmation now instead of at the end of its hold. Idempotent: a
 * confirmation released before (and not yet delivered) is answered as it stands. The caller
 * delivers it after the commit.
 */
export async function releaseConfirmation(
  ctx: RequestContext,
  packageId: bigint,
  note: string,
): Promise<{ confirmation: HeldConfirmation; released: boolean }> {
  const now = ctx.app.clock.now();
  return inTransaction(ctx.db, async (trx) => {
    // the same row lock a requested dispute and a delivery claim take: none of them interleave
    const row = await trx('interchange_confirmations as c')
      .join('interchange_packages as p', 'p.id', 'c.package_id')
      .where({ 'c.package_id': packageId, 'p.direction': 'inbound' })
      .forNoKeyUpdate('c')
      .first(...COLUMNS, 'c.delivered_at');
    if (!row) throw new AppError('confirmation-not-found', `we owe no confirmation of a package ${packageId}`);
    if (row.delivered_at !== null)
      throw new AppError(
        'confirmation-delivered',
        `our confirmation ${row.message_id} went to province ${row.sender} at ${row.delivered_at.toISOString()}`,
      );
    if (row.released_at !== null) return { confirmation: toHeld(row, now), released: false };
    if (row.hold_until === null || row.hold_until <= now)
      throw new AppError(
        'confirmation-not-held',
        `our confirmation ${row.message_id} is not held: the next delivery round sends it (or run the deliveries now)`,
      );
    const actor = actorLabel(ctx.actor);
    await trx('interchange_confirmations')
      .where({ package_id: packageId })
      .update({ hold_until: now, released_at: now, released_by: actor, release_note: note });
    await audit(trx, ctx, {
      action: 'interchange.confirmation-released',
      entity: 'interchange_package',
      entityId: packageId,
      detail: {
        confirmation: row.message_id,
        network: row.sender,
        heldUntil: row.hold_until.toISOString(),
        disputed: row.disputed_count,
        note,
      },
    });
    return {
      confirmation: toHeld({ ...row, hold_until: now, released_at: now, released_by: actor }, now),
      released: true,
    };
  });
}
