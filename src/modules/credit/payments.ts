// Credits of an account that pay its bills: corporate's transfers and suspense assignments (through
// payBillsFromCredit, called by corporate's watchers), counter deposits (customers' debit-payment
// watch, wired in src/modules/reactions.ts). Each pays open bills oldest first; a settled late bill
// counts against the grade; arrears lift once nothing is overdue past the grace.
import type { Knex } from 'knex';
import type { CorporateCredit } from '../corporate/index.ts';
import type { DebitPayment } from '../customers/index.ts';
import { applyCredit, onBillsPaid, type BillPaymentSource } from './bills.ts';
import { judgeArrears } from './arrears.ts';
import { judgeLatePayments } from './grades.ts';

onBillsPaid(async (trx, p) => {
  await judgeLatePayments(trx, p.accountId, p.at);
  await judgeArrears(trx, p.accountId, p.at);
});

export async function payBillsFromCredit(trx: Knex.Transaction, c: CorporateCredit): Promise<void> {
  await applyCredit(trx, BigInt(c.accountId), c.amountFen, c.source, c.reference, c.at);
}

/** customers' watchDebitPayments: a counter deposit to a debit account pays its bills the same way. */
export async function payBillsFromDeposit(trx: Knex.Transaction, p: DebitPayment): Promise<void> {
  const source: BillPaymentSource = 'deposit';
  if (p.amount > 0n) await applyCredit(trx, p.accountId, p.amount, source, p.reference, p.at);
}
