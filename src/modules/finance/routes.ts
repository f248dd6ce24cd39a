// Finance staff: exceptions to work through, loads stuck in flight.
import { z } from 'zod';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { idParam, limit, offset, reason } from '../../platform/http/schemas.ts';
import { assignException, listExceptions, resolveException } from './exceptions.ts';
import { getFinanceExceptionsResponse, postFinanceExceptionsResolveResponse } from './responses.ts';

export const financeRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/finance/exceptions',
    tag: 'finance',
    roles: ['finance', 'supervisor', 'auditor'],
    summary: 'Finance exceptions (reconciliation mismatches, stuck or doubtful loads), newest first',
    query: z.strictObject({
      status: z.enum(['open', 'resolved']).optional(),
      kind: z.string().max(60).optional(),
      owner: z.string().max(64).optional(),
      limit,
      offset,
    }),
    response: getFinanceExceptionsResponse,
    handler: async (ctx, { query }) => ok({ exceptions: await listExceptions(ctx.db, query) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/finance/exceptions/:exceptionId/resolve',
    tag: 'finance',
    roles: ['finance'],
    summary: 'Resolve an exception with a note saying what was done',
    params: z.strictObject({ exceptionId: idParam }),
    body: z.strictObject({ note: reason }),
    response: postFinanceExceptionsResolveResponse,
    handler: async (ctx, { params, body }) =>
      ok({ exception: await resolveException(ctx.db, ctx, params.exceptionId, body.note) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/finance/exceptions/:exceptionId/assign',
    tag: 'finance',
    roles: ['finance', 'supervisor'],
    summary: 'Hand an open exception to another owner: a team (finance, hall) or a username, with an optional note',
    params: z.strictObject({ exceptionId: idParam }),
    body: z.strictObject({
      owner: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a team or a username'),
      note: reason.optional(),
    }),
    response: postFinanceExceptionsResolveResponse,
    handler: async (ctx, { params, body }) =>
      ok({ exception: await assignException(ctx.db, ctx, params.exceptionId, body.owner, body.note) }),
  }),
];
