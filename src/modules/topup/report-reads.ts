// Loads summed for the finance read model (reports): per local day, channel, payment method, bank
// client and status, set-based. The day is the centre's calendar day of the load's creation.
import type { Knex } from 'knex';
import { DAY_MS, localDayStart } from '../../platform/clock/clock.ts';

export type LoadVolume = {
  date: string;
  channel: 'bank' | 'counter';
  method: string;
  clientId: string | null;
  status: string;
  loads: bigint;
  amount: bigint;
};

/** Loads created on the local days [from, to], grouped. */
export async function loadVolumes(db: Knex, from: string, to: string): Promise<LoadVolume[]> {
  const start = localDayStart(from);
  const end = new Date(localDayStart(to).getTime() + DAY_MS);
  const { rows } = await db.raw(
    `select to_char((created_at at time zone 'Asia/Shanghai')::date, 'YYYY-MM-DD') as date, channel,
            payment_method as method, client_id, status, count(*)::bigint as loads, sum(amount)::bigint as amount
       from loads
      where created_at >= ? and created_at < ?
      group by 1, 2, 3, 4, 5
      order by 1, 2, 3, 4, 5`,
    [start, end],
  );
  return (rows as Array<Record<string, any>>).map((r) => ({
    date: r.date,
    channel: r.channel,
    method: r.method,
    clientId: r.client_id,
    status: r.status,
    loads: BigInt(r.loads),
    amount: BigInt(r.amount),
  }));
}
