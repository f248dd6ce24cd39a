// Public face of the settlement module: settlements with provinces, payouts to road operators, their
// statements, and the reconciliation of the clearing bank account's statements.
import './errors.ts';
export {
  approveSettlement,
  settleSettlement,
  getSettlement,
  listSettlements,
  settlementPostings,
  settlementReference,
  type Settlement,
  type SettlementState,
} from './settlements.ts';
export {
  approvePayout,
  payPayout,
  getPayout,
  listPayouts,
  payoutPostings,
  payoutReference,
  type Payout,
  type PayoutLine,
  type PayoutState,
} from './payouts.ts';
export { payoutStatement, settlementStatement } from './exports.ts';
export { toCsv, type Sheet } from './sheet.ts';
export { parseStatementCsv, STATEMENT_COLUMNS, type StatementLine } from './statement-csv.ts';
export { importStatement, runReconciliation, listReconciliationItems, type ReconciliationItem } from './statements.ts';
export { reconcile, registerReconciliationTargets, MISSING_AFTER_DAYS, type ReconcileSummary } from './reconcile.ts';
export { approveStep, finishStep, finishWithBankMovement, type ApprovalFlow, type BankMovement } from './approval.ts';
export { sheetResult } from './sheet.ts';
export { registerSettlementInvariants } from './invariants.ts';
export { settlementRoutes } from './routes.ts';
export { statementRoutes } from './statement-routes.ts';
