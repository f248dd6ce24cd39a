// Operator payouts: what a road operator is paid for a clearing date (its own-card share and its
// share of each province's money), written once by clearing's daily run. Finance approves a payout,
// then marks it paid once the transfer has left; paying posts the bank movement in the same
// transaction.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { daySummary } from '../clearing/index.ts';
import { CLEARING_BANK, ensureAccounts, operatorPayableCode, postEntry, type Posting } from '../ledger/index.ts';
import type { DateRange } from './settlements.ts';

export const payoutReference = (date: string, operatorId: string) => `payout:${date}:${operatorId}`;

export type PayoutState = 'draft' | 'approved' | 'paid';
export type Payout = {
  clearingDate: string;
  operatorId: string;
  state: PayoutState;
  transactions: bigint;
  amount: bigint;
  ownAmount: bigint;
  interchangeAmount: bigint;
  createdAt: Date;
  approvedAt: Date | null;
  approvedBy: string | null;
  paidAt: Date | null;
  paidBy: string | null;
  bankReference: string | null;
};
/** One source of a payout: `own-card` or `province:<network>` (clearing's operator totals). */
export type PayoutLine = { source: string; transactions: bigint; amount: bigint };
export type PayoutTotals = {
  count: number;
  transactions: bigint;
  amount: bigint;
  ownAmount: bigint;
  interchangeAmount: bigint;
  byState: Record<PayoutState, number>;
};

export const toPayout = (r: Record<string, any>): Payout => ({
  clearingDate: r.clearing_date,
  operatorId: r.operator_id,
  state: r.state,
  transactions: r.transactions,
  amount: r.amount,
  ownAmount: r.own_amount,
  interchangeAmount: r.interchange_amount,
  createdAt: r.created_at,
  approvedAt: r.approved_at,
  approvedBy: r.approved_by,
  paidAt: r.paid_at,
  paidBy: r.paid_by,
  bankReference: r.bank_reference,
});

export function payoutTotals(rows: Payout[]): PayoutTotals {
  const t: PayoutTotals = {
    count: rows.length,
    transactions: 0n,
    amount: 0n,
    ownAmount: 0n,
    interchangeAmount: 0n,
    byState: { draft: 0, approved: 0, paid: 0 },
  };
  for (const p of rows) {
    t.transactions += p.transactions;
    t.amount += p.amount;
    t.ownAmount += p.ownAmount;
    t.interchangeAmount += p.interchangeAmount;
    t.byState[p.state]++;
  }
  return t;
}

export async function listPayouts(
  db: Knex,
  range: DateRange,
  state?: PayoutState,
): Promise<{ payouts: Payout[]; totals: PayoutTotals }> {
  const q = db('operator_payouts')
    .whereBetween('clearing_date', [range.from, range.to])
    .orderBy(['clearing_date', 'operator_id']);
  if (state) q.where({ state });
  const payouts = (await q).map(toPayout);
  return { payouts, totals: payoutTotals(payouts) };
}

/** Per operator, the day's lines by source, own-card first, then provinces in network order. */
export async function payoutLinesOfDay(db: Knex, date: string): Promise<Map<string, PayoutLine[]>> {
  const out = new Map<string, PayoutLine[]>();
  for (const o of (await daySummary(db, date)).operators) {
    const lines = out.get(o.operatorId) ?? [];
    lines.push({ source: o.source, transactions: o.transactions, amount: o.amount });
    out.set(o.operatorId, lines);
  }
  for (const lines of out.values()) lines.sort((a, b) => sourceOrder(a.source, b.source));
  return out;
}

export function sourceOrder(a: string, b: string): number {
  if (a === b) return 0;
  if (a === 'own-card') return -1;
  if (b === 'own-card') return 1;
  return a < b ? -1 : 1;
}

export async function getPayout(
  db: Knex,
  date: string,
  operatorId: string,
): Promise<{ payout: Payout; lines: PayoutLine[] }> {
  const row = await db('operator_payouts').where({ clearing_date: date, operator_id: operatorId }).first();
  if (!row) throw new AppError('payout-not-found', `no payout to ${operatorId} for ${date}`);
  return { payout: toPayout(row), lines: (await payoutLinesOfDay(db, date)).get(operatorId) ?? [] };
}

