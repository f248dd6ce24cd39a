// Counter fees from the versioned fee schedule, and the journal entry that books them:
// the payer pays the price, the list price is revenue, the difference is a discount.
import type { Knex } from 'knex';
import { AppError } from '../../platform/http/errors.ts';
import { bankSettlementCode, postEntry } from '../ledger/index.ts';
import type { Actor } from '../../platform/http/context.ts';

export const FEE_ITEMS = ['card-22', 'card-23', 'obu', 'card-replace', 'card-reissue', 'obu-replace'] as const;
export type FeeItem = (typeof FEE_ITEMS)[number];
export type Fee = { item: FeeItem; effectiveFrom: string; listPrice: bigint; price: bigint };
export type PaymentMethod = 'cash' | 'pos' | 'bank';

export async function feeFor(db: Knex, item: FeeItem, onDate: string): Promise<Fee> {
  const row = await db('fee_schedule')
    .where({ item })
    .andWhere('effective_from', '<=', onDate)
    .orderBy('effective_from', 'desc')
    .first();
  if (!row) throw new AppError('business-rule', `no fee schedule for ${item} on ${onDate}`);
  return { item, effectiveFrom: row.effective_from, listPrice: row.list_price, price: row.price };
}

export async function listFees(db: Knex): Promise<Fee[]> {
  const rows = await db('fee_schedule').select('*').orderBy(['item', 'effective_from']);
  return rows.map((r) => ({ item: r.item, effectiveFrom: r.effective_from, listPrice: r.list_price, price: r.price }));
}

export async function addFee(db: Knex, fee: Fee, createdBy: string): Promise<Fee> {
  const inserted = await db('fee_schedule')
    .insert({
      item: fee.item,
      effective_from: fee.effectiveFrom,
      list_price: fee.listPrice,
      price: fee.price,
      created_by: createdBy,
    })
    .onConflict(['item', 'effective_from'])
    .ignore()
    .returning('item');
  if (inserted.length === 0)
    throw new AppError('conflict', `a ${fee.item} fee effective ${fee.effectiveFrom} exists already`, 'effectiveFrom');
  return fee;
}

// Which ledger account receives the payer's money. A bank branch pays through its own settlement
// account and only through it; the service hall takes cash or its card terminal.
export function paymentAccount(method: PaymentMethod, actor: Actor): string {
  const bank = actor.kind === 'client' && actor.role === 'bank';
  if (bank !== (method === 'bank')) {
    throw new AppError(
      'invalid-request',
      `payment.method: ${bank ? 'a bank branch pays by bank' : 'bank is for bank branches; the counter takes cash or pos'}`,
      'payment.method',
    );
  }
  if (method === 'cash') return 'counter-cash';
  if (method === 'pos') return 'counter-pos';
  return bankSettlementCode(actor.id);
}

export async function postFee(
  trx: Knex.Transaction,
  fee: Fee,
  method: PaymentMethod,
  actor: Actor,
  reference: string,
  actorLabel: string,
): Promise<void> {
  await postEntry(trx, {
    kind: 'issuance-fee',
    reference,
    memo: `${fee.item} fee`,
    actor: actorLabel,
    postings: [
      { account: paymentAccount(method, actor), amount: fee.price },
      { account: 'discounts', amount: fee.listPrice - fee.price },
      { account: 'fee-revenue', amount: -fee.listPrice },
    ],
  });
}
