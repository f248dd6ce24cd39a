// Interchange endpoints: the ICD §3 documents provinces send us (packages, confirmations, dispute
// resolutions, and the settlement view they check theirs against), and the staff side — peers'
// endpoints, packages and their delivery, disputes and finance's decisions on them.
import { z } from 'zod';
import type { RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { isoDate, network } from '../../platform/http/schemas.ts';
import { afterCommit } from '../../platform/db/transaction.ts';
import { clearingDayAffected } from './day-affected.ts';
import { receiveConfirmation } from './confirmations.ts';
import { listHeldConfirmations, releaseConfirmation } from './confirmation-hold.ts';
import { deliver, deliverPending, enqueueDelivery } from './delivery.ts';
import { DeliveryError } from './peers.ts';
import { decideDisputes, listDisputes, receiveResolution } from './disputes.ts';
import { confirmationEnvelope, packageEnvelope, resolutionEnvelope } from './documents.ts';
import { receivePackage } from './inbound.ts';
import { listPackages } from './listing.ts';
import { listPeerEndpoints, setPeerEndpoint } from './peers.ts';
import { peerView } from './positions.ts';
import {
  getInterchangeDisputesResponse,
  getInterchangeHeldConfirmationsResponse,
  postInterchangeHeldConfirmationsReleaseResponse,
  getInterchangePackagesResponse,
  getInterchangePeerEndpointsResponse,
  getInterchangeSettlementsResponse,
  postInterchangeConfirmationsResponse,
  postInterchangeDeliveriesRunResponse,
  postInterchangeDisputeResolutionsResponse,
  postInterchangeDisputesDecisionsResponse,
  postInterchangePackagesResponse,
  putInterchangePeersEndpointResponse,
} from './responses.ts';

const STAFF_READ = ['finance', 'supervisor', 'admin', 'auditor'] as const;
const page = {
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
};

// the document is stored; a job that could not be queued is picked up by the redelivery schedule
const failed = (ctx: RequestContext) => (err: unknown) =>
  ctx.app.log.error({ err, requestId: ctx.requestId }, 'queueing after a document failed');

function assertViewAllowed(ctx: RequestContext, other: string): void {
  if (ctx.actor.kind === 'client' && ctx.actor.id !== other)
    throw new AppError('forbidden', `province ${ctx.actor.id} may only see its own position`);
}

export const interchangeDocumentRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/interchange/packages',
    tag: 'interchange',
    roles: ['province'],
    summary:
      'A package of our cards\' transactions on the sender\'s roads (ICD §3): {"result": 1} once checked and stored (its confirmation follows), or the package result code (2 header, 3 schema, 4 content, 5 duplicate, 6 not accepted); a bad signature is refused with 422',
    body: packageEnvelope,
    response: postInterchangePackagesResponse,
    handler: async (ctx, { body }) => {
      const answer = await receivePackage(ctx, body);
      if (answer.packageId)
        await afterCommit(ctx.db, () => enqueueDelivery(ctx.app, 'confirmation', answer.packageId!), failed(ctx));
      return ok({ result: answer.result, ...(answer.message ? { message: answer.message } : {}) });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/interchange/confirmations',
    tag: 'interchange',
    roles: ['province'],
    summary:
      "The issuer's confirmation of one of our packages: every transaction not listed as disputed is accepted for payment",
    body: confirmationEnvelope,
    response: postInterchangeConfirmationsResponse,
    handler: async (ctx, { body }) => {
      const answer = await receiveConfirmation(ctx, body);
      if (answer.date)
        await afterCommit(
          ctx.db,
          () =>
            clearingDayAffected(
              ctx.app,
              answer.date!,
              `confirmation:${ctx.actor.id}:${String((body.header as { messageId?: unknown }).messageId)}`,
            ),
          failed(ctx),
        );
      return ok({ result: answer.result, ...(answer.message ? { message: answer.message } : {}) });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/interchange/dispute-resolutions',
    tag: 'interchange',
    roles: ['province'],
    summary:
      "The issuer's decisions on our disputed transactions (0 pay, 1 bad debt), attributed to the clearing date in the header",
    body: resolutionEnvelope,
    response: postInterchangeDisputeResolutionsResponse,
    handler: async (ctx, { body }) => {
      const answer = await receiveResolution(ctx, body);
      if (answer.date)
        await afterCommit(
          ctx.db,
          () =>
            clearingDayAffected(
              ctx.app,
              answer.date!,
              `resolution:${ctx.actor.id}:${String((body.header as { messageId?: unknown }).messageId)}`,
            ),
          failed(ctx),
        );
      return ok({ result: answer.result, ...(answer.message ? { message: answer.message } : {}) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/interchange/settlements/:date',
    tag: 'interchange',
    roles: ['province', ...STAFF_READ],
    summary:
      "This centre's view of its position with one province for a clearing date: state (open, packaged, settled), documents sent for the date, and once settled the receivable, payable and net (a province may ask only about itself)",
    params: z.strictObject({ date: isoDate }),
    query: z.strictObject({ with: network }),
    response: getInterchangeSettlementsResponse,
    handler: async (ctx, { params, query }) => {
      assertViewAllowed(ctx, query.with);
      return ok(await peerView(ctx.app, params.date, query.with));
    },
  }),
];

export const interchangeStaffRoutes: RouteDef[] = [
  defineRoute({
    method: 'put',
    path: '/api/v1/interchange/peers/:network/endpoint',
    tag: 'interchange',
    roles: ['admin'],
    summary:
      'Where documents for a province go (url; null → the drop folder) and the client id and HMAC secret that province issued to this centre (the secret is sealed, never shown)',
    params: z.strictObject({ network }),
    body: z.strictObject({
      url: z
        .string()
        .url()
        .regex(/^https?:\/\//, 'must be http(s)')
        .max(500)
        .nullable(),
      clientId: z.string().min(1).max(64),
      secret: z.string().min(16).max(256).optional(),
    }),
    response: putInterchangePeersEndpointResponse,
    handler: async (ctx, { params, body }) => ok({ peer: await setPeerEndpoint(ctx, params.network, body) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/interchange/peer-endpoints',
    tag: 'interchange',
    roles: ['admin', 'supervisor', 'auditor'],
    summary: "Peers' endpoints (whether a secret is set, never the secret)",
    response: getInterchangePeerEndpointsResponse,
    handler: async (ctx) => ok({ peers: await listPeerEndpoints(ctx.db) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/interchange/packages',
    tag: 'interchange',
    roles: [...STAFF_READ],
    summary: 'Packages of a clearing date, both ways, with delivery state and confirmation',
    query: z.strictObject({ date: isoDate, direction: z.enum(['outbound', 'inbound']).optional() }),
    response: getInterchangePackagesResponse,
    handler: async (ctx, { query }) => ok({ packages: await listPackages(ctx.db, query.date, query.direction) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/interchange/deliveries/run',
    tag: 'interchange',
    roles: ['finance', 'admin'],
    summary: 'Deliver every pending document now (the schedule does so every 10 minutes)',
    response: postInterchangeDeliveriesRunResponse,
    handler: async (ctx) => ok(await deliverPending(ctx.app)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/interchange/held-confirmations',
    tag: 'interchange',
    roles: [...STAFF_READ],
    summary:
      "Our confirmations of provinces' packages held back (ETC_INTERCHANGE_CONFIRMATION_HOLD_MINUTES) so that complaints can still be disputed in them, with when each goes out; not yet delivered ones only",
    response: getInterchangeHeldConfirmationsResponse,
    handler: async (ctx) =>
      ok({
        holdMinutes: ctx.app.config.interchangeConfirmationHoldMinutes,
        confirmations: await listHeldConfirmations(ctx.db, ctx.app.clock.now()),
      }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/interchange/held-confirmations/:packageId/release',
    tag: 'interchange',
    roles: ['finance'],
    summary:
      'Release a held confirmation before its hold ends and send it now (no dispute can be added to it after; deliveredAt once the province acknowledged it within the call, else the redelivery schedule sends it). The same release again answers it as it stands (released false). 404 confirmation-not-found, 409 confirmation-delivered, confirmation-not-held (its hold has passed: the next delivery round sends it)',
    params: z.strictObject({ packageId: z.coerce.bigint().positive() }),
    body: z.strictObject({ note: z.string().trim().min(3).max(500) }),
    response: postInterchangeHeldConfirmationsReleaseResponse,
    handler: async (ctx, { params, body }) => {
      const out = await releaseConfirmation(ctx, params.packageId, body.note);
      // sent once the release commits, with no transaction open (as the delivery job does): within
      // this call, unless the request runs in a transaction (an Idempotency-Key), then right after it.
      // A peer that cannot be reached leaves it to the redelivery schedule.
      await afterCommit(
        ctx.db,
        async () => {
          try {
            await deliver(ctx.app, 'confirmation', params.packageId);
          } catch (err) {
            if (!(err instanceof DeliveryError)) throw err;
          }
        },
        failed(ctx),
      );
      const row = await ctx
        .db('interchange_confirmations')
        .where({ package_id: params.packageId })
        .first('delivered_at', 'attempts', 'last_error');
      return ok({
        ...out,
        confirmation: { ...out.confirmation, attempts: row.attempts, lastError: row.last_error },
        deliveredAt: row.delivered_at,
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/interchange/disputes',
    tag: 'interchange',
    roles: [...STAFF_READ],
    summary:
      "Disputed transactions: side issuer (we disputed a province's package; finance decides) or provider (a province disputed ours; its decision arrives)",
    query: z.strictObject({
      side: z.enum(['provider', 'issuer']).optional(),
      status: z.enum(['open', 'resolved']).optional(),
      network: network.optional(),
      ...page,
    }),
    response: getInterchangeDisputesResponse,
    handler: async (ctx, { query }) => ok({ disputes: await listDisputes(ctx.db, query) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/interchange/disputes/decisions',
    tag: 'interchange',
    roles: ['finance'],
    summary:
      "Decide disputes we raised as issuer: 0 pay (charged and owed in today's clearing run), 1 bad debt; the decision goes to the province as a resolution document",
    body: z.strictObject({
      items: z
        .array(z.strictObject({ id: z.coerce.bigint().positive(), resolution: z.union([z.literal(0), z.literal(1)]) }))
        .min(1)
        .max(10_000),
      note: z.string().min(3).max(500),
    }),
    response: postInterchangeDisputesDecisionsResponse,
    handler: async (ctx, { body }) => {
      const out = await decideDisputes(ctx, body.items, body.note);
      await afterCommit(
        ctx.db,
        async () => {
          for (const r of out.resolutions) await enqueueDelivery(ctx.app, 'resolution', r.id);
        },
        failed(ctx),
      );
      return ok(out);
    },
  }),
];
