// Ledger invariants of the hall's cash: each confirmed till difference and each banked slip posted
// exactly its amount once, and no such entry exists without them.
import { registerInvariant } from '../ledger/index.ts';

export function registerTreasuryInvariants(): void {
  registerInvariant({
    name: 'till differences and banked deposit slips each moved counter cash by their amount once',
    run: async (db) => {
      const { rows } = await db.raw(
        `with posted as (
           select e.reference, sum(p.amount) filter (where a.code = 'counter-cash') as cash
             from journal_entries e join postings p on p.entry_id = e.id join ledger_accounts a on a.id = p.account_id
            where e.kind in ('till-difference', 'cash-deposit') group by e.reference),
         due as (
           select 'till:' || to_char(business_date, 'YYYY-MM-DD') || ':' || username as reference, difference as cash
             from till_closes where state = 'confirmed' and difference <> 0
           union all
           select 'cash-deposit:' || slip_no, -amount from cash_deposit_slips where state = 'banked')
         select coalesce(d.reference, p.reference) as reference, d.cash::text as due, p.cash::text as posted
           from due d full join posted p on p.reference = d.reference
          where d.cash is distinct from p.cash limit 20`,
      );
      return rows.map(
        (r: { reference: string; due: string | null; posted: string | null }) =>
          `${r.reference}: counter-cash movement due ${r.due ?? 'none'}, posted ${r.posted ?? 'none'}`,
      );
    },
  });
}
