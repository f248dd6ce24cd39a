// The split of a clearing day, set-based: every transaction's amount shared between its operators
// in proportion to their tolls, largest remainder to the fen, ties by operator id (byte order, as
// split.ts) — one INSERT … SELECT over the day's rows; then the per-operator totals from the
// splits. Numeric arithmetic, so amount × weight cannot overflow. Own-card money first; then, once
// the issuers have confirmed, other provinces' money (source 'province:<network>').
import type { Knex } from 'knex';
import { ownCardSplitSource } from '../lanes/index.ts';

export type SplitSummary = {
  amount: bigint;
  operators: Array<{ operatorId: string; transactions: bigint; amount: bigint }>;
};
export type SplitRows = { parts: bigint; amount: bigint };

export async function splitOwnCardDay(trx: Knex.Transaction, date: string): Promise<SplitRows> {
  const src = ownCardSplitSource(date);
  await splitInto(trx, date, { sql: `select s.*, 'own-card' as source from (${src.sql}) s`, bindings: src.bindings });
  // parts and amount of what was written, from the totals just summed (no second pass over the splits)
  const t = await trx('clearing_operator_totals')
    .where({ clearing_date: date, source: 'own-card' })
    .select(trx.raw('coalesce(sum(transactions), 0)::bigint as parts, coalesce(sum(amount), 0)::bigint as amount'))
    .first();
  return { parts: BigInt(t.parts), amount: BigInt(t.amount) };
}

/** Splits the rows of a relation (clearing_date, transaction_id, amount, operators, weights, source)
 *  into the day's clearing_splits and sums what it wrote into clearing_operator_totals — one
 *  statement, so the new splits are never read back. Each transaction is split on its own in a
 *  lateral subquery over its few operators: no sort of the whole day's parts. (A shortcut for
 *  one-operator trips, a UNION ALL inside the lateral, measured slower: bench/README.md.) */
export async function splitInto(
  trx: Knex.Transaction,
  date: string,
  src: { sql: string; bindings: readonly Knex.RawBinding[] },
): Promise<void> {
  await trx.raw(
    `with written as (
       insert into clearing_splits (clearing_date, transaction_id, operator_id, source, amount)
       select ?::date, t.transaction_id, p.operator_id, t.source, p.amount
         from (select s.*, (select sum(w) from unnest(s.weights) w) as total from (${src.sql}) s) t
         cross join lateral (
           select x.operator_id, (x.base + case when x.rank <= t.amount - x.based then 1 else 0 end)::bigint as amount
             from (select y.operator_id, y.base, sum(y.base) over () as based,
                          row_number() over (order by y.rem desc, y.operator_id collate "C") as rank
                     from (select u.operator_id, div(t.amount::numeric * u.weight, t.total) as base, mod(t.amount::numeric * u.weight, t.total) as rem
                             from unnest(t.operators, t.weights) as u(operator_id, weight)) y) x
         ) p
       returning operator_id, source, amount
     )
     insert into clearing_operator_totals (clearing_date, operator_id, source, transactions, amount)
     select ?::date, operator_id, source, count(*), sum(amount) from written group by operator_id, source`,
    [date, ...src.bindings, date],
  );
}

export async function operatorTotals(db: Knex, date: string, source: string): Promise<SplitSummary> {
  const rows = await db('clearing_operator_totals')
    .where({ clearing_date: date, source })
    .orderBy('operator_id')
    .select('operator_id', 'transactions', 'amount');
  return {
    amount: rows.reduce((a: bigint, r: { amount: bigint }) => a + BigInt(r.amount), 0n),
    operators: rows.map((r: { operator_id: string; transactions: bigint; amount: bigint }) => ({
      operatorId: r.operator_id,
      transactions: BigInt(r.transactions),
      amount: BigInt(r.amount),
    })),
  };
}
