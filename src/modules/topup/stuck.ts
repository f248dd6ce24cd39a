// Loads left authorised longer than ETC_STUCK_LOAD_MINUTES: listed for finance, and raised as
// exceptions by a periodic sweep (idempotent: one exception per load).
import type { Knex } from 'knex';
import type { Clock } from '../../platform/clock/clock.ts';
import { raiseExceptions } from '../finance/index.ts';
import { publicLoad, toLoad } from './load-repo.ts';

export async function stuckLoads(db: Knex, clock: Clock, minutes: number) {
  const cutoff = new Date(clock.now().getTime() - minutes * 60_000);
  const rows = await db('loads')
    .where({ status: 'authorised' })
    .andWhere('created_at', '<', cutoff)
    .orderBy('created_at')
    .limit(1000);
  return rows.map((r) => publicLoad(toLoad(r)));
}

export async function sweepStuckLoads(db: Knex, clock: Clock, minutes: number): Promise<number> {
  const stuck = await stuckLoads(db, clock, minutes);
  return db.transaction((trx) =>
    raiseExceptions(
      trx,
      clock.now(),
      stuck.map((l) => ({
        kind: 'load-stuck' as const,
        reference: l.loadId,
        source: 'topup',
        amount: l.amount,
        detail: { cardNo: l.cardNo, channel: l.channel, bank: l.bank, since: l.createdAt },
      })),
    ),
  );
}
