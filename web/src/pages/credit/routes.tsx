// The credit screens' routes added under the signed-in frame (portfolio and ageing are in router.tsx).
import { createRoute, type AnyRoute } from '@tanstack/react-router';
import { GradesPage } from './grades.tsx';
import { WriteOffsPage } from './write-offs.tsx';

// ?account=<id> opens one account (its open bills to write off, its grade)
const accountSearch = (s: Record<string, unknown>): { account?: number } => {
  const n = Number(s.account);
  return Number.isSafeInteger(n) && n > 0 ? { account: n } : {};
};

export function creditRoutes<P extends AnyRoute>(parent: () => P) {
  return [
    createRoute({
      getParentRoute: parent,
      path: '/credit/write-offs',
      component: WriteOffsPage,
      validateSearch: accountSearch,
    }),
    createRoute({
      getParentRoute: parent,
      path: '/credit/grades',
      component: GradesPage,
      validateSearch: accountSearch,
    }),
  ] as const;
}
