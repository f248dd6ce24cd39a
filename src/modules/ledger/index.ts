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
  type AccountKind,
} from './accounts.ts';
export {
  postEntry,
  assertBalanced,
  netPostings,
  entriesFor,
  LedgerError,
  type Posting,
  type EntryInput,
} from './journal.ts';
export {
  checkLedger,
  registerInvariant,
  registerBalanceInvariant,
  balanceInvariant,
  type Invariant,
  type InvariantFailure,
} from './invariants.ts';
export {
  statementOf,
  tillOf,
  TILL_ACCOUNTS,
  type Statement,
  type Movement,
  type Till,
  type TillOperation,
  type TillMethod,
} from './statement.ts';
