// Public face of the banks module.
import './errors.ts';
export { reconcileBankDay, compare, type BankLine, type Comparison } from './reconciliation.ts';
export { bankRoutes } from './routes.ts';
export { bankSettlementRoutes } from './settlement-routes.ts';
export { registerBankInvariants } from './invariants.ts';
export { bankSettlementReference } from './settlement-statements.ts';
export { registerBankStatementSources, bankStatementSource } from './statement-fetch.ts';
