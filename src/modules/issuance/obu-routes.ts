// Service-hall (and bank-branch) endpoints for OBUs, and the fee schedule.
import { z } from 'zod';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { fen, hex, idBody, isoDate, obuNo, paymentMethod, reason } from '../../platform/http/schemas.ts';
import {
  activateObu,
  changeObuStatus,
  findObu,
  issueObu,
  replaceObu,
  reportTamper,
  type ObuTransition,
} from './obu-service.ts';
import { addFeeVersion, FEE_ITEMS, listFees } from './fees.ts';
import { statusEvents } from './status-change.ts';
import {
  getFeesResponse,
  getObusResponse,
  postFeesResponse,
  postObusActivationResponse,
  postObusPathResponse,
  postObusReplacementResponse,
  postObusResponse,
  postObusTamperReportResponse,
} from './responses.ts';

const COUNTER_AND_BANK = ['clerk', 'supervisor', 'bank'] as const;
const obuParams = z.strictObject({ obuNo });
const payment = z.strictObject({ method: paymentMethod });

function statusRoute(
  path: string,
  summary: string,
  pick: (b: { reason: string; withObu?: boolean }) => ObuTransition,
  withObuFlag = false,
): RouteDef {
  return defineRoute({
    method: 'post',
    path: `/api/v1/obus/:obuNo/${path}`,
    tag: 'obus',
    roles: COUNTER_AND_BANK,
    summary,
    params: obuParams,
    body: withObuFlag ? z.strictObject({ reason, withObu: z.boolean() }) : z.strictObject({ reason }),
    response: postObusPathResponse,
    handler: async (ctx, { params, body }) =>
      ok({ obu: await changeObuStatus(ctx.db, ctx, params.obuNo, pick(body), body.reason) }),
  });
}

export const obuRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/obus',
    tag: 'obus',
    roles: COUNTER_AND_BANK,
    status: 201,
    summary:
      'Issue an OBU to a vehicle; returns the system and vehicle files and, given ESAM challenges, their write MACs',
    body: z.strictObject({
      customerId: idBody,
      vehicleId: idBody,
      payment,
      challenge: hex(4).optional(),
      vehicleChallenge: hex(4).optional(),
      obuNo: obuNo.optional(),
    }),
    response: postObusResponse,
    handler: async (ctx, { body }) => ok(await issueObu(ctx.db, ctx, body), 201),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/obus/:obuNo',
    tag: 'obus',
    roles: ['clerk', 'supervisor', 'auditor', 'finance', 'bank'],
    summary: 'An OBU with its status history',
    params: obuParams,
    response: getObusResponse,
    handler: async (ctx, { params }) =>
      ok({
        obu: await findObu(ctx.db, params.obuNo, ctx.actor),
        events: await statusEvents(ctx.db, 'obu', params.obuNo),
      }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/obus/:obuNo/activation',
    tag: 'obus',
    roles: COUNTER_AND_BANK,
    summary: 'Activate a fitted OBU: the tamper flag write with its MAC for the ESAM challenge',
    params: obuParams,
    body: z.strictObject({ challenge: hex(4) }),
    response: postObusActivationResponse,
    handler: async (ctx, { params, body }) => ok(await activateObu(ctx.db, ctx, params.obuNo, body.challenge)),
  }),
  statusRoute('loss-report', 'Report an OBU lost', () => 'reportLoss'),
  statusRoute('loss-cancellation', 'Cancel an OBU loss report', () => 'cancelLoss'),
  statusRoute(
    'suspension',
    'Suspend an OBU, with or without it in hand',
    (b) => (b.withObu ? 'suspendWithObu' : 'suspendWithoutObu'),
    true,
  ),
  statusRoute('resumption', 'Resume a suspended OBU', () => 'resume'),
  statusRoute(
    'cancellation',
    'Cancel an OBU, with or without it in hand',
    (b) => (b.withObu ? 'cancelWithObu' : 'cancelWithoutObu'),
    true,
  ),
  defineRoute({
    method: 'post',
    path: '/api/v1/obus/:obuNo/tamper-report',
    tag: 'obus',
    roles: COUNTER_AND_BANK,
    summary: 'Report an OBU tampered with or removed (it enters the status list until re-activated)',
    params: obuParams,
    body: z.strictObject({ reason }),
    response: postObusTamperReportResponse,
    handler: async (ctx, { params, body }) => ok({ obu: await reportTamper(ctx.db, ctx, params.obuNo, body.reason) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/obus/:obuNo/replacement',
    tag: 'obus',
    roles: ['clerk', 'supervisor'],
    status: 201,
    summary: 'Replace an OBU (damaged in hand, or lost): new OBU, old one cancelled',
    params: obuParams,
    body: z.strictObject({
      reason,
      withObu: z.boolean(),
      payment,
      challenge: hex(4).optional(),
      vehicleChallenge: hex(4).optional(),
      newObuNo: obuNo.optional(),
    }),
    response: postObusReplacementResponse,
    handler: async (ctx, { params, body }) => ok(await replaceObu(ctx.db, ctx, params.obuNo, body), 201),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/fees',
    tag: 'fees',
    roles: ['clerk', 'supervisor', 'finance', 'admin', 'auditor', 'bank'],
    summary: 'The fee schedule, every version, with who added it',
    response: getFeesResponse,
    handler: async (ctx) => ok({ fees: await listFees(ctx.db) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/fees',
    tag: 'fees',
    roles: ['admin'],
    status: 201,
    summary:
      'Add a fee version taking effect on a future day (422 fee-date-passed); 0 <= price <= listPrice <= the fee ceiling (422 amount-out-of-range); the difference of price and list price is a discount',
    body: z.strictObject({ item: z.enum(FEE_ITEMS), effectiveFrom: isoDate, listPrice: fen, price: fen }),
    response: postFeesResponse,
    handler: async (ctx, { body }) => ok({ fee: await addFeeVersion(ctx.db, ctx, body) }, 201),
  }),
];
