// Corporate fleets: payment references, statement import and the suspense queue (finance), the pool
// and its allocation to vehicles (account manager, clerk), replenishment rules.
import { z } from 'zod';
import { actorLabel, type Role } from '../../platform/http/context.ts';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import {
  fenOut,
  idBody,
  idOut,
  idParam,
  instantOut,
  limit,
  offset,
  pageOut,
  plainText,
  positiveFen,
  reason,
} from '../../platform/http/schemas.ts';
import { AppError } from '../../platform/http/errors.ts';
import { allocate, itemsFromCsv, poolOf } from './allocations.ts';
import { assignPaymentReference, paymentReferenceOf } from './payment-references.ts';
import { ruleOf, setRule } from './replenishment.ts';
import { assignFromSuspense, listLines, returnFromSuspense } from './suspense.ts';
import { getImport, importStatement } from './transfers.ts';

const FINANCE: Role[] = ['finance'];
const READ: Role[] = ['finance', 'supervisor', 'auditor', 'clerk', 'account-manager'];
const ALLOCATE: Role[] = ['account-manager', 'clerk'];
const customerParams = z.strictObject({ customerId: idParam });
const lineParams = z.strictObject({ lineId: idParam });
const STATUSES = ['matched', 'suspense', 'assigned', 'returned', 'claimed', 'outgoing'] as const;

const referenceJson = z.object({ customerId: idOut, accountId: idOut, reference: z.string(), createdAt: instantOut });
const importJson = z.object({
  importId: idOut,
  bank: z.string(),
  format: z.enum(['cmb-xml', 'icbc-fixed', 'csv']),
  fileName: z.string(),
  importedAt: instantOut,
  lineCount: z.number().int(),
  newLines: z.number().int(),
  duplicateFile: z.boolean(),
  byStatus: z.object(
    Object.fromEntries(STATUSES.map((s) => [s, z.number().int()])) as Record<(typeof STATUSES)[number], z.ZodNumber>,
  ),
});
const lineJson = z.object({
  id: idOut,
  importId: idOut,
  bank: z.string(),
  serial: z.string(),
  lineNo: z.number().int(),
  bookedAt: instantOut,
  direction: z.enum(['credit', 'debit']),
  amount: fenOut,
  businessReference: z.string(),
  purpose: z.string(),
  payerAccount: z.string(),
  payerName: z.string(),
  status: z.enum(STATUSES),
  matchedBy: z.string().nullable(),
  customerId: idOut.nullable(),
  accountId: idOut.nullable(),
  billId: z.string().nullable(),
  note: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resolvedAt: instantOut.nullable(),
});
const batchJson = z.object({
  batchId: idOut,
  customerId: idOut,
  source: z.enum(['csv', 'equal', 'replenishment']),
  vehicles: z.number().int(),
  total: fenOut,
  at: instantOut,
  actor: z.string(),
  replayed: z.boolean(),
  poolAfter: fenOut,
});
const poolJson = z.object({
  customerId: idOut,
  customerName: z.string(),
  accountId: idOut,
  pool: fenOut,
  allocated: fenOut,
  vehicles: z.array(z.object({ vehicleId: idOut, plate: z.string(), plateColor: z.number().int(), balance: fenOut })),
});
const ruleJson = z.object({
  customerId: idOut,
  threshold: fenOut,
  target: fenOut,
  poolFloor: fenOut,
  active: z.boolean(),
  updatedAt: instantOut,
  updatedBy: z.string(),
});
const nonNegativeFen = z
  .number()
  .int()
  .min(0)
  .refine(Number.isSafeInteger, 'out of range')
  .transform((v) => BigInt(v));

