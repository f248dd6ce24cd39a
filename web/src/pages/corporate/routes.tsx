// The corporate screens' routes, under the signed-in frame.
import { createRoute, type AnyRoute } from '@tanstack/react-router';
import { PoolLookupPage, PoolPage } from './pool.tsx';
import { StatementsPage } from './statements.tsx';
import { SuspensePage } from './suspense.tsx';

export function corporateRoutes<P extends AnyRoute>(parent: () => P) {
  return [
    createRoute({ getParentRoute: parent, path: '/corporate/statements', component: StatementsPage }),
    createRoute({ getParentRoute: parent, path: '/corporate/suspense', component: SuspensePage }),
    createRoute({ getParentRoute: parent, path: '/corporate/pool', component: PoolLookupPage }),
    createRoute({ getParentRoute: parent, path: '/corporate/customers/$customerId/pool', component: PoolPage }),
  ] as const;
}
