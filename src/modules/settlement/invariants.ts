// Ledger invariants of settlement: every settled settlement and every paid payout has its one bank
// entry, moving exactly its net (in) or its amount (out) through the clearing bank account, and no
// such entry exists for anything not settled or paid.
import { registerInvariant } from '../ledger/index.ts';

export function registerSettlementInvariants(): void {
  registerInvariant({
    name: 'settled settlements and paid payouts each posted their bank movement, and nothing else did',
    run: async (db) => {
      const { rows } = await db.raw(
        `with posted as (
           select e.reference, coalesce(sum(p.amount) filter (where a.code = 'clearing-bank'), 0) as bank
             from journal_entries e join postings p on p.entry_id = e.id join ledger_accounts a on a.id = p.account_id
            where e.kind in ('interchange-settlement', 'operator-payout') group by e.reference),
         due as (
           select 'settlement:' || to_char(clearing_date, 'YYYY-MM-DD') || ':' || network as reference, net as bank
             from settlements where state = 'settled' and (receivable <> 0 or payable <> 0)
           union all
           select 'payout:' || to_char(clearing_date, 'YYYY-MM-DD') || ':' || operator_id, -amount
             from operator_payouts where state = 'paid' and amount <> 0)
         select coalesce(d.reference, p.reference) as reference, d.bank::text as due, p.bank::text as posted
           from due d full join posted p on p.reference = d.reference
          where d.bank is distinct from p.bank
          limit 20`,
      );
      return rows.map(
        (r: { reference: string; due: string | null; posted: string | null }) =>
          `${r.reference}: clearing-bank movement due ${r.due ?? 'none'}, posted ${r.posted ?? 'none'}`,
      );
    },
  });
}
