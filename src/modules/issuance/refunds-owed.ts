// Refunds of approved card cancellations that are to be paid by bank transfer (they sit in
// refunds-payable): what finance's refund payment batches pay. Read only.
import type { Knex } from 'knex';

export type RefundOwed = {
  cancellationId: bigint;
  cardNo: string;
  customerId: bigint;
  amount: bigint;
  approvedAt: Date;
};

const toRefund = (r: Record<string, any>): RefundOwed => ({
  cancellationId: BigInt(r.id),
  cardNo: r.card_no,
  customerId: BigInt(r.customer_id),
  amount: BigInt(r.refund_amount),
  approvedAt: r.decided_at,
});

/** Every bank-transfer refund approved with money to pay, oldest first (or only the ids given). */
export async function bankRefunds(db: Knex, ids?: bigint[]): Promise<RefundOwed[]> {
  const q = db('card_cancellations as c')
    .join('cards as k', 'k.card_no', 'c.card_no')
    .where({ 'c.status': 'approved', 'c.refund_method': 'bank-account' })
    .where('c.refund_amount', '>', 0)
    .select('c.id', 'c.card_no', 'k.customer_id', 'c.refund_amount', 'c.decided_at')
    .orderBy('c.id');
  if (ids) q.whereIn('c.id', ids.map(String));
  return (await q).map(toRefund);
}
