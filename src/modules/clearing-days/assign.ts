// Which clearing day a lane transaction goes to. A transaction is cleared on its own day (the local
// date of its time) unless that day is sealed; then on the first open day after it — a late arrival
// goes to the next clearing date, never into a sealed one. A module of its own below lanes: lanes
// call it while ingesting and clearing seals the days it hands out, so lanes need not import clearing.
import type { Knex } from 'knex';
import { addDays } from '../../platform/clock/clock.ts';

export const nextDate = (date: string): string => addDays(date, 1);

function firstOpen(date: string, sealed: Set<string>): string {
  let d = date;
  while (sealed.has(d)) d = nextDate(d);
  return d;
}

/**
 * Maps each transaction day to the clearing day its transactions go to, and holds a share lock on
 * those days until the caller's transaction ends: sealing a day (FOR UPDATE) waits for batches
 * being written into it, and a batch that finds a day sealed meanwhile moves on to the next.
 * Days are locked in date order, so two batches never wait on each other in a cycle.
 */
export async function assignClearingDates(
  trx: Knex.Transaction,
  txDates: Iterable<string>,
  at: Date,
): Promise<Map<string, string>> {
  const dates = [...new Set(txDates)].sort();
  if (dates.length === 0) return new Map();
  for (let attempt = 1; ; attempt++) {
    const sealed = new Set<string>(
      await trx('clearing_days')
        .where('state', 'sealed')
        .andWhere('clearing_date', '>=', dates[0])
        .pluck('clearing_date'),
    );
    const assigned = new Map(dates.map((d) => [d, firstOpen(d, sealed)]));
    const targets = [...new Set(assigned.values())].sort();
    const have = new Set<string>(await trx('clearing_days').whereIn('clearing_date', targets).pluck('clearing_date'));
    const missing = targets.filter((d) => !have.has(d));
    if (missing.length)
      await trx('clearing_days')
        .insert(missing.map((d) => ({ clearing_date: d, opened_at: at })))
        .onConflict('clearing_date')
        .ignore();
    const locked: Array<{ state: string }> = await trx('clearing_days')
      .whereIn('clearing_date', targets)
      .orderBy('clearing_date')
      .forShare()
      .select('state');
    if (locked.every((r) => r.state === 'open')) return assigned;
    // a day was sealed between the read and the lock: assign again
    if (attempt >= 10) throw new Error('clearing days keep being sealed under this batch');
  }
}
