// Every business module's routes, in one list for the app and the OpenAPI document.
import type { RouteDef } from '../platform/http/route.ts';
import { customerRoutes } from './customers/routes.ts';
import { customerConsoleRoutes } from './customers/index.ts';
import { hallRoutes } from './hall/index.ts';
import { cardRoutes, issuanceConsoleRoutes, obuRoutes } from './issuance/index.ts';
import { laneTransactionRoutes, networkRoutes } from './lanes/index.ts';
import { clearingRoutes } from './clearing/index.ts';
import { interchangeDocumentRoutes, interchangeStaffRoutes } from './interchange/index.ts';
import { loadRoutes } from './topup/index.ts';
import { bankRoutes } from './banks/index.ts';
import { financeRoutes } from './finance/index.ts';
import { settlementRoutes, statementRoutes } from './settlement/index.ts';
import { interchangeRoutes, laneRoutes, registerStatuslistMetrics, statuslistRoutes } from './statuslist/index.ts';
import type { Registry } from 'prom-client';
import type { AppContext } from '../platform/http/context.ts';

export function moduleRoutes(): RouteDef[] {
  return [
    ...customerRoutes,
    ...cardRoutes,
    ...obuRoutes,
    ...networkRoutes,
    ...loadRoutes,
    ...bankRoutes,
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
    ...customerConsoleRoutes,
    ...issuanceConsoleRoutes,
    ...hallRoutes,
  ];
}

// Modules' Prometheus gauges on the app's registry.
export function registerModuleMetrics(app: AppContext, registry: Registry): void {
  registerStatuslistMetrics(app, registry);
}
