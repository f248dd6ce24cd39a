// Finance staff: exceptions to work through, loads stuck in flight.
import { z } from 'zod';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { idParam, limit, offset, reason } from '../../platform/http/schemas.ts';
import { listExceptions, resolveException } from './exceptions.ts';
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
];
