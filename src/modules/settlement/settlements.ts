// Province settlements (DESIGN §8): the net position with one other province for a clearing date,
// written once by clearing's daily run. Finance approves it, then marks it settled once the money
// has moved; settling posts the bank movement as one journal entry in the same transaction.
import type { Knex } from 'knex';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { approveStep, finishStep, type ApprovalFlow } from './approval.ts';
import {
  CLEARING_BANK,
  ensureAccounts,
  postEntry,
  provincePayableCode,
  provinceReceivableCode,
  type Posting,
  provinceReceivableAccount,
  provincePayableAccount,
} from '../ledger/index.ts';

export const settlementReference = (date: string, network: string) => `settlement:${date}:${network}`;

export type SettlementState = 'draft' | 'approved' | 'settled';
export type Settlement = {
  clearingDate: string;
  network: string;
  state: SettlementState;
  packagesOut: number;
  confirmedCount: bigint;
  confirmedAmount: bigint;
  disputePaidOut: bigint;
  packagesIn: number;
  acceptedCount: bigint;
  acceptedAmount: bigint;
  disputePaidIn: bigint;
  receivable: bigint;
  payable: bigint;
  net: bigint;
  createdAt: Date;
  approvedAt: Date | null;
  approvedBy: string | null;
  settledAt: Date | null;
  settledBy: string | null;
  bankReference: string | null;
};
export type SettlementTotals = {
  count: number;
  receivable: bigint;
  payable: bigint;
  net: bigint;
  byState: Record<SettlementState, number>;
};
export type DateRange = { from: string; to: string };

export const toSettlement = (r: Record<string, any>): Settlement => ({
  clearingDate: r.clearing_date,
  network: String(r.network).trim(),
  state: r.state,
  packagesOut: r.packages_out,
  confirmedCount: r.confirmed_count,
  confirmedAmount: r.confirmed_amount,
  disputePaidOut: r.dispute_paid_out,
  packagesIn: r.packages_in,
  acceptedCount: r.accepted_count,
  acceptedAmount: r.accepted_amount,
  disputePaidIn: r.dispute_paid_in,
  receivable: r.receivable,
  payable: r.payable,
  net: r.net,
  createdAt: r.created_at,
  approvedAt: r.approved_at,
  approvedBy: r.approved_by,
  settledAt: r.settled_at,
  settledBy: r.settled_by,
  bankReference: r.bank_reference,
});

export function settlementTotals(rows: Settlement[]): SettlementTotals {
  const t: SettlementTotals = {
    count: rows.length,
    receivable: 0n,
    payable: 0n,
    net: 0n,
    byState: { draft: 0, approved: 0, settled: 0 },
  };
  for (const s of rows) {
    t.receivable += s.receivable;
    t.payable += s.payable;
    t.net += s.net;
    t.byState[s.state]++;
  }
  return t;
}

export async function listSettlements(
  db: Knex,
  range: DateRange,
  state?: SettlementState,
): Promise<{ settlements: Settlement[]; totals: SettlementTotals }> {
  const q = db('settlements')
    .whereBetween('clearing_date', [range.from, range.to])
    .orderBy(['clearing_date', 'network']);
  if (state) q.where({ state });
  const settlements = (await q).map(toSettlement);
  return { settlements, totals: settlementTotals(settlements) };
}

export async function getSettlement(db: Knex, date: string, network: string): Promise<Settlement> {
  const row = await db('settlements').where({ clearing_date: date, network }).first();
  if (!row) throw new AppError('settlement-not-found', `no settlement with province ${network} for ${date}`);
  return toSettlement(row);
}

async function lockSettlement(trx: Knex.Transaction, date: string, network: string): Promise<Settlement> {
  const row = await trx('settlements').where({ clearing_date: date, network }).forUpdate().first();
  if (!row) throw new AppError('settlement-not-found', `no settlement with province ${network} for ${date}`);
  return toSettlement(row);
}

/** The bank movement of a settlement: the payable to the province and the receivable from it are
 *  both cleared, the difference (the net) goes through the clearing bank account — in (debit) when
 *  the province owes us, out (credit) when we owe it. Zero postings are left out. */
export function settlementPostings(s: Pick<Settlement, 'network' | 'receivable' | 'payable'>): Posting[] {
  const net = s.receivable - s.payable;
  return [
    { account: provincePayableCode(s.network), amount: s.payable },
    { account: provinceReceivableCode(s.network), amount: -s.receivable },
    { account: CLEARING_BANK, amount: net },
  ].filter((p) => p.amount !== 0n);
}

const SETTLEMENT_FLOW: ApprovalFlow<Settlement> = {
  table: 'settlements',
  entity: 'settlement',
  action: 'settlement',
  done: 'settled',
  doneColumns: { at: 'settled_at', by: 'settled_by' },
  codes: {
    alreadyApproved: 'settlement-already-approved',
    notApproved: 'settlement-not-approved',
    alreadyDone: 'settlement-already-settled',
  },
  toView: toSettlement,
  lock: (trx, key) => lockSettlement(trx, key.clearing_date, key.network),
};

export async function approveSettlement(
  db: Knex,
  ctx: RequestContext,
  date: string,
  network: string,
): Promise<Settlement> {
  return inTransaction(db, async (trx) => {
    return approveStep(
      trx,
      ctx,
      SETTLEMENT_FLOW,
      { clearing_date: date, network },
      `the settlement with ${network} for ${date}`,
      (s) => ({ receivable: s.receivable, payable: s.payable, net: s.net }),
    );
  });
}

export async function settleSettlement(
  db: Knex,
  ctx: RequestContext,
  date: string,
  network: string,
  bankReference: string,
): Promise<{ settlement: Settlement; entryId: bigint | null }> {
  return inTransaction(db, async (trx) => {
    const what = `the settlement with ${network} for ${date}`;
    const key = { clearing_date: date, network };
    const done = await finishStep(trx, ctx, SETTLEMENT_FLOW, key, what, bankReference, async (s) => {
      const postings = settlementPostings(s);
      let entryId: bigint | null = null;
      if (postings.length > 0) {
        await ensureAccounts(trx, [provinceReceivableAccount(network), provincePayableAccount(network)]);
        entryId = await postEntry(trx, {
          kind: 'interchange-settlement',
          reference: settlementReference(date, network),
          actor: actorLabel(ctx.actor),
          postings,
          memo: `settlement with province ${network} for ${date}: receivable ${s.receivable}, payable ${s.payable}, bank reference ${bankReference}`,
        });
      }
      return { entryId, detail: { net: s.net } };
    });
    return { settlement: done.view, entryId: done.entryId };
  });
}
