// Service-hall console reads composed from several modules: a card's history, a clerk's till and
// the supervisors' approvals queue. Staff only.
import { z } from 'zod';
import { DAY_MS, localDayStart } from '../../platform/clock/clock.ts';
import { actorLabel } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import {
  cardNo,
  dateOut,
  fenOut,
  idOut,
  idParam,
  instantOut,
  isoDate,
  limit,
  mergedOffset,
  offset,
  pageOut,
  plainText,
} from '../../platform/http/schemas.ts';
import { findUser } from '../access/index.ts';
import { tillOf } from '../ledger/index.ts';
import { approvalsQueue } from './approvals.ts';
import { cardHistory } from './card-history.ts';

const HALL_READ = ['clerk', 'supervisor', 'auditor'] as const;

const period = z
  .strictObject({ from: isoDate.optional(), to: isoDate.optional(), limit, offset: mergedOffset })
  .superRefine((q, c) => {
    if (q.from && q.to && q.from > q.to)
      c.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  });

const common = { id: z.string(), at: instantOut };
export const cardHistoryItem = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('event'),
    ...common,
    action: z.string(),
    fromStatus: z.number().int().nullable(),
    toStatus: z.number().int(),
    actor: z.string(),
    reason: z.string().nullable(),
  }),
  z.strictObject({
    kind: z.literal('load'),
    ...common,
    channel: z.enum(['bank', 'counter']),
    paymentMethod: z.string(),
    amount: fenOut,
    balanceBefore: fenOut,
    status: z.enum(['authorised', 'confirmed', 'reversed']),
    actor: z.string(),
  }),
  z.strictObject({
    kind: z.literal('list-change'),
    ...common,
    action: z.enum(['enter', 'leave']),
    reason: z.number().int().nullable(),
    source: z.enum(['rule', 'manual', 'interchange']),
    state: z.enum(['pending', 'held', 'published', 'discarded']),
    version: z.number().int().nullable(),
    note: z.string().nullable(),
  }),
  z.strictObject({
    kind: z.literal('lane-transaction'),
    ...common,
    // where it happened: the exit lane of an exit transaction, the entry lane of an entry one
    laneId: z.string(),
    // the lane controller that uploaded it
    uploadedBy: z.string(),
    network: z.string().nullable(),
    stationId: z.number().int().nullable(),
    // null when the station is another centre's
    stationName: z.string().nullable(),
    laneNo: z.number().int().nullable(),
    direction: z.enum(['entry', 'exit']).nullable(),
    fee: fenOut,
    amount: fenOut,
    balanceAfter: fenOut.nullable(),
    disposition: z.enum(['accepted', 'duplicate', 'rejected']),
    // ETC-REFERENCE §7 result code when not accepted
    code: z.number().int().nullable(),
  }),
]);
export const cardHistoryResponse = z.strictObject({
  cardNo: z.string(),
  from: dateOut.nullable(),
  to: dateOut.nullable(),
  items: z.array(cardHistoryItem),
  page: pageOut,
});

const method = z.enum(['cash', 'pos']);
const byMethod = z.strictObject({ cash: fenOut, pos: fenOut });
export const tillResponse = z.strictObject({
  date: dateOut,
  clerk: z.strictObject({ username: z.string(), displayName: z.string(), role: z.string() }),
  takenByMethod: byMethod,
  paidOutByMethod: byMethod,
  taken: fenOut,
  paidOut: fenOut,
  net: fenOut,
  // journal entries that moved counter money (an entry paid partly by cash and partly by card counts once)
  operationCount: z.number().int(),
  operations: z.array(
    z.strictObject({
      entryId: idOut,
      at: instantOut,
      kind: z.string(),
      reference: z.string(),
      memo: z.string().nullable(),
      method,
      // positive: taken in; negative: paid out
      amount: fenOut,
    }),
  ),
  page: pageOut,
});

