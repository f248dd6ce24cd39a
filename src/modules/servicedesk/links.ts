// What a ticket may point at — a card, an OBU, a lane transaction, a load, a refund request, a clerk —
// checked through the owning modules' public functions. A missing one is the caller's mistake (422).
import type { Knex } from 'knex';
import { AppError } from '../../platform/http/errors.ts';
import { findUserById } from '../access/index.ts';
import { customerIdOfCard, findObu, refundRequestCard } from '../issuance/index.ts';
import { findLaneTransaction } from '../lanes/index.ts';
import { findLoad } from '../topup/index.ts';

export type TicketLinks = {
  cardNo?: string;
  obuNo?: string;
  laneTransactionId?: bigint;
  loadId?: string;
  refundId?: bigint;
  outlet?: string;
  clerkUserId?: bigint;
};

const missing = (field: string, what: string) => new AppError('ticket-link-not-found', `no ${what}`, `links.${field}`);

async function exists(probe: () => Promise<unknown>): Promise<boolean> {
  try {
    return (await probe()) != null;
  } catch (err) {
    if (err instanceof AppError && err.code.endsWith('not-found')) return false;
    throw err;
  }
}

export async function checkLinks(db: Knex, l: TicketLinks): Promise<void> {
  if (l.cardNo && !(await exists(() => customerIdOfCard(db, l.cardNo!)))) throw missing('cardNo', `card ${l.cardNo}`);
  if (l.obuNo && !(await exists(() => findObu(db, l.obuNo!)))) throw missing('obuNo', `OBU ${l.obuNo}`);
  if (l.laneTransactionId && !(await exists(() => findLaneTransaction(db, l.laneTransactionId!))))
    throw missing('laneTransactionId', `lane transaction ${l.laneTransactionId}`);
  if (l.loadId && !(await exists(() => findLoad(db, l.loadId!)))) throw missing('loadId', `load ${l.loadId}`);
  if (l.refundId && !(await exists(() => refundRequestCard(db, l.refundId!))))
    throw missing('refundId', `refund request ${l.refundId}`);
  if (l.clerkUserId && !(await exists(() => findUserById(db, l.clerkUserId!))))
    throw missing('clerkUserId', `user ${l.clerkUserId}`);
}
