// Wires modules that react to another module's change without the two importing each other:
// the changing module keeps a list of watchers, called in the change's own transaction.
import { watchCreditLimits, watchDebitPayments } from './customers/index.ts';
import { rejudgeOverdraft } from './lanes/index.ts';
import { provideAllocationPayer } from './topup/index.ts';
import {
  corporatePoolFacts,
  provideOpenBillMatcher,
  reserveAllocation,
  watchCorporateCredits,
} from './corporate/index.ts';
import { openBillsWithAmount, payBillsFromCredit, payBillsFromDeposit, scopeBillsBy } from './credit/index.ts';
import { assertInPortfolio, providePoolFacts } from './portfolio/index.ts';

// The wiring is process-wide: a second application in the same process (tests, the simulation's two
// centres) must not add every watcher again.
let registered = false;

export function registerModuleReactions(): void {
  if (registered) return;
  registered = true;
  // a credit limit change re-judges the account's overdraft at once (the status list reacts)
  watchCreditLimits(rejudgeOverdraft);
  // so does a payment into a debit account: covered again, its cards leave the list at the next publish
  watchDebitPayments((trx, p) =>
    rejudgeOverdraft(trx, { accountId: p.accountId, creditLimit: p.creditLimit, at: p.at }),
  );
  // and it pays the account's open bills, oldest first (credit); so does a matched bank transfer
  watchDebitPayments(payBillsFromDeposit);
  watchCorporateCredits(payBillsFromCredit);
  // a transfer with no reference nor known payer may match exactly one open bill by its amount
  provideOpenBillMatcher(openBillsWithAmount);
  // the account manager's portfolio shows each customer's pool and allocations
  providePoolFacts(corporatePoolFacts);
  // an account manager reads the bills of their own portfolio only
  scopeBillsBy(assertInPortfolio);
  // a load paid from a corporate vehicle's allocation reserves it (corporate sits above topup)
  provideAllocationPayer(reserveAllocation);
}
