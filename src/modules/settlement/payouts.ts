// Operator payouts: what a road operator is paid for a clearing date (its own-card share and its
// share of each province's money), written once by clearing's daily run. Finance approves a payout,
// then marks it paid once the transfer has left; paying posts the bank movement in the same
// transaction.
import type { Knex } from 'knex';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { approveStep, finishStep, type ApprovalFlow } from './approval.ts';
import { daySummary } from '../clearing/index.ts';
import {
  CLEARING_BANK,
  ensureAccounts,
  operatorPayableCode,
  postEntry,
  type Posting,
  operatorPayableAccount,
} from '../ledger/index.ts';
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

const PAYOUT_FLOW: ApprovalFlow<Payout> = {
  table: 'operator_payouts',
  entity: 'operator_payout',
  action: 'payout',
  done: 'paid',
  doneColumns: { at: 'paid_at', by: 'paid_by' },
  codes: {
    alreadyApproved: 'payout-already-approved',
    notApproved: 'payout-not-approved',
    alreadyDone: 'payout-already-paid',
  },
  toView: toPayout,
  lock: (trx, key) => lockPayout(trx, key.clearing_date, key.operator_id),
};

export async function approvePayout(db: Knex, ctx: RequestContext, date: string, operatorId: string): Promise<Payout> {
  return inTransaction(db, async (trx) => {
    return approveStep(
      trx,
      ctx,
      PAYOUT_FLOW,
      { clearing_date: date, operator_id: operatorId },
      `the payout to ${operatorId} for ${date}`,
      (p) => ({ amount: p.amount }),
    );
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
    const what = `the payout to ${operatorId} for ${date}`;
    const key = { clearing_date: date, operator_id: operatorId };
    const done = await finishStep(trx, ctx, PAYOUT_FLOW, key, what, bankReference, async (p) => {
      const postings = payoutPostings(p);
      // clearing created the operator's payable account when it credited the day's share; ensured here
      // all the same, so a payout never fails on a missing account
      if (postings.length > 0) await ensureAccounts(trx, [operatorPayableAccount(operatorId)]);
      const entryId =
        postings.length === 0
          ? null
          : await postEntry(trx, {
              kind: 'operator-payout',
              reference: payoutReference(date, operatorId),
              actor: actorLabel(ctx.actor),
              postings,
              memo: `payout to road operator ${operatorId} for ${date}, bank reference ${bankReference}`,
            });
      return { entryId, detail: { amount: p.amount } };
    });
    return { payout: done.view, entryId: done.entryId };
  });
}
