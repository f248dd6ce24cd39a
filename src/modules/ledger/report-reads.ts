// Balances as they stood at an instant, for the finance read model (reports): Σ postings of the
// entries made before it, per account whose code starts with one of the prefixes (or equals it).
import type { Knex } from 'knex';

export async function balancesAt(
  db: Knex,
  prefixes: string[],
  at: Date,
): Promise<Array<{ code: string; balance: bigint }>> {
  if (!prefixes.length) return [];
  const like = prefixes.map((p) => `${p.replace(/[%_\\]/g, '\\$&')}%`);
  const { rows } = await db.raw(
    `select a.code, coalesce(sum(p.amount) filter (where e.created_at < ?), 0)::bigint as balance
       from ledger_accounts a
       left join postings p on p.account_id = a.id
       left join journal_entries e on e.id = p.entry_id
      where a.code like any(?::text[])
      group by a.code order by a.code`,
    [at, like],
  );
  return (rows as Array<{ code: string; balance: bigint }>).map((r) => ({ code: r.code, balance: BigInt(r.balance) }));
}
