// Public face of the corporate module: corporate customers' incoming transfers (payment references,
// statement import, matching, suspense) and the allocation of their pool to vehicles.
import './errors.ts';
export {
  provideOpenBillMatcher,
  watchCorporateCredits,
  registerStatementMatcher,
  type OpenBillMatcher,
  type OpenBillMatch,
  type CorporateCredit,
  type CorporateCreditWatcher,
  type StatementMatcher,
  type StatementLineView,
} from './hooks.ts';
export { referenceFor, referencesIn, paymentReferenceOf, type PaymentReference } from './payment-references.ts';
export { importStatement, SUSPENSE, type ImportSummary } from './transfers.ts';
export { parseStatement, ICBC_LAYOUT, type StatementFormat, type ParsedLine } from './statement-formats.ts';
export {
  allocate,
  reserveAllocation,
  allocationBalance,
  allocationCode,
  corporatePoolFacts,
  poolOf,
} from './allocations.ts';
export { replenishAll } from './replenishment.ts';
export { registerCorporateInvariants } from './invariants.ts';
export {
  registerCorporateJobs,
  registerStatementSource,
  importDropFolder,
  importFetched,
  fetchStatements,
  type StatementFile,
  type StatementSource,
  type ImportOutcome,
  REPLENISH,
  FETCH_STATEMENTS,
} from './jobs.ts';
export { corporateRoutes } from './routes.ts';
