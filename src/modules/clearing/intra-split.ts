// The split of a clearing day, set-based: every transaction's amount shared between its operators
// in proportion to their tolls, largest remainder to the fen, ties by operator id (byte order, as
// split.ts) — one INSERT … SELECT over the day's rows; then the per-operator totals from the
// splits. Numeric arithmetic, so amount × weight cannot overflow. Own-card money first; then, once
// the issuers have confirmed, other provinces' money (source 'province:<network>').
import type { Knex } from 'knex';
import { ownCardSplitSource } from '../lanes/index.ts';

export type SplitSummary = { amount: bigint; operators: Array<{ operatorId: string; transactions: bigint; amount: bigint }> };
export type SplitRows = { parts: bigint; amount: bigint };

export async function splitOwnCardDay(trx: Knex.Transaction, date: string): Promise<SplitRows> {
  const src = ownCardSplitSource(date);
  await splitInto(trx, date, { sql: `select s.*, 'own-card' as source from (${src.sql}) s`, bindings: src.bindings });
  await insertOperatorTotals(trx, date, `source = 'own-card'`);
  // parts and amount of what was written, from the totals just summed (no second pass over the splits)
  const t = await trx('clearing_operator_totals').where({ clearing_date: date, source: 'own-card' })
    .select(trx.raw('coalesce(sum(transactions), 0)::bigint as parts, coalesce(sum(amount), 0)::bigint as amount')).first();
  return { parts: BigInt(t.parts), amount: BigInt(t.amount) };
}

/** Splits the rows of a relation (clearing_date, transaction_id, amount, operators, weights, source)
 *  into the day's clearing_splits; one statement. */
export async function splitInto(trx: Knex.Transaction, date: string, src: { sql: string; bindings: readonly Knex.RawBinding[] }): Promise<void> {
  await trx.raw(
    `insert into clearing_splits (clearing_date, transaction_id, operator_id, source, amount)
     select ?::date, r.transaction_id, r.operator_id, r.source, (r.base + case when r.rank <= r.leftover then 1 else 0 end)::bigint
       from (
         select f.transaction_id, f.operator_id, f.source, f.base,
                f.amount - sum(f.base) over (partition by f.transaction_id) as leftover,
                row_number() over (partition by f.transaction_id order by f.rem desc, f.operator_id collate "C") as rank
           from (
             select w.transaction_id, w.amount, w.operator_id, w.source,
                    div(w.amount::numeric * w.weight, w.total) as base,
                    mod(w.amount::numeric * w.weight, w.total) as rem
               from (
                 select t.transaction_id, t.amount, t.source, u.operator_id, u.weight,
                        sum(u.weight) over (partition by t.transaction_id) as total
                   from (${src.sql}) t
                   cross join lateral unnest(t.operators, t.weights) as u(operator_id, weight)
               ) w
           ) f
       ) r`,
    [date, ...src.bindings],
  );
}

export async function insertOperatorTotals(trx: Knex.Transaction, date: string, sourceCondition: string): Promise<void> {
  await trx.raw(
    `insert into clearing_operator_totals (clearing_date, operator_id, source, transactions, amount)
     select clearing_date, operator_id, source, count(*), sum(amount) from clearing_splits
      where clearing_date = ?::date and ${sourceCondition} group by clearing_date, operator_id, source`,
    [date],
  );
}

export async function operatorTotals(db: Knex, date: string, source: string): Promise<SplitSummary> {
  const rows = await db('clearing_operator_totals').where({ clearing_date: date, source }).orderBy('operator_id').select('operator_id', 'transactions', 'amount');
  return {
    amount: rows.reduce((a: bigint, r: { amount: bigint }) => a + BigInt(r.amount), 0n),
    operators: rows.map((r: { operator_id: string; transactions: bigint; amount: bigint }) => ({ operatorId: r.operator_id, transactions: BigInt(r.transactions), amount: BigInt(r.amount) })),
  };
}
