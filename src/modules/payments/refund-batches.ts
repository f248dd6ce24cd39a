// Refund payment batches: the refunds of card cancellations owed by bank transfer (refunds-payable),
// paid together. Finance makes a batch of refunds whose payee is recorded (draft); someone else
// approves it; the payment file goes to the bank; someone other than the approver marks it paid with
// the bank's reference, which posts one entry (refunds-payable → clearing-bank). The statement line
// paying it out is reconciled by settlement (counterparty REFUND, reference refund-batch:<id>).
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction, isUniqueViolation } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { bankRefunds } from '../issuance/index.ts';
import {
  approveStep,
  finishWithBankMovement,
  registerReconciliationTargets,
  type ApprovalFlow,
} from '../settlement/index.ts';
import { payeesOf, type PayeeView } from './payees.ts';

export type BatchState = 'draft' | 'approved' | 'paid' | 'rejected';
export type RefundBatch = {
  id: bigint;
  state: BatchState;
  refundCount: number;
  total: bigint;
  createdAt: Date;
  createdBy: string;
  approvedAt: Date | null;
  approvedBy: string | null;
  paidAt: Date | null;
  paidBy: string | null;
  bankReference: string | null;
  rejectedAt: Date | null;
  rejectedBy: string | null;
  rejectNote: string | null;
};
export type BatchItem = { cancellationId: bigint; cardNo: string; amount: bigint; payee: PayeeView | null };

export const refundBatchReference = (id: bigint | string) => `refund-batch:${id}`;

const toBatch = (r: Record<string, any>): RefundBatch => ({
  id: BigInt(r.id),
  state: r.state,
  refundCount: r.refund_count,
  total: BigInt(r.total),
  createdAt: r.created_at,
  createdBy: r.created_by,
  approvedAt: r.approved_at,
  approvedBy: r.approved_by,
  paidAt: r.paid_at,
  paidBy: r.paid_by,
  bankReference: r.bank_reference,
  rejectedAt: r.rejected_at,
  rejectedBy: r.rejected_by,
  rejectNote: r.reject_note,
});

async function lockBatch(trx: Knex.Transaction, key: Record<string, string>): Promise<RefundBatch> {
  const row = await trx('refund_batches').where(key).forUpdate().first();
  if (!row) throw new AppError('refund-batch-not-found', `no refund batch ${key.id}`);
  const batch = toBatch(row);
  if (batch.state === 'rejected') throw new AppError('refund-batch-rejected', `refund batch ${key.id} was rejected`);
  return batch;
}

const FLOW: ApprovalFlow<RefundBatch> = {
  table: 'refund_batches',
  entity: 'refund-batch',
  action: 'refund-batch',
  done: 'paid',
  doneColumns: { at: 'paid_at', by: 'paid_by' },
  codes: {
    alreadyApproved: 'refund-batch-already-approved',
    notApproved: 'refund-batch-not-approved',
    alreadyDone: 'refund-batch-already-paid',
  },
  toView: toBatch,
  lock: lockBatch,
};

// Settlement reconciles the clearing bank account: a paid batch is money out under its reference.
registerReconciliationTargets(
  `select 'refund-batch'::text, b.id::text, 'refund-batch:' || b.id, 'REFUND'::text, b.bank_reference, -b.total,
          ((b.paid_at at time zone 'UTC') + interval '8 hours')::date
     from refund_batches b where b.state = 'paid'`,
);

