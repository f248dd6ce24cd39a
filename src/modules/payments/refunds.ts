// Refunds owed by bank transfer as finance sees them: each with its payee (masked) and the batch it
// is in, and the payment file of a batch in the columns a bank's bulk transfer takes.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import type { RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { yuan } from '../../platform/money.ts';
import { bankRefunds } from '../issuance/index.ts';
import type { Sheet } from '../settlement/index.ts';
import { openAccountNumbers, payeesOf, type PayeeView } from './payees.ts';
import { getBatch, refundBatchReference, type BatchState } from './refund-batches.ts';

export type RefundView = {
  cancellationId: bigint;
  cardNo: string;
  customerId: bigint;
  amount: bigint;
  approvedAt: Date;
  payee: PayeeView | null;
  batchId: bigint | null;
  batchState: BatchState | null;
};

/** `open`: owed and in no batch yet (or only in rejected ones); `batched`: in a live batch; all otherwise. */
export async function listRefunds(db: Knex, filter?: 'open' | 'batched'): Promise<RefundView[]> {
  const refunds = await bankRefunds(db);
  const ids = refunds.map((r) => r.cancellationId);
  const payees = await payeesOf(db, ids);
  const live = ids.length
    ? await db('refund_batch_items as i')
        .join('refund_batches as b', 'b.id', 'i.batch_id')
        .where('i.released', false)
        .whereIn('i.cancellation_id', ids.map(String))
        .select('i.cancellation_id', 'b.id', 'b.state')
    : [];
  const batchOf = new Map(live.map((r) => [BigInt(r.cancellation_id), { id: BigInt(r.id), state: r.state }]));
  return refunds
    .map((r) => ({
      ...r,
      payee: payees.get(r.cancellationId) ?? null,
      batchId: batchOf.get(r.cancellationId)?.id ?? null,
      batchState: (batchOf.get(r.cancellationId)?.state as BatchState | undefined) ?? null,
    }))
    .filter((r) => (filter === 'open' ? r.batchId === null : filter === 'batched' ? r.batchId !== null : true));
}

/** The bank's bulk-transfer file of an approved or paid batch; opening the account numbers is audited. */
export async function paymentFile(db: Knex, ctx: RequestContext, id: bigint): Promise<Sheet> {
  const { batch, items } = await getBatch(db, id);
  if (batch.state !== 'approved' && batch.state !== 'paid')
    throw new AppError('refund-batch-not-approved', `refund batch ${id} is ${batch.state}: approve it first`);
  const numbers = await openAccountNumbers(
    db,
    ctx.app.keys.hsm,
    items.map((i) => i.cancellationId),
  );
  await audit(db, ctx, {
    action: 'refund-batch.payment-file',
    entity: 'refund-batch',
    entityId: String(id),
    detail: { refunds: items.length, total: batch.total.toString() },
  });
  return {
    name: '退款批次',
    fileName: `refund-batch-${id}`,
    headers: ['序号', '收款人户名', '收款账号', '收款银行', '金额（元）', '用途', '业务参考号'],
    rows: items.map((i, n) => [
      String(n + 1),
      i.payee?.accountName ?? '',
      numbers.get(i.cancellationId) ?? '',
      i.payee?.bankName ?? '',
      yuan(i.amount),
      `ETC卡销户退款 ${i.cardNo}`,
      `${refundBatchReference(id)}:${i.cancellationId}`,
    ]),
  };
}
