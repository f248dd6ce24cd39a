// Finance's refund payments: refunds owed by bank transfer, their payees, and batches that pay them
// (make → approve by someone else → payment file → paid by someone other than the approver).
import { z } from 'zod';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { idBody, idParam, plainText, reason } from '../../platform/http/schemas.ts';
import { CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE } from '../../platform/http/csv.ts';
import { sheetResult } from '../settlement/index.ts';
import { recordPayee } from './payees.ts';
import { approveBatch, createBatch, getBatch, listBatches, payBatch, rejectBatch } from './refund-batches.ts';
import { listRefunds, paymentFile } from './refunds.ts';
import {
  batchDetailResponse,
  batchesResponse,
  batchPaidResponse,
  batchResponse,
  payeeResponse,
  refundsResponse,
} from './responses.ts';

const READERS = ['finance', 'supervisor', 'auditor'] as const;
const DECIDERS = ['finance', 'supervisor'] as const;
const batchParams = z.strictObject({ batchId: idParam });

export const paymentRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/refunds',
    tag: 'payments',
    roles: READERS,
    summary: 'Refunds owed by bank transfer (?filter=open: in no batch; batched), with payee and batch',
    query: z.strictObject({ filter: z.enum(['open', 'batched']).optional() }),
    response: refundsResponse,
    handler: async (ctx, { query }) => ok({ refunds: await listRefunds(ctx.db, query.filter) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/refunds/:cancellationId/payee',
    tag: 'payments',
    roles: ['finance'],
    summary: 'Record the bank account a refund is paid to (until the refund is in a batch); the number is sealed',
    params: z.strictObject({ cancellationId: idParam }),
    body: z.strictObject({
      accountName: plainText(100),
      accountNumber: z
        .string()
        .trim()
        .regex(/^[0-9 ]{8,40}$/, 'must be a bank account number (digits)'),
      bankName: plainText(100),
    }),
    response: payeeResponse,
    handler: async (ctx, { params, body }) =>
      ok({ payee: await recordPayee(ctx.db, ctx, params.cancellationId, body) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/refund-batches',
    tag: 'payments',
    roles: READERS,
    summary: 'Refund payment batches, newest first (?state=)',
    query: z.strictObject({ state: z.enum(['draft', 'approved', 'paid', 'rejected']).optional() }),
    response: batchesResponse,
    handler: async (ctx, { query }) => ok({ batches: await listBatches(ctx.db, query.state) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/refund-batches',
    tag: 'payments',
    roles: ['finance'],
    summary:
      'Make a draft batch of refunds owed, each with its payee, in no other batch (404 refund-not-found, 409 refund-not-payable)',
    body: z.strictObject({ cancellationIds: z.array(idBody).min(1).max(1000) }),
    status: 201,
    response: batchResponse,
    handler: async (ctx, { body }) => ok({ batch: await createBatch(ctx.db, ctx, body.cancellationIds) }, 201),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/refund-batches/:batchId',
    tag: 'payments',
    roles: READERS,
    summary: 'A refund batch with its refunds',
    params: batchParams,
    response: batchDetailResponse,
    handler: async (ctx, { params }) => ok(await getBatch(ctx.db, params.batchId)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/refund-batches/:batchId/approve',
    tag: 'payments',
    roles: DECIDERS,
    summary: 'Approve a draft batch; not by its maker (409 four-eyes-required / refund-batch-already-approved)',
    params: batchParams,
    response: batchResponse,
    handler: async (ctx, { params }) => ok({ batch: await approveBatch(ctx.db, ctx, params.batchId) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/refund-batches/:batchId/reject',
    tag: 'payments',
    roles: DECIDERS,
    summary: 'Reject a batch not yet paid, with a note: its refunds are free for another batch',
    params: batchParams,
    body: z.strictObject({ note: reason }),
    response: batchResponse,
    handler: async (ctx, { params, body }) => ok({ batch: await rejectBatch(ctx.db, ctx, params.batchId, body.note) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/refund-batches/:batchId/payment-file',
    tag: 'payments',
    roles: ['finance'],
    summary: "An approved or paid batch as the bank's bulk-transfer file (?format=csv|xlsx); opening it is audited",
    params: batchParams,
    query: z.strictObject({ format: z.enum(['csv', 'xlsx']).default('csv') }),
    produces: [CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE],
    handler: async (ctx, { params, query }) =>
      sheetResult(await paymentFile(ctx.db, ctx, params.batchId), query.format),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/refund-batches/:batchId/paid',
    tag: 'payments',
    roles: ['finance'],
    summary:
      "Mark an approved batch paid with the transfer's bank reference; posts refunds-payable → clearing-bank. Not by its approver (409 four-eyes-required / refund-batch-not-approved / refund-batch-already-paid)",
    moneyMoving: true,
    params: batchParams,
    body: z.strictObject({ bankReference: plainText(64) }),
    response: batchPaidResponse,
    handler: async (ctx, { params, body }) => ok(await payBatch(ctx.db, ctx, params.batchId, body.bankReference)),
  }),
];
