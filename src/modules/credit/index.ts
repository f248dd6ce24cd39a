// Public face of the credit module: post-paid (debit-account) bills, ageing, reminders, arrears on
// the status list, grades and write-offs.
import './errors.ts';
export { payBillsFromCredit, payBillsFromDeposit } from './payments.ts';
export { openBillsWithAmount, billsOfCustomers, runBills, previousMonth, type BillView } from './bills.ts';
export { ageing, BUCKETS, type AgeingRow } from './ageing.ts';
export { registerCreditJobs, billRun, dailySweep, BILL_RUN, DAILY_SWEEP } from './jobs.ts';
export { creditRoutes, scopeBillsBy } from './routes.ts';
export { billJson, ageingJson } from './responses.ts';
export { registerCreditInvariants } from './invariants.ts';