export const corporateRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/corporate/customers/:customerId/payment-reference',
    tag: 'corporate',
    roles: ['clerk', 'supervisor', 'account-manager'],
    summary:
      "Give a corporate customer its payment reference (QY + 12 digits) for transfers' purpose field; again answers the same one",
    params: customerParams,
    response: referenceJson,
    handler: async (ctx, { params }) => ok(await assignPaymentReference(ctx.db, ctx, params.customerId)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/corporate/customers/:customerId/payment-reference',
    tag: 'corporate',
    roles: READ,
    summary: "A corporate customer's payment reference (404 payment-reference-not-found before one is given)",
    params: customerParams,
    response: referenceJson,
    handler: async (ctx, { params }) => ok(await paymentReferenceOf(ctx.db, params.customerId)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/corporate/statements',
    tag: 'corporate',
    roles: FINANCE,
    status: 201,
    moneyMoving: true,
    summary:
      'Import a bank statement of the collection account (CMB XML or ICBC fixed-width in GBK, or CSV; the file base64). Lines already stored (bank + serial) are skipped; new ones are matched and credited or put in suspense. A malformed file is refused whole: 422 statement-malformed naming the line',
    body: z.strictObject({
      format: z.enum(['cmb-xml', 'icbc-fixed', 'csv']),
      fileName: plainText(200),
      contentBase64: z.string().min(1).max(2_000_000),
    }),
    response: importJson,
    handler: async (ctx, { body }) =>
      ok(
        await importStatement(
          ctx.db,
          ctx.app.clock.now(),
          { label: actorLabel(ctx.actor), ctx },
          { format: body.format, fileName: body.fileName, content: Buffer.from(body.contentBase64, 'base64') },
        ),
        201,
      ),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/corporate/statements/:importId',
    tag: 'corporate',
    roles: READ,
    summary: 'One statement import with its lines counted by status',
    params: z.strictObject({ importId: idParam }),
    response: importJson,
    handler: async (ctx, { params }) => ok(await getImport(ctx.db, params.importId)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/corporate/statement-lines',
    tag: 'corporate',
    roles: READ,
    summary: 'Statement lines, newest first, by status (suspense: the queue finance works), import or customer',
    query: z.strictObject({
      status: z.enum(STATUSES).optional(),
      importId: idParam.optional(),
      customerId: idParam.optional(),
      limit,
      offset,
    }),
    response: z.object({ lines: z.array(lineJson), page: pageOut }),
    handler: async (ctx, { query }) => {
      const r = await listLines(ctx.db, query);
      return ok({ lines: r.lines, page: { limit: query.limit, offset: query.offset, hasMore: r.hasMore } });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/corporate/statement-lines/:lineId/assignment',
    tag: 'corporate',
    roles: FINANCE,
    moneyMoving: true,
    summary:
      "Assign a suspense line to a corporate customer: the money moves to its account and the payer's bank account is learned for its next transfers",
    params: lineParams,
    body: z.strictObject({ customerId: idBody, note: reason }),
    response: lineJson,
    handler: async (ctx, { params, body }) => ok(await assignFromSuspense(ctx.db, ctx, params.lineId, body)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/corporate/statement-lines/:lineId/return',
    tag: 'corporate',
    roles: FINANCE,
    moneyMoving: true,
    summary: 'Return a suspense line to the payer (the money leaves the clearing bank account)',
    params: lineParams,
    body: z.strictObject({ reason }),
    response: lineJson,
    handler: async (ctx, { params, body }) => ok(await returnFromSuspense(ctx.db, ctx, params.lineId, body)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/corporate/customers/:customerId/pool',
    tag: 'corporate',
    roles: READ,
    summary: "A corporate customer's pool (its account balance) and each vehicle's allocation",
    params: customerParams,
    response: poolJson,
    handler: async (ctx, { params }) => ok(await poolOf(ctx.db, params.customerId)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/corporate/customers/:customerId/allocations',
    tag: 'corporate',
    roles: ALLOCATE,
    status: 201,
    moneyMoving: true,
    summary:
      'Allocate from the pool to vehicles: a CSV (plate[,plate_colour],amount in yuan) or equal amounts (fen) to chosen vehicles. All or nothing; each vehicle one entry; 409 allocation-exceeds-pool',
    params: customerParams,
    body: z.union([
      z.strictObject({ csv: z.string().min(1).max(1_500_000) }),
      z.strictObject({ vehicleIds: z.array(idBody).min(1).max(20000), amount: positiveFen }),
    ]),
    response: batchJson,
    handler: async (ctx, { params, body }) => {
      const items =
        'csv' in body
          ? await itemsFromCsv(ctx.db, params.customerId, body.csv)
          : body.vehicleIds.map((vehicleId) => ({ vehicleId, amount: body.amount }));
      if (!('csv' in body) && new Set(body.vehicleIds.map(String)).size !== body.vehicleIds.length)
        throw new AppError('invalid-request', 'vehicleIds: a vehicle appears twice', 'vehicleIds');
      const batch = await allocate(
        ctx.db,
        ctx.app.clock.now(),
        { label: actorLabel(ctx.actor), ctx },
        params.customerId,
        {
          requestKey: `request:${ctx.requestId}`,
          source: 'csv' in body ? 'csv' : 'equal',
          items,
        },
      );
      return ok(batch, 201);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/corporate/customers/:customerId/replenishment-rule',
    tag: 'corporate',
    roles: READ,
    summary: "A fleet's replenishment rule (404 replenishment-rule-not-found when it has none)",
    params: customerParams,
    response: ruleJson,
    handler: async (ctx, { params }) => ok(await ruleOf(ctx.db, params.customerId)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/corporate/customers/:customerId/replenishment-rule',
    tag: 'corporate',
    roles: ['account-manager', 'clerk', 'supervisor'],
    summary:
      "Set a fleet's replenishment rule: daily, each allocated vehicle below the threshold is topped up to the target from the pool; the account manager is told when the pool runs low",
    params: customerParams,
    body: z.strictObject({
      threshold: nonNegativeFen,
      target: positiveFen,
      poolFloor: nonNegativeFen,
      active: z.boolean(),
    }),
    response: ruleJson,
    handler: async (ctx, { params, body }) => ok(await setRule(ctx.db, ctx, params.customerId, body)),
  }),
];
