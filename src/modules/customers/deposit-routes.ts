// Deposits into prepaid accounts: paying in (bounded per method; large ones wait for a supervisor),
// deciding a pending deposit, and the same-day four-eyes reversal of a mistaken one. Every POST here
// that moves money needs an Idempotency-Key, from staff too.
import { z } from 'zod';
import type { Role } from '../../platform/http/context.ts';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { depositMethod, idParam, plainText, positiveFen, reason } from '../../platform/http/schemas.ts';
import { decideReversal, requestReversal, reversalsOf } from './deposit-reversals.ts';
import { decideDeposit, deposit, getDeposit, listDeposits } from './deposits.ts';

const WRITE: Role[] = ['clerk', 'supervisor'];
const READ: Role[] = ['clerk', 'supervisor', 'auditor', 'finance'];
const accountParams = z.strictObject({ accountId: idParam });
const depositParams = z.strictObject({ depositId: idParam });
const optionalReason = z.strictObject({ reason: reason.optional() });

// the success bodies, as JSON (fen and ids as integers, times as ISO strings)
const id = z.number().int();
const time = z.string();
const depositJson = z.object({
  id,
  accountId: id,
  amount: z.number().int(),
  method: z.enum(['cash', 'pos']),
  reference: z.string().nullable(),
  at: time,
  actor: z.string(),
  status: z.enum(['pending', 'posted', 'rejected']),
  decidedBy: z.string().nullable(),
  decidedAt: time.nullable(),
  decisionReason: z.string().nullable(),
});
const reversalJson = z.object({
  id,
  depositId: id,
  reason: z.string(),
  requestedBy: z.string(),
  requestedAt: time,
  status: z.enum(['requested', 'approved', 'rejected']),
  decidedBy: z.string().nullable(),
  decidedAt: time.nullable(),
  decisionReason: z.string().nullable(),
});
const depositAnswer = z.object({ deposit: depositJson, balance: z.number().int() });
const reversalAnswer = z.object({ reversal: reversalJson, balance: z.number().int(), entryId: id.nullable() });

export const depositRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/accounts/:accountId/deposits',
    tag: 'customers',
    roles: WRITE,
    status: 201,
    moneyMoving: true,
    summary:
      'Pay money into a prepaid account at the counter (cash or card terminal). Above the per-method limit 422 amount-out-of-range; above the approval threshold the deposit is pending and moves no money until a supervisor approves',
    params: accountParams,
    body: z.strictObject({
      amount: positiveFen,
      method: depositMethod,
      reference: plainText(100).optional(),
    }),
    response: depositAnswer,
    handler: async (ctx, { params, body }) => ok(await deposit(ctx.db, ctx, params.accountId, body), 201),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/deposits',
    tag: 'customers',
    roles: READ,
    summary: 'Deposits, newest first (at most 200), by status (e.g. pending: waiting for a supervisor) or account',
    query: z.strictObject({
      status: z.enum(['pending', 'posted', 'rejected']).optional(),
      accountId: idParam.optional(),
    }),
    response: z.object({ deposits: z.array(depositJson) }),
    handler: async (ctx, { query }) => ok({ deposits: await listDeposits(ctx.db, query) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/deposits/:depositId',
    tag: 'customers',
    roles: READ,
    summary: 'A deposit with its reversal requests',
    params: depositParams,
    response: z.object({ deposit: depositJson, reversals: z.array(reversalJson) }),
    handler: async (ctx, { params }) =>
      ok({
        deposit: await getDeposit(ctx.db, params.depositId),
        reversals: await reversalsOf(ctx.db, params.depositId),
      }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/deposits/:depositId/approve',
    tag: 'customers',
    roles: ['supervisor'],
    moneyMoving: true,
    summary:
      'Approve a pending deposit: its entry posts now. Not by whoever entered it (409 four-eyes-required, deposit-state-conflict)',
    params: depositParams,
    body: optionalReason,
    response: depositAnswer,
    handler: async (ctx, { params, body }) =>
      ok(await decideDeposit(ctx.db, ctx, params.depositId, 'approve', body.reason)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/deposits/:depositId/reject',
    tag: 'customers',
    roles: ['supervisor'],
    summary: 'Reject a pending deposit with a reason; no money moves (409 four-eyes-required, deposit-state-conflict)',
    params: depositParams,
    body: z.strictObject({ reason }),
    response: depositAnswer,
    handler: async (ctx, { params, body }) =>
      ok(await decideDeposit(ctx.db, ctx, params.depositId, 'reject', body.reason)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/deposits/:depositId/reversal',
    tag: 'customers',
    roles: WRITE,
    status: 201,
    summary:
      'Ask to reverse a mistaken deposit, with a reason: the same day only (409 deposit-reversal-too-late), while the account still holds the money (409 deposit-already-spent), once (409 deposit-reversal-exists)',
    params: depositParams,
    body: z.strictObject({ reason }),
    response: z.object({ reversal: reversalJson }),
    handler: async (ctx, { params, body }) =>
      ok({ reversal: await requestReversal(ctx.db, ctx, params.depositId, body.reason) }, 201),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/deposits/:depositId/reversal/approve',
    tag: 'customers',
    roles: ['supervisor'],
    moneyMoving: true,
    summary:
      'Approve the reversal: one entry mirroring the deposit posts (kind account-deposit-reversal). Not by whoever asked (409 four-eyes-required)',
    params: depositParams,
    body: optionalReason,
    response: reversalAnswer,
    handler: async (ctx, { params, body }) =>
      ok(await decideReversal(ctx.db, ctx, params.depositId, 'approve', body.reason)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/deposits/:depositId/reversal/reject',
    tag: 'customers',
    roles: ['supervisor'],
    summary: 'Reject the reversal with a reason; the deposit stands',
    params: depositParams,
    body: z.strictObject({ reason }),
    response: reversalAnswer,
    handler: async (ctx, { params, body }) =>
      ok(await decideReversal(ctx.db, ctx, params.depositId, 'reject', body.reason)),
  }),
];
