// The ledger's invariant check over HTTP (what `etc check-ledger` prints), so it can run while the
// service does.
import { z } from 'zod';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { checkLedger } from './invariants.ts';

export const ledgerRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/ledger/check',
    tag: 'ledger',
    roles: ['admin', 'auditor', 'finance'],
    summary: 'Check the ledger invariants; ok false names each failing check and what fails it',
    response: z.object({ ok: z.boolean(), failures: z.array(z.object({ check: z.string(), detail: z.string() })) }),
    handler: async (ctx) => ok(await checkLedger(ctx.db)),
  }),
];
