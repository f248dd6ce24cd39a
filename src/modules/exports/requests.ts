// Exports of personal data (DESIGN §9): a clerk, supervisor or finance officer asks for one with a
// reason; a supervisor who is not the requester approves or rejects it (four eyes); the requester
// downloads it while the approval lasts. Every step writes audit_log in its own transaction. The
// export is produced at download time from the data then (not stored), so nothing personal sits in
// a file or a table waiting to be fetched.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { getAccount, type CustomerListFilter } from '../customers/index.ts';

// how long an approved export may be downloaded
export const EXPORT_TTL_MS = 24 * 3_600_000;

export type ExportKind = 'customers' | 'account-statement';
export type ExportInput =
  | { kind: 'customers'; pii: 'masked' | 'full'; reason: string; parameters: CustomerListFilter }
  | { kind: 'account-statement'; reason: string; parameters: { accountId: bigint } };

export type ExportRequest = {
  id: bigint;
  kind: ExportKind;
  parameters: Record<string, unknown>;
  pii: 'masked' | 'full';
  reason: string;
  status: 'requested' | 'approved' | 'rejected';
  requestedBy: string;
  requestedAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  expiresAt: Date | null;
  downloads: number;
  lastDownloadAt: Date | null;
};

const toRequest = (r: Record<string, any>): ExportRequest => ({
  id: r.id,
  kind: r.kind,
  parameters: r.parameters,
  pii: r.pii,
  reason: r.reason,
  status: r.status,
  requestedBy: r.requested_by,
  requestedAt: r.requested_at,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  decisionNote: r.decision_note,
  expiresAt: r.expires_at,
  downloads: r.downloads,
  lastDownloadAt: r.last_download_at,
});

// Supervisors (who decide) and auditors see every request; anyone else only their own.
const seesAll = (ctx: RequestContext) => ctx.actor.role === 'supervisor' || ctx.actor.role === 'auditor';

export async function requestExport(db: Knex, ctx: RequestContext, input: ExportInput): Promise<ExportRequest> {
  return inTransaction(db, async (trx) => {
    // an account statement names its account: an unknown one is refused now, not at download
    if (input.kind === 'account-statement') await getAccount(trx, input.parameters.accountId);
    const parameters =
      input.kind === 'account-statement' ? { accountId: String(input.parameters.accountId) } : input.parameters;
    const pii = input.kind === 'customers' ? input.pii : 'full';
    const [row] = await trx('export_requests')
      .insert({
        kind: input.kind,
        parameters: JSON.stringify(parameters),
        pii,
        reason: input.reason,
        status: 'requested',
        requested_by: actorLabel(ctx.actor),
        requested_at: ctx.app.clock.now(),
      })
      .returning('*');
    await audit(trx, ctx, {
      action: 'export.request',
      entity: 'export',
      entityId: row.id,
      detail: { kind: input.kind, pii, parameters, reason: input.reason },
    });
    return toRequest(row);
  });
}

export async function decideExport(
  db: Knex,
  ctx: RequestContext,
  id: bigint,
  decision: 'approve' | 'reject',
  note: string,
): Promise<ExportRequest> {
  return inTransaction(db, async (trx) => {
    const req = await trx('export_requests')
      .where({ id: String(id) })
      .forUpdate()
      .first();
    if (!req) throw new AppError('request-not-found', `no export request ${id}`);
    if (req.status !== 'requested')
      throw new AppError('request-state-conflict', `export request ${id} is already ${req.status}`);
    const me = actorLabel(ctx.actor);
    if (req.requested_by === me)
      throw new AppError('four-eyes-required', 'an export must be decided by a supervisor other than its requester');
    const now = ctx.app.clock.now();
    const [row] = await trx('export_requests')
      .where({ id: String(id) })
      .update({
        status: decision === 'approve' ? 'approved' : 'rejected',
        decided_by: me,
        decided_at: now,
        decision_note: note,
        expires_at: decision === 'approve' ? new Date(now.getTime() + EXPORT_TTL_MS) : null,
      })
      .returning('*');
    await audit(trx, ctx, {
      action: `export.${decision}`,
      entity: 'export',
      entityId: id,
      detail: { kind: req.kind, pii: req.pii, requestedBy: req.requested_by, note },
    });
    return toRequest(row);
  });
}

export async function listExports(
  db: Knex,
  ctx: RequestContext,
  status?: ExportRequest['status'],
): Promise<ExportRequest[]> {
  const q = db('export_requests').orderBy('id', 'desc').limit(200);
  if (status) q.where({ status });
  if (!seesAll(ctx)) q.where({ requested_by: actorLabel(ctx.actor) });
  return (await q).map(toRequest);
}

// Another requester's export is not found for a clerk or finance officer (as a customer out of scope).
export async function getExport(db: Knex, ctx: RequestContext, id: bigint): Promise<ExportRequest> {
  const row = await db('export_requests')
    .where({ id: String(id) })
    .first();
  if (!row || (!seesAll(ctx) && row.requested_by !== actorLabel(ctx.actor)))
    throw new AppError('request-not-found', `no export request ${id}`);
  return toRequest(row);
}

/** Checks that the caller may download now and records the download (audit and counter); the rows
 *  are produced by the caller after this commits. */
export async function claimDownload(db: Knex, ctx: RequestContext, id: bigint): Promise<ExportRequest> {
  return inTransaction(db, async (trx) => {
    const row = await trx('export_requests')
      .where({ id: String(id) })
      .forUpdate()
      .first();
    const me = actorLabel(ctx.actor);
    if (!row || (!seesAll(ctx) && row.requested_by !== me))
      throw new AppError('request-not-found', `no export request ${id}`);
    if (row.requested_by !== me) throw new AppError('forbidden', 'only the requester may download an export');
    if (row.status !== 'approved')
      throw new AppError('export-not-approved', `export request ${id} is ${row.status}, not approved`);
    const now = ctx.app.clock.now();
    if (now.getTime() >= new Date(row.expires_at).getTime())
      throw new AppError('export-expired', `export request ${id} expired at ${new Date(row.expires_at).toISOString()}`);
    const [updated] = await trx('export_requests')
      .where({ id: String(id) })
      .update({ downloads: row.downloads + 1, last_download_at: now })
      .returning('*');
    await audit(trx, ctx, {
      action: 'export.download',
      entity: 'export',
      entityId: id,
      detail: { kind: row.kind, pii: row.pii, parameters: row.parameters, download: row.downloads + 1 },
    });
    return toRequest(updated);
  });
}
