// Province settlements (DESIGN §8): the net position with one other province for a clearing date,
// written once by clearing's daily run. Finance approves it, then marks it settled once the money
// has moved; settling posts the bank movement as one journal entry in the same transaction.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import {
  CLEARING_BANK,
  ensureAccounts,
  postEntry,
  provincePayableCode,
  provinceReceivableCode,
  type Posting,
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

export async function approveSettlement(
  db: Knex,
  ctx: RequestContext,
  date: string,
  network: string,
): Promise<Settlement> {
  return inTransaction(db, async (trx) => {
    const s = await lockSettlement(trx, date, network);
    if (s.state === 'approved')
      throw new AppError(
        'settlement-already-approved',
        `the settlement with ${network} for ${date} was approved by ${s.approvedBy}`,
      );
    if (s.state === 'settled')
      throw new AppError(
        'settlement-already-settled',
        `the settlement with ${network} for ${date} was settled already`,
      );
    const [row] = await trx('settlements')
      .where({ clearing_date: date, network })
      .update({ state: 'approved', approved_at: ctx.app.clock.now(), approved_by: actorLabel(ctx.actor) })
      .returning('*');
    await audit(trx, ctx, {
      action: 'settlement.approve',
      entity: 'settlement',
      entityId: `${date}:${network}`,
      detail: { receivable: s.receivable, payable: s.payable, net: s.net },
    });
    return toSettlement(row);
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
    const s = await lockSettlement(trx, date, network);
    if (s.state === 'draft')
      throw new AppError(
        'settlement-not-approved',
        `the settlement with ${network} for ${date} must be approved before it is settled`,
      );
    if (s.state === 'settled')
      throw new AppError(
        'settlement-already-settled',
        `the settlement with ${network} for ${date} was settled already (bank reference ${s.bankReference})`,
      );
    const actor = actorLabel(ctx.actor);
    // four eyes, as for a card cancellation's refund: whoever approved may not also move the money
    if (s.approvedBy === actor)
      throw new AppError('four-eyes-required', 'the settlement must be settled by someone other than its approver');
    const postings = settlementPostings(s);
    let entryId: bigint | null = null;
    if (postings.length > 0) {
      await ensureAccounts(trx, [
        { code: provinceReceivableCode(network), name: `Receivable from province ${network}`, kind: 'asset' },
        { code: provincePayableCode(network), name: `Payable to province ${network}`, kind: 'liability' },
      ]);
      entryId = await postEntry(trx, {
        kind: 'interchange-settlement',
        reference: settlementReference(date, network),
        actor,
        postings,
        memo: `settlement with province ${network} for ${date}: receivable ${s.receivable}, payable ${s.payable}, bank reference ${bankReference}`,
      });
    }
    const [row] = await trx('settlements')
      .where({ clearing_date: date, network })
      .update({ state: 'settled', settled_at: ctx.app.clock.now(), settled_by: actor, bank_reference: bankReference })
      .returning('*');
    await audit(trx, ctx, {
      action: 'settlement.settle',
      entity: 'settlement',
      entityId: `${date}:${network}`,
      detail: { net: s.net, bankReference, entryId },
    });
    return { settlement: toSettlement(row), entryId };
  });
}
