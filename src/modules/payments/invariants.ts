// Ledger invariants of refund payments: refunds-payable holds exactly the bank-transfer refunds
// approved and not yet paid, and every paid batch posted its total out of the clearing bank once.
import { registerInvariant } from '../ledger/index.ts';

export function registerPaymentInvariants(): void {
  registerInvariant({
    name: 'refunds-payable equals the bank-transfer refunds approved less the refund batches paid',
    run: async (db) => {
      const { rows } = await db.raw(
        `select (select coalesce(sum(p.amount), 0) from postings p join ledger_accounts a on a.id = p.account_id
                  where a.code = 'refunds-payable')::text as balance,
                (select coalesce(sum(refund_amount), 0) from card_cancellations
                  where status = 'approved' and refund_method = 'bank-account')::text as approved,
                (select coalesce(sum(total), 0) from refund_batches where state = 'paid')::text as paid`,
      );
      const r = rows[0] as { balance: string; approved: string; paid: string };
      const due = -(BigInt(r.approved) - BigInt(r.paid));
      return BigInt(r.balance) === due ? [] : [`refunds-payable is ${r.balance}, refunds owed say ${due}`];
    },
  });
  registerInvariant({
    name: 'each paid refund batch posted its total out of the clearing bank once, and nothing else did',
    run: async (db) => {
      const { rows } = await db.raw(
        `with posted as (
           select e.reference, sum(p.amount) filter (where a.code = 'clearing-bank') as bank
             from journal_entries e join postings p on p.entry_id = e.id join ledger_accounts a on a.id = p.account_id
            where e.kind = 'refund-batch-payment' group by e.reference),
         due as (select 'refund-batch:' || id as reference, -total as bank from refund_batches where state = 'paid')
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
