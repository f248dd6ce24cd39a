// The online-load protocol (ICD §1) for bank branches (signed, idempotent on the bank serial) and
// for the service-hall counter (same endpoints and protocol; cash, card terminal or a carried balance).
import { z } from 'zod';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { reason, uint } from '../../platform/http/schemas.ts';
import { authoriseLoad } from './authorise.ts';
import { assertMayAct, confirmLoad, reverseLoad } from './finish.ts';
import { findLoad, loadHistory, publicLoad } from './load-repo.ts';
import { confirmBody, fastConfirmBody, fastInitBody, initBody } from './load-bodies.ts';
import { confirmLoadOnce, initLoad } from './one-trip.ts';
import { stuckLoads } from './stuck.ts';
import {
  getChannelLoadsResponse,
  getFinanceStuckLoadsResponse,
  postChannelLoadsConfirmResponse,
  postChannelLoadsResponse,
  postChannelLoadsReverseResponse,
} from './responses.ts';

const LOADERS = ['bank', 'clerk', 'supervisor'] as const;
const loadParams = z.strictObject({ loadId: z.string().max(40) });

export const loadRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/channel/loads',
    tag: 'loads',
    roles: LOADERS,
    moneyMoving: true,
    status: 201,
    summary: 'Initialise an online load: MAC1 verified, payment reserved, MAC2 returned (persisted first)',
    body: initBody,
    fastBody: fastInitBody,
    response: postChannelLoadsResponse,
    ownIdempotency: true,
    handler: async (ctx, { body, idempotency }) =>
      idempotency ? initLoad(ctx, idempotency, body) : ok(await authoriseLoad(ctx.db, ctx, body), 201),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/channel/loads/:loadId/confirm',
    tag: 'loads',
    roles: LOADERS,
    moneyMoving: true,
    summary: 'Confirm a load with the TAC the card returned',
    params: loadParams,
    body: confirmBody,
    fastBody: fastConfirmBody,
    response: postChannelLoadsConfirmResponse,
    ownIdempotency: true,
    handler: async (ctx, { params, body, idempotency }) =>
      idempotency
        ? confirmLoadOnce(ctx, idempotency, params.loadId, body.tac)
        : ok(await confirmLoad(ctx.db, ctx, params.loadId, body.tac)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/channel/loads/:loadId/reverse',
    tag: 'loads',
    roles: LOADERS,
    moneyMoving: true,
    summary: 'Reverse (冲正) a load the card did not take, shown by its unchanged online sequence',
    params: loadParams,
    body: z.strictObject({
      reason,
      card: z.strictObject({ balance: uint(4_294_967_295).transform((v) => BigInt(v)), onlineSeq: uint(65535) }),
    }),
    response: postChannelLoadsReverseResponse,
    handler: async (ctx, { params, body }) => ok(await reverseLoad(ctx.db, ctx, params.loadId, body)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/channel/loads/:loadId',
    tag: 'loads',
    roles: [...LOADERS, 'finance', 'auditor'],
    summary: 'A load with its status history',
    params: loadParams,
    response: getChannelLoadsResponse,
    handler: async (ctx, { params }) => {
      const load = await findLoad(ctx.db, params.loadId);
      assertMayAct(ctx, load);
      return ok({ load: publicLoad(load), history: await loadHistory(ctx.db, load.id) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/finance/stuck-loads',
    tag: 'finance',
    roles: ['finance', 'supervisor', 'auditor'],
    summary: 'Loads authorised longer than the configured time (ETC_STUCK_LOAD_MINUTES), oldest first',
    response: getFinanceStuckLoadsResponse,
    handler: async (ctx) =>
      ok({
        minutes: ctx.app.config.stuckLoadMinutes,
        loads: await stuckLoads(ctx.db, ctx.app.clock, ctx.app.config.stuckLoadMinutes),
      }),
  }),
];
