// Every business module's routes, in one list for the app and the OpenAPI document.
import type { RouteDef } from '../platform/http/route.ts';
import { auditRoutes } from './audit/index.ts';
import { creditLimitRoutes, customerConsoleRoutes, customerRoutes, depositRoutes } from './customers/index.ts';
import { exportRoutes } from './exports/index.ts';
import { hallRoutes } from './hall/index.ts';
import { cardRoutes, issuanceConsoleRoutes, obuRoutes } from './issuance/index.ts';
import { laneTransactionRoutes, networkRoutes } from './lanes/index.ts';
import { clearingRoutes } from './clearing/index.ts';
import { interchangeDocumentRoutes, interchangeStaffRoutes } from './interchange/index.ts';
import { loadRoutes } from './topup/index.ts';
import { bankRoutes, bankSettlementRoutes } from './banks/index.ts';
import { financeRoutes } from './finance/index.ts';
import { settlementRoutes, statementRoutes } from './settlement/index.ts';
import { interchangeRoutes, laneRoutes, registerStatuslistMetrics, statuslistRoutes } from './statuslist/index.ts';
import { keyRoutes } from './keys/index.ts';
import { ledgerRoutes } from './ledger/index.ts';
import { corporateRoutes } from './corporate/index.ts';
import { servicedeskRoutes } from './servicedesk/index.ts';
import { paymentRoutes } from './payments/index.ts';
import { treasuryRoutes } from './treasury/index.ts';
import { creditRoutes } from './credit/index.ts';
import { portfolioRoutes } from './portfolio/index.ts';
import { reportsRoutes } from './reports/index.ts';
import { registerInvariantMetrics } from './health/index.ts';
import type { Registry } from 'prom-client';
import type { AppContext } from '../platform/http/context.ts';

export function moduleRoutes(): RouteDef[] {
  return [
    ...customerRoutes,
    ...depositRoutes,
    ...creditLimitRoutes,
    ...cardRoutes,
    ...obuRoutes,
    ...networkRoutes,
    ...loadRoutes,
    ...bankRoutes,
    ...bankSettlementRoutes,
    ...financeRoutes,
    ...statuslistRoutes,
    ...laneRoutes,
    ...interchangeRoutes,
    ...laneTransactionRoutes,
    ...clearingRoutes,
    ...interchangeDocumentRoutes,
    ...interchangeStaffRoutes,
    ...settlementRoutes,
    ...statementRoutes,
    ...auditRoutes,
    ...exportRoutes,
    ...keyRoutes,
    ...ledgerRoutes,
    ...customerConsoleRoutes,
    ...issuanceConsoleRoutes,
    ...hallRoutes,
    ...corporateRoutes,
    ...servicedeskRoutes,
    ...paymentRoutes,
    ...treasuryRoutes,
    ...creditRoutes,
    ...portfolioRoutes,
    ...reportsRoutes,
  ];
}

// Modules' Prometheus gauges on the app's registry.
export function registerModuleMetrics(app: AppContext, registry: Registry): void {
  registerStatuslistMetrics(app, registry);
  registerInvariantMetrics(app, registry);
}
