// Ledger invariant of banks' settlements: each settled statement moved exactly its amount from the
// bank's settlement account into the clearing bank once, and nothing else did.
import { registerInvariant } from '../ledger/index.ts';

export function registerBankInvariants(): void {
  registerInvariant({
    name: 'each settled bank statement moved its amount into the clearing bank once, and nothing else did',
    run: async (db) => {
      const { rows } = await db.raw(
        `with posted as (
           select e.reference, sum(p.amount) filter (where a.code = 'clearing-bank') as bank
             from journal_entries e join postings p on p.entry_id = e.id join ledger_accounts a on a.id = p.account_id
            where e.kind = 'bank-settlement' group by e.reference),
         due as (
           select 'bank-settlement:' || to_char(business_date, 'YYYY-MM-DD') || ':' || bank as reference, amount as bank
             from bank_settlement_statements where state = 'settled' and amount <> 0)
         select coalesce(d.reference, p.reference) as reference, d.bank::text as due, p.bank::text as posted
           from due d full join posted p on p.reference = d.reference
          where d.bank is distinct from p.bank limit 20`,
      );
      return rows.map(
        (r: { reference: string; due: string | null; posted: string | null }) =>
          `${r.reference}: clearing-bank movement due ${r.due ?? 'none'}, posted ${r.posted ?? 'none'}`,
      );
    },
  });
}
