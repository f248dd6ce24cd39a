// Ledger invariant of the hall's cash: each confirmed till difference and each banked slip moved
// counter cash by exactly its amount once, and no such entry exists without them.
import { registerEntryInvariant } from '../ledger/index.ts';

export function registerTreasuryInvariants(): void {
  registerEntryInvariant({
    name: 'till differences and banked deposit slips each moved counter cash by their amount once',
    account: 'counter-cash',
    kinds: ['till-difference', 'cash-deposit'],
    dueSql: `select 'till:' || to_char(business_date, 'YYYY-MM-DD') || ':' || username as reference, difference as amount
               from till_closes where state = 'confirmed' and difference <> 0
             union all
             select 'cash-deposit:' || slip_no, -amount from cash_deposit_slips where state = 'banked'`,
  });
}
