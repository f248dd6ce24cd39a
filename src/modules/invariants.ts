// Registers every module's ledger invariants with the ledger's checker.
import { registerCarryInvariants } from './issuance/index.ts';
import { registerLoadInvariants } from './topup/index.ts';
import { registerLaneInvariants } from './lanes/index.ts';
import { registerClearingInvariants } from './clearing/index.ts';
import { registerInterchangeInvariants } from './interchange/index.ts';
import { registerSettlementInvariants } from './settlement/index.ts';
import { registerCorporateInvariants } from './corporate/index.ts';
import { registerRemedyInvariants } from './servicedesk/index.ts';
import { registerPaymentInvariants } from './payments/index.ts';
import { registerTreasuryInvariants } from './treasury/index.ts';
import { registerBankInvariants } from './banks/index.ts';
import { registerCreditInvariants } from './credit/index.ts';

export function registerModuleInvariants(): void {
  registerCarryInvariants();
  registerLoadInvariants();
  registerLaneInvariants();
  registerClearingInvariants();
  registerInterchangeInvariants();
  registerSettlementInvariants();
  registerCorporateInvariants();
  registerRemedyInvariants();
  registerPaymentInvariants();
  registerTreasuryInvariants();
  registerBankInvariants();
  registerCreditInvariants();
}
