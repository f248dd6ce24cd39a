// Registers every module's ledger invariants with the ledger's checker.
import { registerCarryInvariants } from './issuance/index.ts';

export function registerModuleInvariants(): void {
  registerCarryInvariants();
}
