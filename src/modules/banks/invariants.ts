// Ledger invariant of banks' settlements: each settled statement moved exactly its amount from the
// bank's settlement account into the clearing bank once, and nothing else did.
import { registerEntryInvariant } from '../ledger/index.ts';

export function registerBankInvariants(): void {
  registerEntryInvariant({
    name: 'each settled bank statement moved its amount into the clearing bank once, and nothing else did',
    account: 'clearing-bank',
    kinds: ['bank-settlement'],
    dueSql: `select 'bank-settlement:' || to_char(business_date, 'YYYY-MM-DD') || ':' || bank as reference, amount
               from bank_settlement_statements where state = 'settled' and amount <> 0`,
  });
}
