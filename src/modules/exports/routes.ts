// Personal-data exports: request → a different supervisor approves or rejects → the requester
// downloads the CSV within 24 hours. Lists: supervisors and auditors see every request (the pending
// queue with status=requested), clerks and finance their own.
import { z } from 'zod';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { idBody, idParam, plainText, reason } from '../../platform/http/schemas.ts';
import { exportResult } from './produce.ts';
import { claimDownload, decideExport, getExport, listExports, requestExport } from './requests.ts';

const REQUESTERS = ['clerk', 'supervisor', 'finance'] as const;
const READERS = ['clerk', 'supervisor', 'finance', 'auditor'] as const;
const STATUS = z.enum(['requested', 'approved', 'rejected']);

const requestBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('customers'),
    pii: z.enum(['masked', 'full']),
    reason,
    parameters: z
      .strictObject({
        kind: z.enum(['personal', 'corporate']).optional(),
        namePrefix: plainText(100).optional(),
        status: z.enum(['active', 'closed']).optional(),
      })
      .default({}),
  }),
  z.strictObject({
    kind: z.literal('account-statement'),
    reason,
    parameters: z.strictObject({ accountId: idBody }),
  }),
]);

const exportView = z.object({
  id: z.number().int(),
  kind: z.enum(['customers', 'account-statement']),
  parameters: z.record(z.string(), z.unknown()),
  pii: z.enum(['masked', 'full']),
  reason: z.string(),
  status: STATUS,
  requestedBy: z.string(),
  requestedAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  expiresAt: z.string().nullable(),
  downloads: z.number().int(),
  lastDownloadAt: z.string().nullable(),
});
const one = z.object({ request: exportView });
const params = z.strictObject({ exportId: idParam });

export const exportRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/exports',
    tag: 'exports',
    roles: REQUESTERS,
    status: 201,
    summary:
      'Ask for an export of personal data with a reason: the customer list (pii masked or full, filtered by kind, name prefix, status) or an account statement with its customer name; a supervisor other than the requester decides',
    body: requestBody,
    response: one,
    handler: async (ctx, { body }) => ok({ request: await requestExport(ctx.db, ctx, body) }, 201),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/exports',
    tag: 'exports',
    roles: READERS,
    summary:
      'Export requests, newest first: every request for supervisors and auditors (status=requested is the queue to decide), their own for clerks and finance',
    query: z.strictObject({ status: STATUS.optional() }),
    response: z.object({ requests: z.array(exportView) }),
    handler: async (ctx, { query }) => ok({ requests: await listExports(ctx.db, ctx, query.status) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/exports/:exportId',
    tag: 'exports',
    roles: READERS,
    summary: 'One export request (a clerk or finance officer sees only their own)',
    params,
    response: one,
    handler: async (ctx, { params }) => ok({ request: await getExport(ctx.db, ctx, params.exportId) }),
  }),
  ...(['approve', 'reject'] as const).map((decision) =>
    defineRoute({
      method: 'post',
      path: `/api/v1/exports/:exportId/${decision}`,
      tag: 'exports',
      roles: ['supervisor'],
      summary:
        decision === 'approve'
          ? "Approve an export (not one's own): the requester may download it for 24 hours"
          : "Reject an export request (not one's own)",
      params,
      body: z.strictObject({ note: reason }),
      response: one,
      handler: async (ctx, { params, body }) =>
        ok({ request: await decideExport(ctx.db, ctx, params.exportId, decision, body.note) }),
    }),
  ),
  defineRoute({
    method: 'get',
    path: '/api/v1/exports/:exportId/download',
    tag: 'exports',
    roles: REQUESTERS,
    summary:
      'Download an approved export as CSV (requester only, until it expires); produced from the data now, streamed, and audited',
    produces: 'text/csv',
    params,
    handler: async (ctx, { params }) => {
      const req = await claimDownload(ctx.db, ctx, params.exportId);
      return exportResult(ctx.db, ctx.app.keys.hsm, req);
    },
  }),
];
