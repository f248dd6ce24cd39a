// Public face of the banks module.
export { reconcileBankDay, compare, type BankLine, type Comparison } from './reconciliation.ts';
export { bankRoutes } from './routes.ts';