export const approvalsResponse = z.strictObject({
  approvals: z.array(
    z.strictObject({
      kind: z.enum(['card-cancellation', 'list-change']),
      id: z.string(),
      subject: z.strictObject({ medium: z.enum(['card', 'obu']), id: z.string(), customerId: idOut.nullable() }),
      summary: z.string(),
      // the summary's facts: a cancellation's refund method, or a held list change's action, list
      // reason code and the life-cycle event that made it
      about: z.union([
        z.strictObject({ refundMethod: z.enum(['cash', 'bank-account']) }),
        z.strictObject({
          action: z.enum(['enter', 'leave']),
          listReason: z.number().int().nullable(),
          event: z.string().nullable(),
        }),
      ]),
      reason: z.string().nullable(),
      // a cancellation's refund at most (the stored-value card's last known purse balance)
      amount: fenOut.nullable(),
      requestedBy: z.string(),
      requestedByName: z.string().nullable(),
      requestedAt: instantOut,
      mayDecide: z.boolean(),
      decisions: z.array(
        z.strictObject({
          decision: z.string(),
          method: z.literal('post'),
          url: z.string(),
          body: z.strictObject({ note: z.literal('string') }),
        }),
      ),
    }),
  ),
  page: pageOut,
});

export const hallRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/cards/:cardNo/history',
    tag: 'console',
    roles: HALL_READ,
    summary:
      "A card's history in a period of local days (from, to inclusive; open-ended when absent): loads, lane transactions (station, lane, time, amount, disposition), list changes and life-cycle events, newest first",
    params: z.strictObject({ cardNo }),
    query: period,
    response: cardHistoryResponse,
    handler: async (ctx, { params, query }) => {
      const from = query.from ? localDayStart(query.from) : null;
      const to = query.to ? new Date(localDayStart(query.to).getTime() + DAY_MS) : null;
      const h = await cardHistory(ctx.db, params.cardNo, { from, to }, query);
      return ok({
        cardNo: h.cardNo,
        from: query.from ?? null,
        to: query.to ?? null,
        items: h.items,
        page: { limit: query.limit, offset: query.offset, hasMore: h.hasMore },
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/tills/:date',
    tag: 'console',
    roles: ['clerk', 'supervisor', 'auditor'],
    summary:
      "A counter user's till for a local day: taken by method, paid out, count of operations and the operations. A clerk sees only their own; supervisors and auditors name any user (clerk=username; default: themselves)",
    params: z.strictObject({ date: isoDate }),
    query: z.strictObject({ clerk: plainText(100).optional(), limit, offset }),
    response: tillResponse,
    handler: async (ctx, { params, query }) => {
      if (ctx.actor.kind !== 'user') throw new AppError('forbidden', 'a till belongs to a staff user');
      const username = query.clerk ?? ctx.actor.username;
      if (ctx.actor.role === 'clerk' && username !== ctx.actor.username)
        throw new AppError('forbidden', 'a clerk sees only their own till');
      const user = await findUser(ctx.db, username);
      if (!user) throw new AppError('user-not-found', `no user ${username}`, 'clerk');
      const start = localDayStart(params.date);
      const till = await tillOf(
        ctx.db,
        actorLabel({ kind: 'user', id: String(user.id), userId: user.id, username: user.username, role: user.role }),
        start,
        new Date(start.getTime() + DAY_MS),
        query,
      );
      const { hasMore, ...figures } = till;
      return ok({
        date: params.date,
        clerk: { username: user.username, displayName: user.displayName, role: user.role },
        ...figures,
        page: { limit: query.limit, offset: query.offset, hasMore },
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/approvals',
    tag: 'console',
    roles: ['clerk', 'supervisor', 'auditor'],
    summary:
      'Everything awaiting four eyes, oldest first: card cancellations with a refund and held status-list changes, with who asked, when, and the URLs that decide it (supervisors decide; mayDecide says whether the caller may)',
    query: z.strictObject({
      kind: z.enum(['card-cancellation', 'list-change']).optional(),
      customerId: idParam.optional(),
      limit,
      offset: mergedOffset,
    }),
    response: approvalsResponse,
    handler: async (ctx, { query }) => {
      const me = { label: actorLabel(ctx.actor), supervisor: ctx.actor.role === 'supervisor' };
      const { approvals, hasMore } = await approvalsQueue(ctx.db, me, query, query);
      return ok({ approvals, page: { limit: query.limit, offset: query.offset, hasMore } });
    },
  }),
];
