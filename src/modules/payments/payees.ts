// The bank account a refund is paid to, recorded by finance for a refund owed by bank transfer. The
// account number is personal data: sealed at rest, a mask everywhere, opened only for the payment
// file (audited by the caller).
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { mask } from '../customers/index.ts';
import { bankRefunds } from '../issuance/index.ts';
import type { SoftwareHsm } from '../keys/index.ts';

export type PayeeInput = { accountName: string; accountNumber: string; bankName: string };
export type PayeeView = { accountName: string; accountNumberMask: string; bankName: string };

const toPayee = (r: Record<string, any>): PayeeView => ({
  accountName: r.account_name,
  accountNumberMask: r.account_number_mask,
  bankName: r.bank_name,
});

export async function payeesOf(db: Knex, ids: bigint[]): Promise<Map<bigint, PayeeView>> {
  if (!ids.length) return new Map();
  const rows = await db('refund_payees').whereIn('cancellation_id', ids.map(String));
  return new Map(rows.map((r) => [BigInt(r.cancellation_id), toPayee(r)]));
}

/** The plain account numbers, for the payment file only. */
export async function openAccountNumbers(db: Knex, hsm: SoftwareHsm, ids: bigint[]): Promise<Map<bigint, string>> {
  if (!ids.length) return new Map();
  const rows = await db('refund_payees')
    .whereIn('cancellation_id', ids.map(String))
    .select('cancellation_id', 'account_number_sealed');
  return new Map(
    rows.map((r) => [
      BigInt(r.cancellation_id),
      hsm.open('pii', Buffer.from(r.account_number_sealed)).toString('utf8'),
    ]),
  );
}

/** Records (or corrects, while the refund is in no batch) where a refund is paid. */
export async function recordPayee(
  db: Knex,
  ctx: RequestContext,
  cancellationId: bigint,
  input: PayeeInput,
): Promise<PayeeView> {
  return inTransaction(db, async (trx) => {
    const [owed] = await bankRefunds(trx, [cancellationId]);
    if (!owed)
      throw new AppError('refund-not-found', `no bank-transfer refund owed for cancellation ${cancellationId}`);
    const batched = await trx('refund_batch_items')
      .where({ cancellation_id: cancellationId, released: false })
      .first('batch_id');
    if (batched)
      throw new AppError(
        'refund-not-payable',
        `the refund is in batch ${batched.batch_id}: its payee can no longer change`,
      );
    const number = input.accountNumber.replace(/\s/g, '');
    const row = {
      cancellation_id: cancellationId,
      account_name: input.accountName.trim(),
      account_number_sealed: ctx.app.keys.hsm.seal('pii', Buffer.from(number, 'utf8')),
      account_number_mask: mask(number),
      bank_name: input.bankName.trim(),
      recorded_by: actorLabel(ctx.actor),
      recorded_at: ctx.app.clock.now(),
    };
    const [saved] = await trx('refund_payees').insert(row).onConflict('cancellation_id').merge().returning('*');
    await audit(trx, ctx, {
      action: 'refund.payee',
      entity: 'card-cancellation',
      entityId: String(cancellationId),
      detail: { accountNumber: row.account_number_mask, bankName: row.bank_name },
    });
    return toPayee(saved);
  });
}
