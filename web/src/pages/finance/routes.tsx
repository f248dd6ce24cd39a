// The finance and auditor screens' routes, added under the signed-in frame by router.tsx. The screens
// with charts load on first visit, so ECharts is not in the counter's bundle.
import { createRoute, lazyRouteComponent, type AnyRoute } from '@tanstack/react-router';
import { AuditLogPage } from '../audit/audit-log.tsx';
import { CashPage } from './cash.tsx';
import { ClearingPage } from './clearing.tsx';
import { ClearingDaysPage } from './clearing-days.tsx';
import { DisputesPage } from './disputes.tsx';
import { ExceptionsPage } from './exceptions.tsx';
import { SettlementsPage } from './settlements.tsx';
import { RefundsPage } from './refunds.tsx';
import { ReportsPage } from './reports.tsx';
import { StatementsPage } from './statements.tsx';

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const dateSearch = (s: Record<string, unknown>): { date?: string } =>
  typeof s.date === 'string' && ISO_DAY.test(s.date) ? { date: s.date } : {};
const statementSearch = (s: Record<string, unknown>): { statement?: number } =>
  Number.isSafeInteger(Number(s.statement)) && Number(s.statement) > 0 ? { statement: Number(s.statement) } : {};

export function financeRoutes<P extends AnyRoute>(app: P) {
  const parent = () => app;
  return [
    createRoute({
      getParentRoute: parent,
      path: '/finance/today',
      validateSearch: dateSearch,
      component: lazyRouteComponent(() => import('./today.tsx'), 'TodayPage'),
    }),
    createRoute({
      getParentRoute: parent,
      path: '/finance/clearing',
      validateSearch: dateSearch,
      component: ClearingPage,
    }),
    createRoute({ getParentRoute: parent, path: '/finance/clearing-days', component: ClearingDaysPage }),
    createRoute({ getParentRoute: parent, path: '/finance/exceptions', component: ExceptionsPage }),
    createRoute({ getParentRoute: parent, path: '/finance/disputes', component: DisputesPage }),
    createRoute({
      getParentRoute: parent,
      path: '/finance/settlements',
      validateSearch: dateSearch,
      component: SettlementsPage,
    }),
    createRoute({
      getParentRoute: parent,
      path: '/finance/statements',
      validateSearch: statementSearch,
      component: StatementsPage,
    }),
    createRoute({ getParentRoute: parent, path: '/finance/refunds', component: RefundsPage }),
    createRoute({ getParentRoute: parent, path: '/finance/cash', validateSearch: dateSearch, component: CashPage }),
    createRoute({ getParentRoute: parent, path: '/finance/reports', component: ReportsPage }),
    createRoute({ getParentRoute: parent, path: '/audit/log', component: AuditLogPage }),
  ] as const;
}
