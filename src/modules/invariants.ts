// Registers every module's ledger invariants with the ledger's checker.
import { registerCarryInvariants } from './issuance/index.ts';
import { registerLoadInvariants } from './topup/index.ts';

export function registerModuleInvariants(): void {
  registerCarryInvariants();
  registerLoadInvariants();
}
