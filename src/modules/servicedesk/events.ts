// The ticket's event log: append-only (a trigger refuses updates and deletes), one row per change.
import type { Knex } from 'knex';

export type TicketEvent = {
  id: bigint;
  at: Date;
  actor: string;
  kind: string;
  fromStatus: string | null;
  toStatus: string | null;
  detail: Record<string, unknown>;
};

export async function appendEvent(
  trx: Knex,
  ticketId: bigint,
  e: {
    at: Date;
    actor: string;
    kind: string;
    fromStatus?: string | null;
    toStatus?: string | null;
    detail?: Record<string, unknown>;
  },
): Promise<void> {
  await trx('servicedesk_ticket_events').insert({
    ticket_id: ticketId,
    at: e.at,
    actor: e.actor,
    kind: e.kind,
    from_status: e.fromStatus ?? null,
    to_status: e.toStatus ?? null,
    detail: JSON.stringify(e.detail ?? {}, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
  });
}

export async function eventsOfTicket(db: Knex, ticketId: bigint): Promise<TicketEvent[]> {
  const rows = await db('servicedesk_ticket_events').where({ ticket_id: ticketId }).orderBy('id');
  return rows.map((r) => ({
    id: BigInt(r.id),
    at: r.at,
    actor: r.actor,
    kind: r.kind,
    fromStatus: r.from_status,
    toStatus: r.to_status,
    detail: r.detail,
  }));
}
