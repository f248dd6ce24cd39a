// Account managers' portfolio and visit log; assignments by a supervisor.
import { z } from 'zod';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { AppError } from '../../platform/http/errors.ts';
import { idParam, isoDate, plainText } from '../../platform/http/schemas.ts';
import { ageingJson, billJson } from '../credit/index.ts';
import { assign, portfolioOf, recordVisit, SEGMENTS, visitsOf } from './portfolio.ts';

const id = z.number().int();
const customerParams = z.strictObject({ customerId: idParam });
const visitJson = z.object({
  id,
  visitedOn: z.string(),
  visitedBy: z.string(),
  notes: z.string(),
  nextVisit: z.string().nullable(),
  recordedBy: z.string(),
  recordedAt: z.string(),
});
const poolJson = z.object({ poolFen: z.number().int(), allocatedFen: z.number().int(), vehicles: z.number().int() });
const customerJson = z.object({
  customerId: id,
  name: z.string(),
  segment: z.enum(SEGMENTS),
  accountId: id,
  accountKind: z.string(),
  vehicles: z.number().int(),
  pool: poolJson.nullable(),
  usage: z.array(z.object({ month: z.string(), trips: z.number().int(), amount: z.number().int() })),
  bills: z.array(billJson),
  ageing: ageingJson.nullable(),
  lastVisit: z.string().nullable(),
  nextVisit: z.string().nullable(),
});

export const portfolioRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/portfolio',
    tag: 'portfolio',
    roles: ['account-manager', 'supervisor'],
    summary:
      "An account manager's own portfolio (a supervisor names the manager with managerId): customers, segment, vehicles, pool (null when unknown), usage per month, bills, ageing, last and next visit",
    query: z.strictObject({ managerId: idParam.optional() }),
    response: z.object({ customers: z.array(customerJson) }),
    handler: async (ctx, { query }) => {
      const actor = ctx.actor;
      if (actor.kind !== 'user') throw new AppError('forbidden', 'staff only');
      const managerId = actor.role === 'account-manager' ? actor.userId : query.managerId;
      if (managerId === undefined) throw new AppError('invalid-request', 'managerId is required', 'managerId');
      return ok({ customers: await portfolioOf(ctx.db, managerId, ctx.app.clock.now()) });
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/portfolio/assignments/:customerId',
    tag: 'portfolio',
    roles: ['supervisor'],
    summary: 'Assign a customer to an account manager, with its segment (replaces an earlier assignment)',
    params: customerParams,
    body: z.strictObject({ managerId: z.number().int().positive(), segment: z.enum(SEGMENTS) }),
    response: z.object({ customerId: id, managerId: id, segment: z.enum(SEGMENTS) }),
    handler: async (ctx, { params, body }) =>
      ok(await assign(ctx.db, ctx, params.customerId, BigInt(body.managerId), body.segment)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/portfolio/customers/:customerId/visits',
    tag: 'portfolio',
    roles: ['account-manager', 'supervisor'],
    summary: "A customer's visit log, newest first (an account manager: own portfolio only, else 403 not-in-portfolio)",
    params: customerParams,
    response: z.object({ visits: z.array(visitJson) }),
    handler: async (ctx, { params }) => ok({ visits: await visitsOf(ctx.db, ctx, params.customerId) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/portfolio/customers/:customerId/visits',
    tag: 'portfolio',
    roles: ['account-manager', 'supervisor'],
    status: 201,
    summary: 'Record a visit: date, who, notes, next visit',
    params: customerParams,
    body: z.strictObject({
      visitedOn: isoDate,
      visitedBy: plainText(100),
      notes: z.string().trim().min(1).max(2000),
      nextVisit: isoDate.nullable().optional(),
    }),
    response: z.object({ visit: visitJson }),
    handler: async (ctx, { params, body }) =>
      ok({ visit: await recordVisit(ctx.db, ctx, params.customerId, body) }, 201),
  }),
];