async function lockPayout(trx: Knex.Transaction, date: string, operatorId: string): Promise<Payout> {
  const row = await trx('operator_payouts').where({ clearing_date: date, operator_id: operatorId }).forUpdate().first();
  if (!row) throw new AppError('payout-not-found', `no payout to ${operatorId} for ${date}`);
  return toPayout(row);
}

/** Paying an operator clears its payable through the clearing bank account (money out). */
export function payoutPostings(p: Pick<Payout, 'operatorId' | 'amount'>): Posting[] {
  if (p.amount === 0n) return [];
  return [
    { account: operatorPayableCode(p.operatorId), amount: p.amount },
    { account: CLEARING_BANK, amount: -p.amount },
  ];
}

export async function approvePayout(db: Knex, ctx: RequestContext, date: string, operatorId: string): Promise<Payout> {
  return inTransaction(db, async (trx) => {
    const p = await lockPayout(trx, date, operatorId);
    if (p.state === 'approved')
      throw new AppError(
        'payout-already-approved',
        `the payout to ${operatorId} for ${date} was approved by ${p.approvedBy}`,
      );
    if (p.state === 'paid')
      throw new AppError('payout-already-paid', `the payout to ${operatorId} for ${date} was paid already`);
    const [row] = await trx('operator_payouts')
      .where({ clearing_date: date, operator_id: operatorId })
      .update({ state: 'approved', approved_at: ctx.app.clock.now(), approved_by: actorLabel(ctx.actor) })
      .returning('*');
    await audit(trx, ctx, {
      action: 'payout.approve',
      entity: 'operator_payout',
      entityId: `${date}:${operatorId}`,
      detail: { amount: p.amount },
    });
    return toPayout(row);
  });
}

export async function payPayout(
  db: Knex,
  ctx: RequestContext,
  date: string,
  operatorId: string,
  bankReference: string,
): Promise<{ payout: Payout; entryId: bigint | null }> {
  return inTransaction(db, async (trx) => {
    const p = await lockPayout(trx, date, operatorId);
    if (p.state === 'draft')
      throw new AppError(
        'payout-not-approved',
        `the payout to ${operatorId} for ${date} must be approved before it is paid`,
      );
    if (p.state === 'paid')
      throw new AppError(
        'payout-already-paid',
        `the payout to ${operatorId} for ${date} was paid already (bank reference ${p.bankReference})`,
      );
    const actor = actorLabel(ctx.actor);
    // four eyes, as for a card cancellation's refund: whoever approved may not also move the money
    if (p.approvedBy === actor)
      throw new AppError('four-eyes-required', 'the payout must be paid by someone other than its approver');
    const postings = payoutPostings(p);
    // clearing created the operator's payable account when it credited the day's share; ensured here
    // all the same, so a payout never fails on a missing account
    if (postings.length > 0)
      await ensureAccounts(trx, [
        { code: operatorPayableCode(operatorId), name: `Payable to road operator ${operatorId}`, kind: 'liability' },
      ]);
    const entryId =
      postings.length === 0
        ? null
        : await postEntry(trx, {
            kind: 'operator-payout',
            reference: payoutReference(date, operatorId),
            actor,
            postings,
            memo: `payout to road operator ${operatorId} for ${date}, bank reference ${bankReference}`,
          });
    const [row] = await trx('operator_payouts')
      .where({ clearing_date: date, operator_id: operatorId })
      .update({ state: 'paid', paid_at: ctx.app.clock.now(), paid_by: actor, bank_reference: bankReference })
      .returning('*');
    await audit(trx, ctx, {
      action: 'payout.pay',
      entity: 'operator_payout',
      entityId: `${date}:${operatorId}`,
      detail: { amount: p.amount, bankReference, entryId },
    });
    return { payout: toPayout(row), entryId };
  });
}
