// Lane traffic summed for the finance read model (reports), set-based, per clearing day: whose card
// ('own-card', or 'province:<issuer>' for another province's card on our lanes), where the
// transaction came from (our lanes, or a package of our cards' trips in another province) and its
// disposition.
import type { Knex } from 'knex';

export type LaneVolume = {
  date: string;
  source: string;
  origin: 'lane' | 'package';
  disposition: string;
  transactions: bigint;
  amount: bigint;
};

/** Lane transactions of the clearing days [from, to] (partition pruning on clearing_date). */
export async function laneVolumes(db: Knex, from: string, to: string): Promise<LaneVolume[]> {
  const { rows } = await db.raw(
    `select to_char(clearing_date, 'YYYY-MM-DD') as date,
            case when own_card then 'own-card' else 'province:' || issuer end as source,
            case when received_package_id is null then 'lane' else 'package' end as origin,
            disposition, count(*)::bigint as transactions, coalesce(sum(amount), 0)::bigint as amount
       from lane_transactions
      where clearing_date between ?::date and ?::date
      group by 1, 2, 3, 4 order by 1, 2, 3, 4`,
    [from, to],
  );
  return (rows as Array<Record<string, any>>).map((r) => ({
    date: r.date,
    source: r.source,
    origin: r.origin,
    disposition: r.disposition,
    transactions: BigInt(r.transactions),
    amount: BigInt(r.amount),
  }));
}
