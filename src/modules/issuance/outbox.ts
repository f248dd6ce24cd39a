// The life-cycle outbox: every card/OBU status change writes one event here in the same
// transaction as the change. Consumers (the status list first) take events in id order and record
// each consumed id in the same transaction as their own effect — exactly once per consumer.
// Contract (also in CONTEXT.md): see LifecycleEvent.
import type { Knex } from 'knex';

export type LifecycleEventName =
  | 'card-issued'
  | 'card-loss-reported'
  | 'card-loss-cancelled'
  | 'card-suspended'
  | 'card-resumed'
  | 'card-replaced'
  | 'card-reissued'
  | 'card-cancelled'
  | 'obu-issued'
  | 'obu-activated'
  | 'obu-loss-reported'
  | 'obu-loss-cancelled'
  | 'obu-suspended'
  | 'obu-resumed'
  | 'obu-cancelled'
  | 'obu-replaced'
  | 'obu-tampered'
  // raised by lane ingest for the cards of a debit-charged account (lane-facts.ts); status unchanged
  | 'card-overdrawn'
  | 'card-overdraft-cleared';

export type LifecycleEvent = {
  id: bigint;
  at: Date;
  medium: 'card' | 'obu';
  mediumId: string; // 20-digit card number or 16-digit OBU number
  customerId: bigint;
  event: LifecycleEventName;
  fromStatus: number | null; // ETC-REFERENCE §5 status codes
  toStatus: number;
  payload: Record<string, unknown>; // e.g. { reason, successor, cardType, withCard }
};

export async function emitLifecycle(trx: Knex.Transaction, e: Omit<LifecycleEvent, 'id'>): Promise<void> {
  await trx('lifecycle_outbox').insert({
    at: e.at,
    medium: e.medium,
    medium_id: e.mediumId,
    customer_id: e.customerId,
    event: e.event,
    from_status: e.fromStatus,
    to_status: e.toStatus,
    payload: JSON.stringify(e.payload),
  });
}

// Takes up to `limit` unconsumed events for `consumer`, in id order, and runs `apply` with them in
// one transaction that also records them as consumed. Concurrent consumers of the same name skip
// rows another is handling (SKIP LOCKED). Returns how many were consumed.
//
// Ordering note: ids are assigned at insert, not at commit, so an event with a lower id can become
// visible after one with a higher id. Consumers therefore select by "not yet consumed" rather than
// by "id greater than a cursor", so such a late event is still picked up on the next call.
export async function consumeLifecycle(
  db: Knex,
  consumer: string,
  limit: number,
  apply: (trx: Knex.Transaction, events: LifecycleEvent[]) => Promise<void>,
): Promise<number> {
  return db.transaction(async (trx) => {
    const rows = await trx('lifecycle_outbox as o')
      .whereNotExists(
        trx('lifecycle_outbox_consumed as c').whereRaw('c.event_id = o.id').andWhere('c.consumer', consumer),
      )
      .orderBy('o.id')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .select('o.*');
    if (rows.length === 0) return 0;
    const events: LifecycleEvent[] = rows.map((r) => ({
      id: r.id,
      at: r.at,
      medium: r.medium,
      mediumId: r.medium_id,
      customerId: r.customer_id,
      event: r.event,
      fromStatus: r.from_status,
      toStatus: r.to_status,
      payload: r.payload,
    }));
    await apply(trx, events);
    await trx('lifecycle_outbox_consumed').insert(events.map((e) => ({ consumer, event_id: e.id })));
    return events.length;
  });
}
