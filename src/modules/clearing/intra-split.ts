// The split of a clearing day, set-based: every transaction's amount shared between its operators
// in proportion to their tolls, largest remainder to the fen, ties by operator id (byte order, as
// split.ts) — one statement over the day's rows writing the splits and the per-operator totals
// (each distinct fare split once, see splitInto). Numeric arithmetic, so amount × weight cannot
// overflow. Own-card money first (into the day's partition loaded before it is indexed,
// day-partition.ts); then, once the issuers have confirmed, other provinces' money (source
// 'province:<network>').
import type { Knex } from 'knex';
import { ownCardSplitSource } from '../lanes/index.ts';
import { closeDayLoad, openDayLoad } from './day-partition.ts';

export type SplitSummary = {
  amount: bigint;
  operators: Array<{ operatorId: string; transactions: bigint; amount: bigint }>;
};
export type SplitRows = { parts: bigint; amount: bigint };

export async function splitOwnCardDay(trx: Knex.Transaction, date: string): Promise<SplitRows> {
  const src = ownCardSplitSource(date);
  const load = await openDayLoad(trx, date);
  const parts = await splitInto(
    trx,
    date,
    { sql: `select s.*, 'own-card' as source from (${src.sql}) s`, bindings: src.bindings },
    load ?? 'clearing_splits',
  );
  if (load) await closeDayLoad(trx, date, load);
  // the rows written, and the amount of the totals just summed (no second pass over the splits)
  const t = await trx('clearing_operator_totals')
    .where({ clearing_date: date, source: 'own-card' })
    .select(trx.raw('coalesce(sum(amount), 0)::bigint as amount'))
    .first();
  return { parts, amount: BigInt(t.amount) };
}

/** Splits the rows of a relation (clearing_date, transaction_id, amount, operators, weights, source)
 *  into the day's clearing_splits and writes their sums into clearing_operator_totals, in one
 *  statement (one snapshot). A split depends only on the amount, the operators and their weights,
 *  and a day has few distinct fares against millions of transactions: each distinct fare (per
 *  source) is split once, with its count, and the rows are written by joining every transaction to
 *  its fare's parts — no per-transaction arithmetic, no sort (bench/README.md). The totals are the
 *  fares' parts times their counts, so the written rows are never read back; the number of rows
 *  written is returned for the caller's check against the source. */
export async function splitInto(
  trx: Knex.Transaction,
  date: string,
  src: { sql: string; bindings: readonly Knex.RawBinding[] },
  into = 'clearing_splits',
): Promise<bigint> {
  // The planner cannot know how few fares there are (it guesses a tenth of the rows) and would sort
  // the whole day for a merge join; a hash of the few fares, probed by each row, is the plan wanted.
  await trx.raw('set local enable_mergejoin = off');
  const r = await trx.raw(
    `with fares as (
       select f.amount, f.operators, f.weights, f.source, f.n, p.operator_id, p.part
         from (select s.amount, s.operators, s.weights, s.source, count(*) as n, (select sum(w) from unnest(s.weights) w) as total
                 from (${src.sql}) s group by s.amount, s.operators, s.weights, s.source) f
         cross join lateral (
           select x.operator_id, (x.base + case when x.rank <= f.amount - x.based then 1 else 0 end)::bigint as part
             from (select y.operator_id, y.base, sum(y.base) over () as based,
                          row_number() over (order by y.rem desc, y.operator_id collate "C") as rank
                     from (select u.operator_id, div(f.amount::numeric * u.weight, f.total) as base, mod(f.amount::numeric * u.weight, f.total) as rem
                             from unnest(f.operators, f.weights) as u(operator_id, weight)) y) x
         ) p
     ), totals as (
       insert into clearing_operator_totals (clearing_date, operator_id, source, transactions, amount)
       select ?::date, operator_id, source, sum(n), sum(n * part) from fares group by operator_id, source
     )
     insert into ?? (clearing_date, transaction_id, operator_id, source, amount)
     select ?::date, t.transaction_id, f.operator_id, t.source, f.part
       from (${src.sql}) t
       join fares f on f.amount = t.amount and f.operators = t.operators and f.weights = t.weights and f.source = t.source`,
    [...src.bindings, date, into, date, ...src.bindings],
  );
  await trx.raw('reset enable_mergejoin');
  return BigInt(r.rowCount ?? 0);
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
