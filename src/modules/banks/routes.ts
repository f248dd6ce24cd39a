// Bank reconciliation (ICD §1): the centre's record of a bank's day, and the comparison with the
// bank's own day file (converted to JSON lines by the bank's adapter).
import { z } from 'zod';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { cardNo, isoDate, isoInstant, plainText } from '../../platform/http/schemas.ts';
import { loadsOfBankDay } from '../topup/index.ts';
import { reconcileBankDay } from './reconciliation.ts';
import { getChannelReconciliationResponse, postChannelReconciliationResponse } from './responses.ts';

const dateParams = z.strictObject({ date: isoDate });
const line = z.strictObject({
  bankReference: plainText(64),
  loadId: z.string().uuid().optional(),
  cardNo,
  amount: z
    .number()
    .int()
    .positive()
    .refine(Number.isSafeInteger)
    .transform((v) => BigInt(v)),
  status: z.enum(['confirmed', 'reversed']),
  time: isoInstant,
});

export const bankRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/channel/reconciliation/:date',
    tag: 'banks',
    roles: ['bank'],
    summary: "The centre's record of this bank's loads on a business day",
    params: dateParams,
    response: getChannelReconciliationResponse,
    handler: async (ctx, { params }) =>
      ok({ date: params.date, loads: await loadsOfBankDay(ctx.db, ctx.actor.id, params.date) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/channel/reconciliation/:date',
    tag: 'banks',
    roles: ['bank'],
    summary: "Compare the bank's day file with the centre's loads; mismatches become finance exceptions",
    params: dateParams,
    body: z.strictObject({ lines: z.array(line).max(100_000) }),
    response: postChannelReconciliationResponse,
    handler: async (ctx, { params, body }) =>
      ok(
        await reconcileBankDay(
          ctx.db,
          ctx,
          params.date,
          body.lines,
          Buffer.from(JSON.stringify(body.lines, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))),
        ),
      ),
  }),
];
