// What clearing may split, as a relation it can join in its own set-based statements (clearing
// never reads lane_transactions itself): the accepted own-card transactions with money, of one
// clearing day or of all, with each trip's operators and their weights (the sum of their sections'
// tolls in force on the trip's day).
import type { Knex } from 'knex';

export type SqlFragment = { sql: string; bindings: Knex.RawBinding[] };

/** Received packages' rows (our cards on other roads) are not ours to split: only lane uploads.
 *  Columns: clearing_date, transaction_id, amount, operators text[], weights bigint[] (aligned,
 *  operators sorted). One day's rows read one partition. */
export function ownCardSplitSource(clearingDate?: string): SqlFragment {
  return {
    sql: `select clearing_date, id as transaction_id, amount, split_operators as operators, split_weights as weights
            from lane_transactions
           where disposition = 'accepted' and own_card and upload_id is not null and amount > 0${clearingDate ? ' and clearing_date = ?::date' : ''}`,
    bindings: clearingDate ? [clearingDate] : [],
  };
}

/** Count and sum of the same transactions, and how many parts their splits have (one per
 *  operator of each): what the day's splits must add up to. One scan. */
export async function ownCardDayTotals(
  db: Knex,
  clearingDate: string,
): Promise<{ transactions: bigint; amount: bigint; parts: bigint }> {
  const src = ownCardSplitSource(clearingDate);
  const { rows } = await db.raw(
    `select count(*)::bigint as n, coalesce(sum(amount), 0)::bigint as amount, coalesce(sum(cardinality(operators)), 0)::bigint as parts from (${src.sql}) t`,
    src.bindings,
  );
  return { transactions: BigInt(rows[0].n), amount: BigInt(rows[0].amount), parts: BigInt(rows[0].parts) };
}
