// Wires modules that react to another module's change without the two importing each other:
// the changing module keeps a list of watchers, called in the change's own transaction.
import { watchCreditLimits } from './customers/index.ts';
import { rejudgeOverdraft } from './lanes/index.ts';
import { provideAllocationPayer } from './topup/index.ts';
import { reserveAllocation } from './corporate/index.ts';

export function registerModuleReactions(): void {
  // a credit limit change re-judges the account's overdraft at once (the status list reacts)
  watchCreditLimits(rejudgeOverdraft);
  // a load paid from a corporate vehicle's allocation reserves it (corporate sits above topup)
  provideAllocationPayer(reserveAllocation);
}