/** Makes a draft batch of the given refunds: each owed, with its payee recorded, in no other batch. */
export async function createBatch(db: Knex, ctx: RequestContext, cancellationIds: bigint[]): Promise<RefundBatch> {
  return inTransaction(db, async (trx) => {
    const ids = [...new Set(cancellationIds)];
    const refunds = await bankRefunds(trx, ids);
    const known = new Set(refunds.map((r) => r.cancellationId));
    const unknown = ids.find((id) => !known.has(id));
    if (unknown !== undefined)
      throw new AppError('refund-not-found', `no bank-transfer refund owed for cancellation ${unknown}`);
    const payees = await payeesOf(trx, ids);
    const noPayee = ids.find((id) => !payees.has(id));
    if (noPayee !== undefined)
      throw new AppError('refund-not-payable', `the refund of cancellation ${noPayee} has no payee account recorded`);
    const total = refunds.reduce((s, r) => s + r.amount, 0n);
    const [row] = await trx('refund_batches')
      .insert({
        state: 'draft',
        refund_count: refunds.length,
        total,
        created_at: ctx.app.clock.now(),
        created_by: actorLabel(ctx.actor),
      })
      .returning('*');
    try {
      await trx('refund_batch_items').insert(
        refunds.map((r) => ({
          batch_id: row.id,
          cancellation_id: r.cancellationId,
          card_no: r.cardNo,
          amount: r.amount,
        })),
      );
    } catch (err) {
      if (isUniqueViolation(err, 'refund_batch_items_live_uq'))
        throw new AppError('refund-not-payable', 'a refund of the selection is already in another batch');
      throw err;
    }
    await audit(trx, ctx, {
      action: 'refund-batch.create',
      entity: 'refund-batch',
      entityId: String(row.id),
      detail: { refunds: refunds.length, total: total.toString() },
    });
    return toBatch(row);
  });
}

export async function approveBatch(db: Knex, ctx: RequestContext, id: bigint): Promise<RefundBatch> {
  return inTransaction(db, (trx) =>
    approveStep(trx, ctx, FLOW, { id: String(id) }, `refund batch ${id}`, (b) => ({ total: b.total.toString() })),
  );
}

export async function payBatch(
  db: Knex,
  ctx: RequestContext,
  id: bigint,
  bankReference: string,
): Promise<{ batch: RefundBatch; entryId: bigint | null }> {
  return inTransaction(db, async (trx) => {
    const { view, entryId } = await finishWithBankMovement(
      trx,
      ctx,
      FLOW,
      { id: String(id) },
      `refund batch ${id}`,
      bankReference,
      (b) => ({
        kind: 'refund-batch-payment',
        reference: refundBatchReference(id),
        memo: `refunds paid by bank transfer (${b.refundCount})`,
        account: 'refunds-payable',
        amount: -b.total, // out of the clearing bank
        detail: { total: b.total.toString(), refunds: b.refundCount },
      }),
    );
    return { batch: view, entryId };
  });
}

/** Rejects a batch not yet paid: its refunds are free for another batch. */
export async function rejectBatch(db: Knex, ctx: RequestContext, id: bigint, note: string): Promise<RefundBatch> {
  return inTransaction(db, async (trx) => {
    const current = await lockBatch(trx, { id: String(id) });
    if (current.state === 'paid') throw new AppError('refund-batch-already-paid', `refund batch ${id} was paid`);
    const [row] = await trx('refund_batches')
      .where({ id })
      .update({
        state: 'rejected',
        rejected_at: ctx.app.clock.now(),
        rejected_by: actorLabel(ctx.actor),
        reject_note: note,
      })
      .returning('*');
    await trx('refund_batch_items').where({ batch_id: id }).update({ released: true });
    await audit(trx, ctx, {
      action: 'refund-batch.reject',
      entity: 'refund-batch',
      entityId: String(id),
      detail: { note },
    });
    return toBatch(row);
  });
}

export async function getBatch(db: Knex, id: bigint): Promise<{ batch: RefundBatch; items: BatchItem[] }> {
  const row = await db('refund_batches').where({ id }).first();
  if (!row) throw new AppError('refund-batch-not-found', `no refund batch ${id}`);
  const items = await db('refund_batch_items').where({ batch_id: id }).orderBy('cancellation_id');
  const payees = await payeesOf(
    db,
    items.map((i) => BigInt(i.cancellation_id)),
  );
  return {
    batch: toBatch(row),
    items: items.map((i) => ({
      cancellationId: BigInt(i.cancellation_id),
      cardNo: i.card_no,
      amount: BigInt(i.amount),
      payee: payees.get(BigInt(i.cancellation_id)) ?? null,
    })),
  };
}

export async function listBatches(db: Knex, state?: BatchState): Promise<RefundBatch[]> {
  const q = db('refund_batches').orderBy('id', 'desc').limit(200);
  if (state) q.where({ state });
  return (await q).map(toBatch);
}
