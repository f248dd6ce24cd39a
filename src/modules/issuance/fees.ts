// Counter fees from the versioned fee schedule, and the journal entry that books them:
// the payer pays the price, the list price is revenue, the difference is a discount.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { localDate } from '../../platform/clock/clock.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type Actor, type RequestContext } from '../../platform/http/context.ts';
import { AppError, invalid } from '../../platform/http/errors.ts';
import { bankSettlementCode, postEntry } from '../ledger/index.ts';

export const FEE_ITEMS = ['card-22', 'card-23', 'obu', 'card-replace', 'card-reissue', 'obu-replace'] as const;
export type FeeItem = (typeof FEE_ITEMS)[number];
export type Fee = { item: FeeItem; effectiveFrom: string; listPrice: bigint; price: bigint };
export type FeeVersion = Fee & { createdBy: string; createdAt: Date };
export type PaymentMethod = 'cash' | 'pos' | 'bank-account';

export async function feeFor(db: Knex, item: FeeItem, onDate: string): Promise<Fee> {
  const row = await db('fee_schedule')
    .where({ item })
    .andWhere('effective_from', '<=', onDate)
    .orderBy('effective_from', 'desc')
    .first();
  if (!row) throw new AppError('business-rule', `no fee schedule for ${item} on ${onDate}`);
  return { item, effectiveFrom: row.effective_from, listPrice: row.list_price, price: row.price };
}

export async function listFees(db: Knex): Promise<FeeVersion[]> {
  const rows = await db('fee_schedule').select('*').orderBy(['item', 'effective_from']);
  return rows.map(toFeeVersion);
}

const toFeeVersion = (r: Record<string, any>): FeeVersion => ({
  item: r.item,
  effectiveFrom: r.effective_from,
  listPrice: BigInt(r.list_price),
  price: BigInt(r.price),
  createdBy: r.created_by,
  createdAt: r.created_at,
});

// A fee version follows the tariff rule: it takes effect on a future day, so nothing charged today
// or before is ever re-priced, and a clerk's receipt always matches the schedule of its day. Prices
// are bounded: 0 <= price <= listPrice <= the configured ceiling (a slip of a few zeros is refused).
export async function addFeeVersion(db: Knex, ctx: RequestContext, fee: Fee): Promise<FeeVersion> {
  const today = localDate(ctx.app.clock.now());
  if (fee.effectiveFrom <= today)
    throw new AppError(
      'fee-date-passed',
      `effectiveFrom must be after today (${today}): fees in force on a day that has begun are never changed`,
      'effectiveFrom',
    );
  if (fee.listPrice < 0n) throw invalid('listPrice', 'must not be negative');
  if (fee.price < 0n || fee.price > fee.listPrice) throw invalid('price', 'must be between 0 and listPrice');
  const ceiling = ctx.app.config.money.feeCeiling;
  if (fee.listPrice > ceiling)
    throw new AppError('amount-out-of-range', `listPrice must not exceed ${ceiling} fen`, 'listPrice');
  return inTransaction(db, async (trx) => {
    const inserted = await trx('fee_schedule')
      .insert({
        item: fee.item,
        effective_from: fee.effectiveFrom,
        list_price: fee.listPrice,
        price: fee.price,
        created_by: actorLabel(ctx.actor),
        created_at: ctx.app.clock.now(),
      })
      .onConflict(['item', 'effective_from'])
      .ignore()
      .returning('*');
    if (inserted.length === 0)
      throw new AppError(
        'conflict',
        `a ${fee.item} fee effective ${fee.effectiveFrom} exists already`,
        'effectiveFrom',
      );
    await audit(trx, ctx, {
      action: 'fee.add',
      entity: 'fee',
      entityId: `${fee.item}@${fee.effectiveFrom}`,
      detail: { listPrice: fee.listPrice, price: fee.price },
    });
    return toFeeVersion(inserted[0]);
  });
}

// Which ledger account receives the payer's money. A bank branch pays through its own settlement
// account and only through it; the service hall takes cash or its card terminal.
export function paymentAccount(method: PaymentMethod, actor: Actor): string {
  const bank = actor.kind === 'client' && actor.role === 'bank';
  if (bank !== (method === 'bank-account')) {
    throw new AppError(
      'invalid-request',
      `payment.method: ${bank ? 'a bank branch pays by bank-account' : 'bank-account is for bank branches; the counter takes cash or pos'}`,
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
