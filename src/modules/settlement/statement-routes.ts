// Bank statements of the clearing bank account and their reconciliation against settlements and
// payouts. Non-matches are finance exceptions, resolved through /api/v1/finance/exceptions.
import { z } from 'zod';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { idParam, limit, offset } from '../../platform/http/schemas.ts';
import {
  getStatementImport,
  importStatement,
  listReconciliationItems,
  listStatementImports,
  runReconciliation,
} from './statements.ts';
import {
  getBankStatementsByStatementIdResponse,
  getBankStatementsResponse,
  getReconciliationResponse,
  postBankStatementsResponse,
  postReconciliationRunResponse,
} from './responses.ts';

const READERS = ['finance', 'admin', 'auditor'] as const;

const statementBody = z.strictObject({
  fileName: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .regex(/^[^\u0000-\u001f\u007f/\\]+$/, 'a file name without folders or control characters'),
  // the file's text; the request body limit (2 MB) bounds it
  csv: z.string().min(1, 'the file is empty'),
});

export const statementRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/bank-statements',
    tag: 'settlement',
    roles: ['finance'],
    status: 201,
    summary:
      'Import a clearing bank statement (CSV text: valueDate,amount,counterparty,bankReference,reference) and reconcile it; a bad line refuses the file (400 naming line and field); the same file again answers 200 with the first import',
    body: statementBody,
    response: postBankStatementsResponse,
    handler: async (ctx, { body }) => {
      const result = await importStatement(ctx.db, ctx, body);
      return ok(result, result.duplicate ? 200 : 201);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/bank-statements',
    tag: 'settlement',
    roles: READERS,
    summary: "Imported bank statements, newest first, with their lines' outcomes counted",
    query: z.strictObject({ limit, offset }),
    response: getBankStatementsResponse,
    handler: async (ctx, { query }) => ok({ imports: await listStatementImports(ctx.db, query) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/bank-statements/:statementId',
    tag: 'settlement',
    roles: READERS,
    summary: 'An imported bank statement with each line and its reconciliation outcome',
    params: z.strictObject({ statementId: idParam }),
    response: getBankStatementsByStatementIdResponse,
    handler: async (ctx, { params }) => ok(await getStatementImport(ctx.db, params.statementId)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/reconciliation',
    tag: 'settlement',
    roles: READERS,
    summary: 'Reconciliation items (matched, amount-mismatch, extra, missing), newest first',
    query: z.strictObject({
      outcome: z.enum(['matched', 'missing', 'extra', 'amount-mismatch']).optional(),
      kind: z.enum(['settlement', 'payout']).optional(),
      limit,
      offset,
    }),
    response: getReconciliationResponse,
    handler: async (ctx, { query }) => ok({ items: await listReconciliationItems(ctx.db, query) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/reconciliation/run',
    tag: 'settlement',
    roles: ['finance'],
    summary:
      'Reconcile again (lines imported before their settlement or payout was marked settled or paid); changes nothing when nothing is new',
    response: postReconciliationRunResponse,
    handler: async (ctx) => ok({ reconciliation: await runReconciliation(ctx.db, ctx) }),
  }),
];
