// Ledger invariants (DESIGN §5), checked by `etc check-ledger` and by tests after every scenario.
// Modules add their own checks with registerInvariant; each returns the offending items.
import type { Knex } from 'knex';

export type InvariantFailure = { check: string; detail: string };
export type Invariant = { name: string; run: (db: Knex) => Promise<string[]> };

const registry: Invariant[] = [];

export function registerInvariant(inv: Invariant): void {
  if (!registry.some((r) => r.name === inv.name)) registry.push(inv);
}

// The common shape of a module invariant: a ledger account's credit balance must equal a sum the
// module computes from its own tables (e.g. loads in flight = Σ authorised loads). `expectedSql`
// returns one row with one column `total`.
export type BalanceInvariant = { name: string; account: string; expectedSql: string; what: string };

export function registerBalanceInvariant(inv: BalanceInvariant): void {
  registerInvariant(balanceInvariant(inv));
}

export function balanceInvariant(inv: BalanceInvariant): Invariant {
  return {
    name: inv.name,
    run: async (db) => {
      const r = await db.raw(
        `select (select coalesce(sum(-p.amount), 0) from postings p join ledger_accounts a on a.id = p.account_id where a.code = ?)::text as ledger,
                (${inv.expectedSql})::text as expected`,
        [inv.account],
      );
      const { ledger, expected } = r.rows[0];
      return ledger === expected ? [] : [`${inv.account} ledger ${ledger} ≠ ${inv.what} ${expected}`];
    },
  };
}

// The other common shape: each of a module's documents posted exactly its movement on one account,
// once, and no entry of its kinds exists without a document. `dueSql` returns rows (reference, amount):
// the journal reference each document posts under and the amount it must have moved on `account`.
export type EntryInvariant = { name: string; account: string; kinds: string[]; dueSql: string };

export function registerEntryInvariant(inv: EntryInvariant): void {
  registerInvariant({
    name: inv.name,
    run: async (db) => {
      const { rows } = await db.raw(
        `with posted as (
           select e.reference, coalesce(sum(p.amount) filter (where a.code = ?), 0) as amount
             from journal_entries e join postings p on p.entry_id = e.id join ledger_accounts a on a.id = p.account_id
            where e.kind = any(?::text[]) group by e.reference),
         due as (${inv.dueSql})
         select coalesce(d.reference, p.reference) as reference, d.amount::text as due, p.amount::text as posted
           from due d full join posted p on p.reference = d.reference
          where d.amount is distinct from p.amount
          limit 20`,
        [inv.account, inv.kinds],
      );
      return rows.map(
        (r: { reference: string; due: string | null; posted: string | null }) =>
          `${r.reference}: ${inv.account} movement due ${r.due ?? 'none'}, posted ${r.posted ?? 'none'}`,
      );
    },
  });
}

const core: Invariant[] = [
  {
    name: 'every journal entry sums to zero with at least two postings',
    run: async (db) => {
      const rows = await db.raw(`
        select e.id, e.kind, e.reference, coalesce(sum(p.amount), 0) as s, count(p.id) as n
        from journal_entries e left join postings p on p.entry_id = e.id
        group by e.id having coalesce(sum(p.amount), 0) <> 0 or count(p.id) < 2`);
      return rows.rows.map(
        (r: { id: bigint; kind: string; reference: string; s: string; n: string }) =>
          `entry ${r.id} (${r.kind} ${r.reference}): sum ${r.s}, ${r.n} postings`,
      );
    },
  },
  {
    name: 'the whole journal sums to zero',
    run: async (db) => {
      const r = await db.raw('select coalesce(sum(amount), 0)::text as s from postings');
      return r.rows[0].s === '0' ? [] : [`journal total is ${r.rows[0].s}`];
    },
  },
  {
    name: 'account balances equal the sum of their postings in every entry',
    // balances are derived, so this checks the derivation path: per-account sums via entries
    // must equal per-account sums over postings (catches orphaned postings)
    run: async (db) => {
      const rows = await db.raw(`
        select a.code from ledger_accounts a
        join postings p on p.account_id = a.id
        left join journal_entries e on e.id = p.entry_id
        group by a.code
        having sum(p.amount) <> sum(case when e.id is null then 0 else p.amount end)`);
      return rows.rows.map((r: { code: string }) => `account ${r.code} has postings outside any entry`);
    },
  },
  {
    name: "every account's running balance equals the sum of its postings",
    // balanceOf/balancesOf read ledger_balances (kept by a trigger on postings, migration 0180): a
    // stripe written by anything but the trigger, or a posting the trigger missed, shows here
    run: async (db) => {
      const { rows } = await db.raw(`
        with posted as (select account_id, sum(amount) as s from postings group by account_id),
             kept as (select account_id, sum(balance) as s from ledger_balances group by account_id)
        select a.code, coalesce(p.s, 0)::text as posted, coalesce(k.s, 0)::text as kept
          from posted p full join kept k using (account_id)
          join ledger_accounts a on a.id = coalesce(p.account_id, k.account_id)
         where coalesce(p.s, 0) <> coalesce(k.s, 0)
         order by a.code limit 20`);
      return rows.map(
        (r: { code: string; posted: string; kept: string }) =>
          `account ${r.code}: running balance ${r.kept} ≠ Σ postings ${r.posted}`,
      );
    },
  },
];

/** The name of every invariant checkLedger runs (a watcher also reports the ones that hold). */
export function invariantNames(): string[] {
  return [...core, ...registry].map((i) => i.name);
}

export async function checkLedger(db: Knex): Promise<{ ok: boolean; failures: InvariantFailure[] }> {
  const failures: InvariantFailure[] = [];
  for (const inv of [...core, ...registry]) {
    for (const detail of await inv.run(db)) failures.push({ check: inv.name, detail });
  }
  return { ok: failures.length === 0, failures };
}
