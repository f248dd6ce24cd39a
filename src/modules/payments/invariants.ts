// Ledger invariants of refund payments: refunds-payable holds exactly the bank-transfer refunds
// approved and not yet paid, and every paid batch posted its total out of the clearing bank once.
import { registerBalanceInvariant, registerEntryInvariant } from '../ledger/index.ts';

export function registerPaymentInvariants(): void {
  registerBalanceInvariant({
    name: 'refunds-payable equals the bank-transfer refunds approved less the refund batches paid',
    account: 'refunds-payable',
    what: 'bank-transfer refunds approved less batches paid',
    expectedSql: `(select coalesce(sum(refund_amount), 0) from card_cancellations
                    where status = 'approved' and refund_method = 'bank-account')
                  - (select coalesce(sum(total), 0) from refund_batches where state = 'paid')`,
  });
  registerEntryInvariant({
    name: 'each paid refund batch posted its total out of the clearing bank once, and nothing else did',
    account: 'clearing-bank',
    kinds: ['refund-batch-payment'],
    dueSql: `select 'refund-batch:' || id as reference, -total as amount from refund_batches where state = 'paid'`,
  });
}
