// Wires modules that react to another module's change without the two importing each other:
// the changing module keeps a list of watchers, called in the change's own transaction.
import { watchCreditLimits, watchDebitPayments } from './customers/index.ts';
import { rejudgeOverdraft } from './lanes/index.ts';
import { payBillsFromDeposit, scopeBillsBy } from './credit/index.ts';
import { assertInPortfolio } from './portfolio/index.ts';

export function registerModuleReactions(): void {
  // a credit limit change re-judges the account's overdraft at once (the status list reacts)
  watchCreditLimits(rejudgeOverdraft);
  // so does a payment into a debit account: covered again, its cards leave the list at the next publish
  watchDebitPayments((trx, p) =>
    rejudgeOverdraft(trx, { accountId: p.accountId, creditLimit: p.creditLimit, at: p.at }),
  );
  // and it pays the account's open bills, oldest first (credit)
  watchDebitPayments(payBillsFromDeposit);
  // an account manager reads the bills of their own portfolio only
  scopeBillsBy(assertInPortfolio);
}
