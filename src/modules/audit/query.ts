// Reading the audit trail: filters by actor, subject, action and time, newest first with keyset
// pagination on the row id (ids only grow, so a page boundary never moves however many rows are
// added meanwhile). Details are masked with the customers module's rules before they leave.
import type { Knex } from 'knex';
import { maskPiiFields } from '../customers/index.ts';

export type AuditFilter = {
  // "kind:id" (user:17, client:ICBC, system:system) or a bare id of any kind
  actor?: string;
  subjectType?: string;
  subjectId?: string;
  // exact, or a prefix written "customer.*"
  action?: string;
  from?: Date;
  to?: Date;
};

export type AuditEntryView = {
  id: bigint;
  at: Date;
  actor: { kind: string; id: string };
  action: string;
  subjectType: string;
  subjectId: string;
  detail: unknown;
  sourceIp: string | null;
  requestId: string | null;
};

const like = (prefix: string) => prefix.replace(/[\\%_]/g, '\\$&') + '%';

function filtered(db: Knex, f: AuditFilter): Knex.QueryBuilder {
  const q = db('audit_log');
  if (f.actor !== undefined) {
    const i = f.actor.indexOf(':');
    if (i > 0) q.where({ actor_kind: f.actor.slice(0, i), actor_id: f.actor.slice(i + 1) });
    else q.where({ actor_id: f.actor });
  }
  if (f.subjectType !== undefined) q.where({ entity: f.subjectType });
  if (f.subjectId !== undefined) q.where({ entity_id: f.subjectId });
  if (f.action !== undefined) {
    if (f.action.endsWith('.*')) q.whereRaw(`action like ? escape '\\'`, [like(f.action.slice(0, -1))]);
    else q.where({ action: f.action });
  }
  if (f.from !== undefined) q.where('at', '>=', f.from);
  if (f.to !== undefined) q.where('at', '<', f.to);
  return q;
}

const toView = (r: Record<string, any>): AuditEntryView => ({
  id: r.id,
  at: r.at,
  actor: { kind: r.actor_kind, id: r.actor_id },
  action: r.action,
  subjectType: r.entity,
  subjectId: r.entity_id,
  detail: maskPiiFields(r.detail),
  sourceIp: r.source_ip,
  requestId: r.request_id,
});

/** One page, newest first: rows with an id below the cursor (all when none). nextCursor is the
 *  last row's id when there may be more. */
export async function auditPage(
  db: Knex,
  f: AuditFilter,
  limit: number,
  cursor?: bigint,
): Promise<{ entries: AuditEntryView[]; nextCursor: string | null }> {
  const q = filtered(db, f);
  if (cursor !== undefined) q.where('id', '<', String(cursor));
  const rows = await q.orderBy('id', 'desc').limit(limit + 1);
  const more = rows.length > limit;
  const entries = rows.slice(0, limit).map(toView);
  return { entries, nextCursor: more ? String(entries[entries.length - 1].id) : null };
}

/** Every matching row up to and including `upTo`, newest first, read a page at a time so an
 *  export of millions of rows holds one page in memory. */
export async function* auditRows(db: Knex, f: AuditFilter, upTo: bigint, pageSize = 1000) {
  let below = upTo + 1n;
  for (;;) {
    const rows = await filtered(db, f).where('id', '<', String(below)).orderBy('id', 'desc').limit(pageSize);
    for (const r of rows) yield toView(r);
    if (rows.length < pageSize) return;
    below = BigInt(rows[rows.length - 1].id);
  }
}

export async function lastAuditId(db: Knex): Promise<bigint> {
  const r = await db('audit_log').max({ id: 'id' }).first();
  return r?.id == null ? 0n : BigInt(r.id);
}
