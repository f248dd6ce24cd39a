// cards: reading, locking, and recording a card's status change (see status-change.ts).
import type { Knex } from 'knex';
import type { Actor, RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { CARD_TYPE } from '../codes.ts';
import { catchUpPurses } from './lane-purses.ts';
import { recordStatusChange, type StatusChange } from './status-change.ts';
import { visibleTo } from './visibility.ts';

export const CARD_STATUS = {
  normal: 1,
  suspendedWithCard: 2,
  suspendedWithoutCard: 3,
  cancelledWithCard: 4,
  cancelledWithoutCard: 5,
  reportedLost: 6,
} as const;
export const CARD_STATUS_NAMES: Record<number, string> = {
  1: 'normal',
  2: 'suspended with card',
  3: 'suspended without card',
  4: 'cancelled with card',
  5: 'cancelled without card',
  6: 'reported lost',
};
export const IN_SERVICE = [1, 2, 3, 6];

export type CardView = {
  cardNo: string;
  cardType: 22 | 23;
  cardVersion: number;
  customerId: bigint;
  vehicleId: bigint;
  accountId: bigint;
  status: number;
  statusName: string;
  startDate: string;
  expiryDate: string;
  issuedAt: Date;
  issuedBy: string;
  replacedBy: string | null;
  lastBalance: bigint;
  lastOnlineSeq: number;
  lastOfflineSeq: number;
  statusChangedAt: Date;
};

export function toCardView(r: Record<string, any>): CardView {
  return {
    cardNo: r.card_no,
    cardType: r.card_type,
    cardVersion: r.card_version,
    customerId: r.customer_id,
    vehicleId: r.vehicle_id,
    accountId: r.account_id,
    status: r.status,
    statusName: CARD_STATUS_NAMES[r.status],
    startDate: r.start_date,
    expiryDate: r.expiry_date,
    issuedAt: r.issued_at,
    issuedBy: r.issued_by,
    replacedBy: r.replaced_by,
    lastBalance: r.last_balance,
    lastOnlineSeq: r.last_online_seq,
    lastOfflineSeq: r.last_offline_seq,
    statusChangedAt: r.status_changed_at,
  };
}

// Given the caller (viewer), a card out of its scope is not found (visibility.ts).
async function visible(db: Knex, cardNo: string, row: Record<string, any> | undefined, viewer?: Actor) {
  const card = row ? toCardView(row) : null;
  if (!card || !(await visibleTo(db, viewer, card))) throw new AppError('card-not-found', `no card ${cardNo}`);
  return card;
}

export async function findCard(db: Knex, cardNo: string, viewer?: Actor): Promise<CardView> {
  return visible(db, cardNo, await db('cards').where({ card_no: cardNo }).first(), viewer);
}

// Locked to be changed, and so perhaps to pay out its purse: the purse is first brought up to the
// lane purchases already committed (lane-purses.ts).
export async function lockCard(trx: Knex.Transaction, cardNo: string, viewer?: Actor): Promise<CardView> {
  let row = await trx('cards').where({ card_no: cardNo }).forUpdate().first();
  if (
    row?.card_type === CARD_TYPE.storedValue &&
    (await catchUpPurses(trx, [{ cardNo, lastOfflineSeq: row.last_offline_seq }])) > 0
  )
    row = await trx('cards').where({ card_no: cardNo }).first();
  return visible(trx, cardNo, row, viewer);
}

export type CardChange = StatusChange;

export async function recordCardChange(
  trx: Knex.Transaction,
  ctx: RequestContext,
  card: CardView,
  fromStatus: number | null,
  change: CardChange,
): Promise<void> {
  await recordStatusChange(
    trx,
    ctx,
    { medium: 'card', id: card.cardNo, customerId: card.customerId, facts: { cardType: card.cardType } },
    fromStatus,
    change,
  );
}

export function refuse(card: CardView, what: string): never {
  throw new AppError('card-state-conflict', `card ${card.cardNo} is ${card.statusName}: cannot ${what}`);
}
