// Cancelling a card with a refund of what remains on it: a clerk requests, a different supervisor
// approves (four eyes). The refund is computed at approval, from the state at that moment:
// stored-value (22) — the card's last known purse balance; debit-account (23) — the account's
// funds, when this is the account's last card in service. Cash is paid at the counter; a bank
// transfer becomes refunds-payable until finance pays it.
import type { Knex } from 'knex';
import { inTransaction, isUniqueViolation } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { audit } from '../../platform/audit/audit.ts';
import { accountBalance, getAccount } from '../customers/index.ts';
import { postEntry } from '../ledger/index.ts';
import { CARD_STATUS, IN_SERVICE, lockCard, recordCardChange, refuse, type CardView } from './card-repo.ts';
import { CARD_TYPE } from '../codes.ts';
import { DAY_MS } from '../../platform/clock/clock.ts';

export type Cancellation = {
  id: bigint;
  cardNo: string;
  status: 'requested' | 'approved' | 'rejected';
  reason: string;
  refundMethod: 'cash' | 'bank-account';
  refundAmount: bigint | null;
  requestedBy: string;
  requestedAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionNote: string | null;
};

const toCancellation = (r: Record<string, any>): Cancellation => ({
  id: r.id,
  cardNo: r.card_no,
  status: r.status,
  reason: r.reason,
  refundMethod: r.refund_method,
  refundAmount: r.refund_amount,
  requestedBy: r.requested_by,
  requestedAt: r.requested_at,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  decisionNote: r.decision_note,
});

function checkCancellable(card: CardView, now: Date, waitDays: number): void {
  if (![1, 2, 3, 6].includes(card.status)) refuse(card, 'cancel it');
  // a stored-value card that is not in hand may still pay in lanes that upload late: wait first
  const withoutCard = card.status === CARD_STATUS.suspendedWithoutCard || card.status === CARD_STATUS.reportedLost;
  if (
    withoutCard &&
    card.cardType === CARD_TYPE.storedValue &&
    now.getTime() < card.statusChangedAt.getTime() + waitDays * DAY_MS
  ) {
    throw new AppError(
      'card-state-conflict',
      `card ${card.cardNo} is ${card.statusName}: a stored-value card not in hand can be cancelled ${waitDays} days after that, when its late lane transactions are in`,
    );
  }
}

export async function requestCancellation(
  db: Knex,
  ctx: RequestContext,
  cardNo: string,
  input: { reason: string; refundMethod: 'cash' | 'bank-account' },
): Promise<Cancellation> {
  return inTransaction(db, async (trx) => {
    const card = await lockCard(trx, cardNo, ctx.actor);
    checkCancellable(card, ctx.app.clock.now(), ctx.app.config.reissueWaitDays);
    try {
      const [row] = await trx('card_cancellations')
        .insert({
          card_no: cardNo,
          status: 'requested',
          reason: input.reason,
          refund_method: input.refundMethod,
          requested_by: actorLabel(ctx.actor),
          requested_at: ctx.app.clock.now(),
        })
        .returning('*');
      await audit(trx, ctx, {
        action: 'card.cancellation-request',
        entity: 'card',
        entityId: cardNo,
        detail: { requestId: row.id, reason: input.reason },
      });
      return toCancellation(row);
    } catch (err) {
      if (isUniqueViolation(err, 'card_cancellations_open_uq'))
        throw new AppError('request-state-conflict', `card ${cardNo} already has an open cancellation request`);
      throw err;
    }
  });
}

async function refundAmount(trx: Knex.Transaction, card: CardView): Promise<{ amount: bigint; from: string }> {
  if (card.cardType === CARD_TYPE.storedValue) return { amount: card.lastBalance, from: 'purse-float' };
  const account = await getAccount(trx, card.accountId);
  const others = await trx('cards')
    .where({ account_id: card.accountId })
    .whereIn('status', IN_SERVICE)
    .whereNot({ card_no: card.cardNo })
    .count({ n: '*' })
    .first();
  if (Number(others?.n ?? 0) > 0) return { amount: 0n, from: account.ledgerCode };
  const balance = await accountBalance(trx, card.accountId);
  return { amount: balance > 0n ? balance : 0n, from: account.ledgerCode };
}

export async function decideCancellation(
  db: Knex,
  ctx: RequestContext,
  requestId: bigint,
  decision: 'approve' | 'reject',
  note: string,
): Promise<Cancellation> {
  return inTransaction(db, async (trx) => {
    const req = await trx('card_cancellations').where({ id: requestId }).forUpdate().first();
    if (!req) throw new AppError('request-not-found', `no cancellation request ${requestId}`);
    if (req.status !== 'requested')
      throw new AppError('request-state-conflict', `request ${requestId} is already ${req.status}`);
    const me = actorLabel(ctx.actor);
    if (req.requested_by === me) throw new AppError('four-eyes-required', 'the approver must not be the requester');
    const now = ctx.app.clock.now();
    if (decision === 'reject') {
      const [row] = await trx('card_cancellations')
        .where({ id: requestId })
        .update({ status: 'rejected', decided_by: me, decided_at: now, decision_note: note })
        .returning('*');
      await audit(trx, ctx, {
        action: 'card.cancellation-reject',
        entity: 'card',
        entityId: req.card_no,
        detail: { requestId, note },
      });
      return toCancellation(row);
    }
    const card = await lockCard(trx, req.card_no);
    checkCancellable(card, now, ctx.app.config.reissueWaitDays);
    const { amount, from } = await refundAmount(trx, card);
    const toStatus =
      card.status === CARD_STATUS.normal || card.status === CARD_STATUS.suspendedWithCard
        ? CARD_STATUS.cancelledWithCard
        : CARD_STATUS.cancelledWithoutCard;
    await recordCardChange(trx, ctx, card, card.status, {
      action: 'cancel',
      event: 'card-cancelled',
      toStatus,
      reason: req.reason,
      detail: { requestId, refund: amount, refundMethod: req.refund_method },
    });
    await postEntry(trx, {
      kind: 'card-refund',
      reference: `cancellation:${requestId}`,
      memo: `refund on cancelling ${card.cardNo}`,
      actor: me,
      postings: [
        { account: from, amount },
        { account: req.refund_method === 'cash' ? 'counter-cash' : 'refunds-payable', amount: -amount },
      ],
    });
    if (card.cardType === CARD_TYPE.storedValue && amount > 0n)
      await trx('cards').where({ card_no: card.cardNo }).update({ last_balance: 0 });
    const [row] = await trx('card_cancellations')
      .where({ id: requestId })
      .update({ status: 'approved', refund_amount: amount, decided_by: me, decided_at: now, decision_note: note })
      .returning('*');
    return toCancellation(row);
  });
}

export async function listCancellations(db: Knex, status?: string): Promise<Cancellation[]> {
  const q = db('card_cancellations').orderBy('id', 'desc').limit(200);
  if (status) q.where({ status });
  return (await q).map(toCancellation);
}
