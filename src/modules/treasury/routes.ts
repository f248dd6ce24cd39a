// The hall's cash: tills closed at the end of the day (declared, confirmed by a supervisor) and the
// deposit slips that take the cash to the bank (made, approved by someone else, banked by finance).
import { z } from 'zod';
import { AppError } from '../../platform/http/errors.ts';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { fen, idParam, isoDate, plainText } from '../../platform/http/schemas.ts';
import { findUser, findUserById } from '../access/index.ts';
import { approveSlip, bankSlip, createSlip, getSlip, listSlips } from './deposit-slips.ts';
import {
  slipBankedResponse,
  slipDetailResponse,
  slipResponse,
  slipsResponse,
  tillCloseResponse,
  tillClosesResponse,
} from './responses.ts';
import { confirmTillClose, declareTillClose, listTillCloses } from './till-closes.ts';

const bankReference = plainText(64);
const slipParams = z.strictObject({ slipId: idParam });

export const treasuryRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/tills/:date/close',
    tag: 'treasury',
    roles: ['clerk', 'supervisor'],
    summary:
      "Close a till for a local day with the cash counted (a clerk their own; a supervisor names the clerk); the expected cash is the ledger's (409 till-already-closed)",
    params: z.strictObject({ date: isoDate }),
    body: z.strictObject({
      countedCash: fen.refine((v) => v >= 0n, 'must not be negative'),
      clerk: z.string().min(1).max(64).optional(),
    }),
    status: 201,
    response: tillCloseResponse,
    handler: async (ctx, { params, body }) => {
      if (ctx.actor.kind !== 'user') throw new AppError('forbidden', 'a till belongs to a staff user');
      const username = body.clerk ?? ctx.actor.username;
      if (ctx.actor.role === 'clerk' && username !== ctx.actor.username)
        throw new AppError('forbidden', 'a clerk closes only their own till');
      const user = await findUser(ctx.db, username);
      if (!user) throw new AppError('user-not-found', `no user ${username}`, 'clerk');
      return ok({ tillClose: await declareTillClose(ctx.db, ctx, user, params.date, body.countedCash) }, 201);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/till-closes',
    tag: 'treasury',
    roles: ['supervisor', 'finance', 'auditor'],
    summary: 'Till closes of a local day (?date=), by user',
    query: z.strictObject({ date: isoDate }),
    response: tillClosesResponse,
    handler: async (ctx, { query }) => ok({ tillCloses: await listTillCloses(ctx.db, query.date) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/till-closes/:tillCloseId/confirm',
    tag: 'treasury',
    roles: ['supervisor'],
    summary:
      'Confirm a declared till close (not by its user or declarer: 409 four-eyes-required); a difference is posted and raised as an exception for the hall',
    params: z.strictObject({ tillCloseId: idParam }),
    response: tillCloseResponse,
    handler: async (ctx, { params }) =>
      ok({ tillClose: await confirmTillClose(ctx.db, ctx, params.tillCloseId, (id) => findUserById(ctx.db, id)) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/cash-deposit-slips',
    tag: 'treasury',
    roles: ['supervisor', 'finance', 'auditor'],
    summary: 'Deposit slips of the hall cash, newest first (?date=)',
    query: z.strictObject({ date: isoDate.optional() }),
    response: slipsResponse,
    handler: async (ctx, { query }) => ok({ slips: await listSlips(ctx.db, query.date) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/cash-deposit-slips',
    tag: 'treasury',
    roles: ['supervisor', 'finance'],
    summary:
      "A deposit slip of a day's confirmed till closes not yet banked (their counted cash) (409 deposit-slip-empty / deposit-slip-exists)",
    body: z.strictObject({ date: isoDate, slipNo: z.string().regex(/^[A-Za-z0-9-]{1,32}$/, 'letters, digits and -') }),
    status: 201,
    response: slipResponse,
    handler: async (ctx, { body }) => ok({ slip: await createSlip(ctx.db, ctx, body.date, body.slipNo) }, 201),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/cash-deposit-slips/:slipId',
    tag: 'treasury',
    roles: ['supervisor', 'finance', 'auditor'],
    summary: 'A deposit slip with the till closes it banks',
    params: slipParams,
    response: slipDetailResponse,
    handler: async (ctx, { params }) => ok(await getSlip(ctx.db, params.slipId)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/cash-deposit-slips/:slipId/approve',
    tag: 'treasury',
    roles: ['supervisor', 'finance'],
    summary: 'Approve a deposit slip; not by its maker (409 four-eyes-required / deposit-slip-already-approved)',
    params: slipParams,
    response: slipResponse,
    handler: async (ctx, { params }) => ok({ slip: await approveSlip(ctx.db, ctx, params.slipId) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/cash-deposit-slips/:slipId/banked',
    tag: 'treasury',
    roles: ['finance'],
    summary:
      "Mark an approved slip banked with the bank's reference; posts counter-cash → clearing-bank. Not by its approver (409 four-eyes-required / deposit-slip-not-approved / deposit-slip-already-banked)",
    moneyMoving: true,
    params: slipParams,
    body: z.strictObject({ bankReference }),
    response: slipBankedResponse,
    handler: async (ctx, { params, body }) => ok(await bankSlip(ctx.db, ctx, params.slipId, body.bankReference)),
  }),
];
