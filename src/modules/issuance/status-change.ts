// The one way a card's or an OBU's status changes: row update + append-only event + outbox
// event + audit row, all in the caller's transaction.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { emitLifecycle, type LifecycleEventName } from './outbox.ts';

const TABLES = {
  card: { table: 'cards', key: 'card_no', events: 'card_events' },
  obu: { table: 'obus', key: 'obu_no', events: 'obu_events' },
} as const;

export type StatusChange = {
  action: string;
  event: LifecycleEventName;
  toStatus: number;
  reason: string | null;
  detail?: Record<string, unknown>;
};
export type Medium = { medium: 'card' | 'obu'; id: string; customerId: bigint; facts?: Record<string, unknown> };

export const bigintText = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

// fromStatus null records the first status of a freshly inserted row (issuance).
export async function recordStatusChange(
  trx: Knex.Transaction,
  ctx: RequestContext,
  m: Medium,
  fromStatus: number | null,
  change: StatusChange,
): Promise<void> {
  const t = TABLES[m.medium];
  const at = ctx.app.clock.now();
  if (fromStatus !== null)
    await trx(t.table)
      .where({ [t.key]: m.id })
      .update({ status: change.toStatus, status_changed_at: at });
  const detail = JSON.parse(JSON.stringify(change.detail ?? {}, bigintText)) as Record<string, unknown>;
  await trx(t.events).insert({
    [t.key]: m.id,
    at,
    actor: actorLabel(ctx.actor),
    action: change.action,
    from_status: fromStatus,
    to_status: change.toStatus,
    reason: change.reason,
    detail: JSON.stringify(detail),
  });
  await emitLifecycle(trx, {
    at,
    medium: m.medium,
    mediumId: m.id,
    customerId: m.customerId,
    event: change.event,
    fromStatus,
    toStatus: change.toStatus,
    payload: { reason: change.reason, ...(m.facts ?? {}), ...detail },
  });
  await audit(trx, ctx, {
    action: `${m.medium}.${change.action}`,
    entity: m.medium,
    entityId: m.id,
    detail: { from: fromStatus, to: change.toStatus, reason: change.reason, ...detail },
  });
}

export async function statusEvents(db: Knex, medium: 'card' | 'obu', id: string) {
  const t = TABLES[medium];
  const rows = await db(t.events)
    .where({ [t.key]: id })
    .orderBy('id');
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    fromStatus: r.from_status,
    toStatus: r.to_status,
    reason: r.reason,
    detail: r.detail,
  }));
}
