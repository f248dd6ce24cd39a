// Service-hall (and bank-branch) endpoints for cards.
import { z } from 'zod';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { cardNo, hex, idBody, idParam, paymentMethod, reason, refundMethod } from '../../platform/http/schemas.ts';
import { cardholderForPersonalisation, getVehicle } from '../customers/index.ts';
import { carriesOf } from './balance-carry.ts';
import { decideCancellation, listCancellations, requestCancellation } from './card-cancellation.ts';
import { CARD_STATUS, findCard, refuse } from './card-repo.ts';
import { changeCardStatus, issueCard, replaceCard, type SimpleTransition } from './card-service.ts';
import { cardholderFile, cardIssuanceFile, cardWrite } from './personalisation.ts';
import { statusEvents } from './status-change.ts';
import {
  getCardCancellationsResponse,
  getCardsResponse,
  postCardCancellationsDecisionResponse,
  postCardsCancellationRequestsResponse,
  postCardsFileWritesResponse,
  postCardsPathResponse,
  postCardsReissueResponse,
  postCardsReplacementResponse,
  postCardsResponse,
} from './responses.ts';

const COUNTER = ['clerk', 'supervisor'] as const;
const COUNTER_AND_BANK = ['clerk', 'supervisor', 'bank'] as const;
const READERS = ['clerk', 'supervisor', 'auditor', 'finance', 'bank'] as const;
const cardParams = z.strictObject({ cardNo });
const payment = z.strictObject({ method: paymentMethod });

function statusRoute(
  path: string,
  summary: string,
  pick: (body: { reason: string; withCard?: boolean }) => SimpleTransition,
  withCardFlag = false,
): RouteDef {
  return defineRoute({
    method: 'post',
    path: `/api/v1/cards/:cardNo/${path}`,
    tag: 'cards',
    roles: COUNTER_AND_BANK,
    summary,
    params: cardParams,
    body: withCardFlag ? z.strictObject({ reason, withCard: z.boolean() }) : z.strictObject({ reason }),
    response: postCardsPathResponse,
    handler: async (ctx, { params, body }) =>
      ok({ card: await changeCardStatus(ctx.db, ctx, params.cardNo, pick(body), body.reason) }),
  });
}

export const cardRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/cards',
    tag: 'cards',
    roles: COUNTER_AND_BANK,
    status: 201,
    summary:
      'Issue a stored-value (22) or debit-account (23) card to a vehicle; returns files 0015/0016 and, given the card challenge, the MAC for writing 0015',
    body: z.strictObject({
      customerId: idBody,
      vehicleId: idBody,
      cardType: z.union([z.literal(22), z.literal(23)]),
      payment,
      challenge: hex(4).optional(),
      cardNo: cardNo.optional(),
    }),
    response: postCardsResponse,
    handler: async (ctx, { body }) => ok(await issueCard(ctx.db, ctx, body), 201),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/cards/:cardNo',
    tag: 'cards',
    roles: READERS,
    summary: 'A card with its status history and balance carries',
    params: cardParams,
    response: getCardsResponse,
    handler: async (ctx, { params }) => {
      const card = await findCard(ctx.db, params.cardNo, ctx.actor);
      return ok({
        card,
        events: await statusEvents(ctx.db, 'card', card.cardNo),
        carries: await carriesOf(ctx.db, card.cardNo),
      });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/cards/:cardNo/file-writes',
    tag: 'cards',
    roles: COUNTER_AND_BANK,
    idempotent: false,
    summary: 'The secure-messaging write of file 0015 or 0016 with its MAC for the card challenge (re-personalisation)',
    params: cardParams,
    body: z.strictObject({ file: z.enum(['0015', '0016']), challenge: hex(4) }),
    response: postCardsFileWritesResponse,
    handler: async (ctx, { params, body }) => {
      const card = await findCard(ctx.db, params.cardNo, ctx.actor);
      if (card.status !== CARD_STATUS.normal) refuse(card, 'personalise it');
      const data =
        body.file === '0015'
          ? cardIssuanceFile(card, await getVehicle(ctx.db, card.vehicleId))
          : cardholderFile(await cardholderForPersonalisation(ctx.db, ctx, card.customerId));
      return ok({ write: cardWrite(ctx.app.keys, card.cardNo, body.file, data, Buffer.from(body.challenge, 'hex')) });
    },
  }),
  statusRoute('loss-report', 'Report a card lost (it enters the status list)', () => 'reportLoss'),
  statusRoute('loss-cancellation', 'Cancel a loss report (the card was found)', () => 'cancelLoss'),
  statusRoute(
    'suspension',
    'Suspend a card, with or without the card in hand',
    (b) => (b.withCard ? 'suspendWithCard' : 'suspendWithoutCard'),
    true,
  ),
  statusRoute('resumption', 'Resume a suspended card', () => 'resume'),
  defineRoute({
    method: 'post',
    path: '/api/v1/cards/:cardNo/replacement',
    tag: 'cards',
    roles: COUNTER,
    status: 201,
    summary:
      'Replace a damaged card handed back: new card, old card cancelled with card, purse balance carried at once',
    params: cardParams,
    body: z.strictObject({ reason, payment, challenge: hex(4).optional(), newCardNo: cardNo.optional() }),
    response: postCardsReplacementResponse,
    handler: async (ctx, { params, body }) => ok(await replaceCard(ctx.db, ctx, params.cardNo, 'replace', body), 201),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/cards/:cardNo/reissue',
    tag: 'cards',
    roles: COUNTER,
    status: 201,
    summary:
      'Reissue a card reported lost: new card, old card cancelled without card, purse balance carried after the waiting period',
    params: cardParams,
    body: z.strictObject({ reason, payment, challenge: hex(4).optional(), newCardNo: cardNo.optional() }),
    response: postCardsReissueResponse,
    handler: async (ctx, { params, body }) => ok(await replaceCard(ctx.db, ctx, params.cardNo, 'reissue', body), 201),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/cards/:cardNo/cancellation-requests',
    tag: 'cards',
    roles: COUNTER,
    status: 201,
    summary: 'Request cancelling a card with a refund of its remaining balance (a supervisor approves)',
    params: cardParams,
    body: z.strictObject({ reason, refundMethod }),
    response: postCardsCancellationRequestsResponse,
    handler: async (ctx, { params, body }) =>
      ok({ request: await requestCancellation(ctx.db, ctx, params.cardNo, body) }, 201),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/card-cancellations',
    tag: 'cards',
    roles: ['clerk', 'supervisor', 'auditor', 'finance'],
    summary: 'Card cancellation requests, newest first',
    query: z.strictObject({ status: z.enum(['requested', 'approved', 'rejected']).optional() }),
    response: getCardCancellationsResponse,
    handler: async (ctx, { query }) => ok({ requests: await listCancellations(ctx.db, query.status) }),
  }),
  ...(['approve', 'reject'] as const).map((decision) =>
    defineRoute({
      method: 'post',
      path: `/api/v1/card-cancellations/:requestId/${decision}`,
      tag: 'cards',
      roles: ['supervisor'],
      // approving books the refund
      moneyMoving: decision === 'approve',
      summary:
        decision === 'approve'
          ? 'Approve a cancellation: the card is cancelled and the refund is booked'
          : 'Reject a cancellation request',
      params: z.strictObject({ requestId: idParam }),
      body: z.strictObject({ note: reason }),
      response: postCardCancellationsDecisionResponse,
      handler: async (ctx, { params, body }) =>
        ok({ request: await decideCancellation(ctx.db, ctx, params.requestId, decision, body.note) }),
    }),
  ),
];
