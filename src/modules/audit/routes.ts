// The audit trail for auditors and supervisors: a paged query and a CSV export of the same filters.
// Nobody else reads audit_log; the export is itself recorded there.
import { Readable } from 'node:stream';
import { z } from 'zod';
import { audit } from '../../platform/audit/audit.ts';
import { CSV_CONTENT_TYPE, csvLine } from '../../platform/http/csv.ts';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { isoInstant, plainText } from '../../platform/http/schemas.ts';
import { auditPage, auditRows, lastAuditId, type AuditFilter } from './query.ts';

const READERS = ['auditor', 'supervisor'] as const;
const instant = isoInstant.transform((s) => new Date(s));
const filters = {
  actor: plainText(100).optional(),
  subjectType: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be an entity name such as customer, card, account or load')
    .optional(),
  subjectId: plainText(100).optional(),
  action: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{0,79}(\.\*)?$/,
      'must be an action such as customer.update, or a prefix such as customer.*',
    )
    .optional(),
  from: instant.optional(),
  to: instant.optional(),
};
const ordered = (q: { from?: Date; to?: Date }) => !q.from || !q.to || q.from < q.to;
const orderIssue = { message: 'must be later than from', path: ['to'] };

const pageQuery = z
  .strictObject({
    ...filters,
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z
      .string()
      .regex(/^[1-9]\d{0,18}$/, 'must be the nextCursor of a previous page')
      .transform((s) => BigInt(s))
      // an id is a bigint column: past its largest value the database would refuse the comparison
      .refine((v) => v <= 9223372036854775807n, 'must be the nextCursor of a previous page')
      .optional(),
  })
  .refine(ordered, orderIssue);
const exportQuery = z.strictObject(filters).refine(ordered, orderIssue);

const entry = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.object({ kind: z.enum(['user', 'client', 'system']), id: z.string() }),
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.string(),
  detail: z.unknown().describe('what the action recorded; personal data masked'),
  sourceIp: z.string().nullable(),
  requestId: z.string().nullable(),
});

const filterOf = (q: AuditFilter): AuditFilter => ({
  actor: q.actor,
  subjectType: q.subjectType,
  subjectId: q.subjectId,
  action: q.action,
  from: q.from,
  to: q.to,
});

const HEADERS = [
  'id',
  'at',
  'actor_kind',
  'actor_id',
  'action',
  'subject_type',
  'subject_id',
  'detail',
  'source_ip',
  'request_id',
];

export const auditRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/audit-log',
    tag: 'audit',
    roles: READERS,
    summary:
      'The audit trail, newest first: filter by actor (kind:id or id), subject (type and id), action (exact or prefix.*) and time [from, to); pass nextCursor as cursor for the next page; personal data masked',
    query: pageQuery,
    response: z.object({ entries: z.array(entry), nextCursor: z.string().nullable() }),
    handler: async (ctx, { query }) => ok(await auditPage(ctx.db, filterOf(query), query.limit, query.cursor)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/audit-log/export',
    tag: 'audit',
    roles: READERS,
    summary:
      'The audit trail under the same filters as CSV, newest first, streamed; personal data masked; the export is itself audited',
    query: exportQuery,
    produces: 'text/csv',
    handler: async (ctx, { query }) => {
      const f = filterOf(query);
      // the rows that exist now: the export's own audit row and anything later are not in it
      const upTo = await lastAuditId(ctx.db);
      await audit(ctx.db, ctx, {
        action: 'audit-log.export',
        entity: 'audit-log',
        entityId: String(upTo),
        detail: { filters: { ...f, from: f.from?.toISOString(), to: f.to?.toISOString() } },
      });
      const db = ctx.db;
      async function* lines() {
        yield csvLine(HEADERS);
        for await (const e of auditRows(db, f, upTo))
          yield csvLine([
            e.id,
            e.at.toISOString(),
            e.actor.kind,
            e.actor.id,
            e.action,
            e.subjectType,
            e.subjectId,
            JSON.stringify(e.detail),
            e.sourceIp,
            e.requestId,
          ]);
      }
      return {
        stream: Readable.from(lines()),
        contentType: CSV_CONTENT_TYPE,
        headers: { 'Content-Disposition': 'attachment; filename="audit-log.csv"', 'Cache-Control': 'no-store' },
      };
    },
  }),
];
