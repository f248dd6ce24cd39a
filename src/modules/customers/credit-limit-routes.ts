// A debit account's credit limit after opening: set by a supervisor with a reason, and its history.
import { z } from 'zod';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { fen, idParam } from '../../platform/http/schemas.ts';
import { changeCreditLimit, creditLimitHistory } from './credit-limits.ts';

const accountParams = z.strictObject({ accountId: idParam });
const changeJson = z.object({
  id: z.number().int(),
  accountId: z.number().int(),
  fromLimit: z.number().int(),
  toLimit: z.number().int(),
  reason: z.string(),
  changedBy: z.string(),
  changedAt: z.string(),
});

export const creditLimitRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/accounts/:accountId/credit-limit',
    tag: 'customers',
    roles: ['supervisor'],
    summary:
      "Set a debit account's credit limit, with a reason (at least 5 characters); 0 to the ceiling (422 amount-out-of-range), debit accounts only (409 account-not-debit). A change that leaves the account past its limit lists its cards as overdrawn; one that covers it takes them off",
    params: accountParams,
    body: z.strictObject({
      creditLimit: fen,
      reason: z.string().trim().min(5, 'a reason of at least 5 characters is required').max(500),
    }),
    response: z.object({
      account: z
        .object({
          id: z.number().int(),
          kind: z.literal('debit'),
          creditLimit: z.number().int(),
          balance: z.number().int(),
        })
        .passthrough(),
      change: changeJson,
    }),
    handler: async (ctx, { params, body }) => ok(await changeCreditLimit(ctx.db, ctx, params.accountId, body)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/accounts/:accountId/credit-limit-changes',
    tag: 'customers',
    roles: ['clerk', 'supervisor', 'auditor', 'finance'],
    summary: "The account's credit limit changes after opening: from, to, who, when, why",
    params: accountParams,
    response: z.object({ changes: z.array(changeJson) }),
    handler: async (ctx, { params }) => ok({ changes: await creditLimitHistory(ctx.db, params.accountId) }),
  }),
];
