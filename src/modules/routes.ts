// Every business module's routes, in one list for the app and the OpenAPI document.
import type { RouteDef } from '../platform/http/route.ts';
import { customerRoutes } from './customers/routes.ts';
import { cardRoutes, obuRoutes } from './issuance/index.ts';
import { networkRoutes } from './lanes/routes.ts';
import { loadRoutes } from './topup/index.ts';
import { bankRoutes } from './banks/index.ts';
import { financeRoutes } from './finance/index.ts';

export function moduleRoutes(): RouteDef[] {
  return [...customerRoutes, ...cardRoutes, ...obuRoutes, ...networkRoutes, ...loadRoutes, ...bankRoutes, ...financeRoutes];
}
