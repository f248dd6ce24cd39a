// Finance's settlements with provinces and payouts to road operators: read, approve, mark settled or
// paid (each posting its bank movement), and the day's statements as CSV or XLSX. Export routes are
// declared before /{date}/{key} so that "export" is never taken for a network or an operator id.
import { z } from 'zod';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { isoDate, network, plainText } from '../../platform/http/schemas.ts';
import { CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE } from '../../platform/http/csv.ts';
import { payoutStatement, settlementStatement } from './exports.ts';
import { approvePayout, getPayout, listPayouts, payPayout } from './payouts.ts';
import { approveSettlement, getSettlement, listSettlements, settleSettlement, type DateRange } from './settlements.ts';
import { sheetResult } from './sheet.ts';
import {
  getPayoutsByDateOperatorIdResponse,
  getPayoutsResponse,
  getSettlementsByDateNetworkResponse,
  getSettlementsResponse,
  postPayoutsApproveResponse,
  postPayoutsPayResponse,
  postSettlementsApproveResponse,
  postSettlementsSettleResponse,
} from './responses.ts';
import { DAY_MS } from '../../platform/clock/clock.ts';

const READERS = ['finance', 'admin', 'auditor'] as const;
const DECIDERS = ['finance', 'admin'] as const;
const MAX_RANGE_DAYS = 366;

const operatorId = z.string().regex(/^OP-[A-Z0-9]{2,16}$/, 'must be a road operator id (OP-…)');
const bankReference = plainText(64, 'the bank reference of the transfer is required');

// ?date=D, or ?from=D1&to=D2 (at most a year)
const dates = { date: isoDate.optional(), from: isoDate.optional(), to: isoDate.optional() };
type Dates = { date?: string; from?: string; to?: string };
function checkDates(q: Dates, ctx: z.RefinementCtx): void {
  if (q.date !== undefined && (q.from !== undefined || q.to !== undefined))
    ctx.addIssue({ code: 'custom', path: ['date'], message: 'give date, or from and to, not both' });
  else if (q.date === undefined && (q.from === undefined || q.to === undefined))
    ctx.addIssue({
      code: 'custom',
      path: [q.from === undefined ? 'from' : 'to'],
      message: 'give date, or from and to',
    });
  else if (q.from !== undefined && q.to !== undefined) {
    if (q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    else if (Date.parse(q.to) - Date.parse(q.from) >= MAX_RANGE_DAYS * DAY_MS)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `at most ${MAX_RANGE_DAYS} days from from` });
  }
}
const range = (q: Dates): DateRange => (q.date ? { from: q.date, to: q.date } : { from: q.from!, to: q.to! });

const settlementQuery = z
  .strictObject({ ...dates, state: z.enum(['draft', 'approved', 'settled']).optional() })
  .superRefine(checkDates);
const payoutQuery = z
  .strictObject({ ...dates, state: z.enum(['draft', 'approved', 'paid']).optional() })
  .superRefine(checkDates);
const exportQuery = z.strictObject({ format: z.enum(['csv', 'xlsx']).default('csv') });
const dayParams = z.strictObject({ date: isoDate });
const settlementParams = z.strictObject({ date: isoDate, network });
const payoutParams = z.strictObject({ date: isoDate, operatorId });
const transferBody = z.strictObject({ bankReference });

export const settlementRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/settlements',
    tag: 'settlement',
    roles: READERS,
    summary:
      'Province settlements of a clearing date (?date=) or dates (?from=&to=), with totals (receivable, payable, net in fen)',
    query: settlementQuery,
    response: getSettlementsResponse,
    handler: async (ctx, { query }) => ok(await listSettlements(ctx.db, range(query), query.state)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/settlements/:date/export',
    tag: 'settlement',
    roles: READERS,
    summary: 'The province settlements of a clearing date as a statement file (?format=csv|xlsx), with a totals row',
    params: dayParams,
    query: exportQuery,
    produces: [CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE],
    handler: async (ctx, { params, query }) =>
      sheetResult(await settlementStatement(ctx.db, params.date), query.format),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/settlements/:date/:network',
    tag: 'settlement',
    roles: READERS,
    summary: 'The settlement with one province for a clearing date',
    params: settlementParams,
    response: getSettlementsByDateNetworkResponse,
    handler: async (ctx, { params }) => ok({ settlement: await getSettlement(ctx.db, params.date, params.network) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/settlements/:date/:network/approve',
    tag: 'settlement',
    roles: DECIDERS,
    summary: 'Approve a draft settlement (409 settlement-already-approved / settlement-already-settled)',
    params: settlementParams,
    response: postSettlementsApproveResponse,
    handler: async (ctx, { params }) =>
      ok({ settlement: await approveSettlement(ctx.db, ctx, params.date, params.network) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/settlements/:date/:network/settle',
    tag: 'settlement',
    roles: DECIDERS,
    summary:
      "Mark an approved settlement settled with the transfer's bank reference; posts the bank movement. Four eyes: not by its approver (409 settlement-not-approved / settlement-already-settled / four-eyes-required)",
    moneyMoving: true,
    params: settlementParams,
    body: transferBody,
    response: postSettlementsSettleResponse,
    handler: async (ctx, { params, body }) =>
      ok(await settleSettlement(ctx.db, ctx, params.date, params.network, body.bankReference)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/payouts',
    tag: 'settlement',
    roles: READERS,
    summary: 'Road operator payouts of a clearing date (?date=) or dates (?from=&to=), with totals',
    query: payoutQuery,
    response: getPayoutsResponse,
    handler: async (ctx, { query }) => ok(await listPayouts(ctx.db, range(query), query.state)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/payouts/:date/export',
    tag: 'settlement',
    roles: READERS,
    summary:
      'The payout statement of a clearing date (?format=csv|xlsx): per operator the amount, own-card and per-province parts; a totals row',
    params: dayParams,
    query: exportQuery,
    produces: [CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE],
    handler: async (ctx, { params, query }) => sheetResult(await payoutStatement(ctx.db, params.date), query.format),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/payouts/:date/:operatorId',
    tag: 'settlement',
    roles: READERS,
    summary: "A road operator's payout for a clearing date with its lines by source (own-card, province:<network>)",
    params: payoutParams,
    response: getPayoutsByDateOperatorIdResponse,
    handler: async (ctx, { params }) => ok(await getPayout(ctx.db, params.date, params.operatorId)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/payouts/:date/:operatorId/approve',
    tag: 'settlement',
    roles: DECIDERS,
    summary: 'Approve a draft payout (409 payout-already-approved / payout-already-paid)',
    params: payoutParams,
    response: postPayoutsApproveResponse,
    handler: async (ctx, { params }) =>
      ok({ payout: await approvePayout(ctx.db, ctx, params.date, params.operatorId) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/payouts/:date/:operatorId/pay',
    tag: 'settlement',
    roles: DECIDERS,
    summary:
      "Mark an approved payout paid with the transfer's bank reference; posts the bank movement. Four eyes: not by its approver (409 payout-not-approved / payout-already-paid / four-eyes-required)",
    moneyMoving: true,
    params: payoutParams,
    body: transferBody,
    response: postPayoutsPayResponse,
    handler: async (ctx, { params, body }) =>
      ok(await payPayout(ctx.db, ctx, params.date, params.operatorId, body.bankReference)),
  }),
];
