// Operator payouts of a clearing date: per operator, the sum of its splits of every source, from
// the day's operator totals (one INSERT … SELECT). Finance approves and pays them (settlement module).
import type { Knex } from 'knex';

export async function writePayouts(
  trx: Knex.Transaction,
  date: string,
  at: Date,
): Promise<{ operators: number; amount: bigint }> {
  await trx.raw(
    `insert into operator_payouts (clearing_date, operator_id, transactions, amount, own_amount, interchange_amount, created_at)
     select clearing_date, operator_id, sum(transactions), sum(amount),
            coalesce(sum(amount) filter (where source = 'own-card'), 0), coalesce(sum(amount) filter (where source <> 'own-card'), 0), ?
       from clearing_operator_totals where clearing_date = ?::date group by clearing_date, operator_id`,
    [at, date],
  );
  const t = await trx('operator_payouts')
    .where({ clearing_date: date })
    .select(trx.raw('count(*)::int as n, coalesce(sum(amount), 0)::bigint as amount'))
    .first();
  return { operators: t.n, amount: BigInt(t.amount) };
}
