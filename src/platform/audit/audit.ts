// audit_log: one row for every state change and every full view of PII, in the same
// transaction as the change it records.
import type { Knex } from 'knex';
import type { RequestContext } from '../http/context.ts';

export type AuditEntry = {
  action: string;
  entity: string;
  entityId: string | bigint;
  detail?: Record<string, unknown>;
};

/** Who and from where, as an audit row records it (for a row written by a server-side function). */
export function auditActor(ctx: Pick<RequestContext, 'actor' | 'ip' | 'requestId'> | null) {
  return {
    actor_kind: ctx && ctx.actor.kind !== 'anonymous' ? ctx.actor.kind : 'system',
    actor_id: ctx ? ctx.actor.id : 'system',
    source_ip: ctx?.ip ?? null,
    request_id: ctx?.requestId ?? null,
  };
}

export const auditDetailText = (detail: Record<string, unknown> | undefined) =>
  JSON.stringify(detail ?? {}, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));

export async function audit(
  db: Knex,
  ctx: Pick<RequestContext, 'actor' | 'ip' | 'requestId'> | null,
  e: AuditEntry,
): Promise<void> {
  await db('audit_log').insert({
    actor_kind: ctx && ctx.actor.kind !== 'anonymous' ? ctx.actor.kind : 'system',
    actor_id: ctx ? ctx.actor.id : 'system',
    action: e.action,
    entity: e.entity,
    entity_id: String(e.entityId),
    detail: JSON.stringify(e.detail ?? {}, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
    source_ip: ctx?.ip ?? null,
    request_id: ctx?.requestId ?? null,
  });
}
