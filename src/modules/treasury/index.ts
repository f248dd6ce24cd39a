// Public face of the treasury module: the hall's cash — tills closed and cash banked.
import './errors.ts';
export { treasuryRoutes } from './routes.ts';
export { registerTreasuryInvariants } from './invariants.ts';
export { cashDepositReference } from './deposit-slips.ts';
