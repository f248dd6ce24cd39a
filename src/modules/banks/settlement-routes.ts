// Finance's side of what banks owe for their branches' loads and fees: the daily statements (drafted
// when a bank's day file is reconciled), approved, then settled when the money arrives.
import { z } from 'zod';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { idParam, plainText } from '../../platform/http/schemas.ts';
import { bankSettlementResponse, bankSettlementSettledResponse, bankSettlementsResponse } from './responses.ts';
import { approveBankSettlement, listBankSettlements, settleBankSettlement } from './settlement-statements.ts';

const params = z.strictObject({ statementId: idParam });

export const bankSettlementRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/bank-settlements',
    tag: 'banks',
    roles: ['finance', 'supervisor', 'auditor'],
    summary: "Banks' daily settlement statements, newest day first (?bank=&state=)",
    query: z.strictObject({
      bank: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)
        .optional(),
      state: z.enum(['draft', 'approved', 'settled']).optional(),
    }),
    response: bankSettlementsResponse,
    handler: async (ctx, { query }) => ok({ statements: await listBankSettlements(ctx.db, query) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/bank-settlements/:statementId/approve',
    tag: 'banks',
    roles: ['finance', 'supervisor'],
    summary: "Approve a bank's daily settlement statement (409 bank-settlement-already-approved / -already-settled)",
    params,
    response: bankSettlementResponse,
    handler: async (ctx, { params }) => ok({ statement: await approveBankSettlement(ctx.db, ctx, params.statementId) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/bank-settlements/:statementId/settle',
    tag: 'banks',
    roles: ['finance'],
    summary:
      "Mark an approved statement settled with the bank's reference of its transfer; posts bank-settlement:<bank> → clearing-bank. Not by its approver (409 four-eyes-required / bank-settlement-not-approved / -already-settled)",
    moneyMoving: true,
    params,
    body: z.strictObject({
      bankReference: plainText(64),
    }),
    response: bankSettlementSettledResponse,
    handler: async (ctx, { params, body }) =>
      ok(await settleBankSettlement(ctx.db, ctx, params.statementId, body.bankReference)),
  }),
];
