// Read views of cards and OBUs for the service-hall console: a customer's media, their life-cycle
// events, a card's events in a period, and the cancellations waiting for a supervisor.
// Set-based: each is one statement, paged in SQL.
import type { Knex } from 'knex';
import { CARD_STATUS_NAMES } from './card-repo.ts';
import type { MediumEventView } from '../customers/index.ts';

const OBU_STATUS_NAMES: Record<number, string> = {
  1: 'normal',
  2: 'suspended with OBU',
  3: 'suspended without OBU',
  4: 'cancelled with OBU',
  5: 'cancelled without OBU',
  6: 'reported lost',
};

export type MediumView = {
  kind: 'card' | 'obu';
  number: string;
  cardType: 22 | 23 | null;
  status: number;
  statusName: string;
  vehicleId: bigint;
  accountId: bigint | null;
  // last known purse balance of a stored-value card (type 22); null for debit cards and OBUs
  purseBalance: bigint | null;
  issuedAt: Date;
  statusChangedAt: Date;
  expiryDate: string;
  activatedAt: Date | null;
  replacedBy: string | null;
};

type Row = Record<string, any>;

// A customer's cards and OBUs, newest issue first; one row more than asked says whether more follow.
export async function mediaOfCustomer(
  db: Knex,
  customerId: bigint,
  limit: number,
  offset: number,
): Promise<{ media: MediumView[]; hasMore: boolean }> {
  const { rows } = await db.raw(
    `select * from (
       select 'card' as kind, card_no as number, card_type, status, vehicle_id, account_id, last_balance,
              issued_at, status_changed_at, expiry_date, null::timestamptz as activated_at, replaced_by
         from cards where customer_id = ?
       union all
       select 'obu', obu_no, null, status, vehicle_id, null, null,
              issued_at, status_changed_at, expiry_date, activated_at, null
         from obus where customer_id = ?
     ) m order by issued_at desc, kind, number limit ? offset ?`,
    [String(customerId), String(customerId), limit + 1, offset],
  );
  return {
    media: rows.slice(0, limit).map((r: Row): MediumView => ({
      kind: r.kind,
      number: r.number.trim(),
      cardType: r.card_type,
      status: r.status,
      statusName: (r.kind === 'card' ? CARD_STATUS_NAMES : OBU_STATUS_NAMES)[r.status],
      vehicleId: r.vehicle_id,
      accountId: r.account_id,
      purseBalance: r.card_type === 22 ? r.last_balance : null,
      issuedAt: r.issued_at,
      statusChangedAt: r.status_changed_at,
      expiryDate: r.expiry_date,
      activatedAt: r.activated_at,
      replacedBy: r.replaced_by ? String(r.replaced_by).trim() : null,
    })),
    hasMore: rows.length > limit,
  };
}

export type { MediumEventView };

const toEvent = (r: Row): MediumEventView => ({
  medium: r.medium,
  mediumId: String(r.medium_id).trim(),
  id: r.id,
  at: r.at,
  actor: r.actor,
  action: r.action,
  fromStatus: r.from_status,
  toStatus: r.to_status,
  reason: r.reason,
  detail: r.detail ?? {},
});

// The card and OBU events of a customer's media: the first `n` in the given time order (the
// caller merges them with the customer's own events and pages the merge).
export async function mediaEventsOfCustomer(
  db: Knex,
  customerId: bigint,
  n: number,
  order: 'asc' | 'desc',
): Promise<MediumEventView[]> {
  const dir = order === 'asc' ? 'asc' : 'desc';
  const { rows } = await db.raw(
    `select * from (
       select 'card' as medium, e.card_no as medium_id, e.id, e.at, e.actor, e.action, e.from_status,
              e.to_status, e.reason, e.detail
         from card_events e join cards c on c.card_no = e.card_no where c.customer_id = ?
       union all
       select 'obu', e.obu_no, e.id, e.at, e.actor, e.action, e.from_status, e.to_status, e.reason, e.detail
         from obu_events e join obus o on o.obu_no = e.obu_no where o.customer_id = ?
     ) m order by at ${dir}, medium ${dir}, id ${dir} limit ?`,
    [String(customerId), String(customerId), n],
  );
  return rows.map(toEvent);
}

// A card's life-cycle events in [from, to), newest first, at most n.
export async function cardEventsInPeriod(
  db: Knex,
  cardNo: string,
  from: Date | null,
  to: Date | null,
  n: number,
): Promise<MediumEventView[]> {
  const q = db('card_events')
    .where({ card_no: cardNo })
    .select(db.raw(`'card' as medium`), 'card_no as medium_id', '*')
    .orderBy([
      { column: 'at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(n);
  if (from) q.where('at', '>=', from);
  if (to) q.where('at', '<', to);
  return (await q).map(toEvent);
}

export type OpenCancellation = {
  id: bigint;
  cardNo: string;
  customerId: bigint;
  reason: string;
  refundMethod: 'cash' | 'bank-account'; // the stored vocabulary since migration 0101
  // the purse balance last known (stored-value cards): what the refund will be at most
  lastBalance: bigint | null;
  requestedBy: string;
  requestedAt: Date;
};

// Cancellation requests awaiting a supervisor, oldest first, at most n.
export async function openCancellations(
  db: Knex,
  customerId: bigint | undefined,
  n: number,
): Promise<OpenCancellation[]> {
  const q = db('card_cancellations as r')
    .join('cards as c', 'c.card_no', 'r.card_no')
    .where('r.status', 'requested')
    .select('r.*', 'c.customer_id', 'c.card_type', 'c.last_balance')
    .orderBy('r.requested_at')
    .orderBy('r.id')
    .limit(n);
  if (customerId !== undefined) q.where('c.customer_id', String(customerId));
  return (await q).map((r: Row) => ({
    id: r.id,
    cardNo: String(r.card_no).trim(),
    customerId: r.customer_id,
    reason: r.reason,
    refundMethod: r.refund_method,
    lastBalance: r.card_type === 22 ? r.last_balance : null,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
  }));
}
