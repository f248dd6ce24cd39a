// Ledger invariants of settlement: every settled settlement and every paid payout has its one bank
// entry, moving exactly its net (in) or its amount (out) through the clearing bank account, and no
// such entry exists for anything not settled or paid.
import { registerEntryInvariant } from '../ledger/index.ts';

export function registerSettlementInvariants(): void {
  registerEntryInvariant({
    name: 'settled settlements and paid payouts each posted their bank movement, and nothing else did',
    account: 'clearing-bank',
    kinds: ['interchange-settlement', 'operator-payout'],
    dueSql: `select 'settlement:' || to_char(clearing_date, 'YYYY-MM-DD') || ':' || network as reference, net as amount
               from settlements where state = 'settled' and (receivable <> 0 or payable <> 0)
             union all
             select 'payout:' || to_char(clearing_date, 'YYYY-MM-DD') || ':' || operator_id, -amount
               from operator_payouts where state = 'paid' and amount <> 0`,
  });
}
