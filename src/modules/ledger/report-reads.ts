// Balances as they stood at instants, for the finance read model (reports): Σ postings of the
// entries made before each instant, per account whose code starts with one of the prefixes. One
// scan of the accounts' postings serves every instant asked.
import type { Knex } from 'knex';

export async function balancesAt(
  db: Knex,
  prefixes: string[],
  ats: Date[],
): Promise<Array<{ code: string; balances: bigint[] }>> {
  if (!prefixes.length || !ats.length) return [];
  const like = prefixes.map((p) => `${p.replace(/[%_\\]/g, '\\$&')}%`);
  const sums = ats.map((_, i) => `coalesce(sum(p.amount) filter (where e.created_at < ?), 0)::bigint as b${i}`);
  const { rows } = await db.raw(
    `select a.code, ${sums.join(', ')}
       from ledger_accounts a
       left join postings p on p.account_id = a.id
       left join journal_entries e on e.id = p.entry_id
      where a.code like any(?::text[])
      group by a.code order by a.code`,
    [...ats, like],
  );
  return (rows as Array<Record<string, string | bigint>>).map((r) => ({
    code: String(r.code),
    balances: ats.map((_, i) => BigInt(r[`b${i}`])),
  }));
}
