// Public face of the ledger module.
export {
  SYSTEM_ACCOUNTS,
  ensureAccounts,
  accountIdsByCode,
  ensureSystemAccounts,
  balanceOf,
  balancesOf,
  balancesByPrefix,
  customerFundsCode,
  bankSettlementCode,
  operatorPayableCode,
  provinceReceivableCode,
  provincePayableCode,
  CLEARING_BANK,
  operatorPayableAccount,
  provinceReceivableAccount,
  provincePayableAccount,
  type AccountKind,
  type AccountSpec,
} from './accounts.ts';
export {
  postEntry,
  postEntries,
  assertBalanced,
  netPostings,
  entriesFor,
  accountPostings,
  type AccountPosting,
  LedgerError,
  type Posting,
  type EntryInput,
} from './journal.ts';
export {
  checkLedger,
  invariantNames,
  registerInvariant,
  registerBalanceInvariant,
  registerEntryInvariant,
  balanceInvariant,
  type Invariant,
  type InvariantFailure,
} from './invariants.ts';
export { ledgerRoutes } from './routes.ts';
export {
  statementOf,
  tillOf,
  movementOf,
  TILL_ACCOUNTS,
  type Statement,
  type Movement,
  type Till,
  type TillOperation,
  type TillMethod,
} from './statement.ts';
export { balancesAt } from './report-reads.ts';
