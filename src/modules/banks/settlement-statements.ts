// What a bank owes the centre for a business day, and its payment. When the bank's day file is
// reconciled, the day's statement is drafted: the net that entries of that local day (its branches'
// loads, reversals and fees) moved on bank-settlement:<bank>. Finance approves it; when the money
// arrives someone other than the approver settles it with the bank's reference, posting one entry
// bank-settlement:<bank> → clearing-bank. The statement line paying it (counterparty BANK:<bank>,
// reference bank-settlement:<date>:<bank>) is reconciled by settlement; a difference is an exception.
import type { Knex } from 'knex';
import { DAY_MS, localDayStart } from '../../platform/clock/clock.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import type { RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { bankSettlementCode, movementOf } from '../ledger/index.ts';
import {
  approveStep,
  finishWithBankMovement,
  registerReconciliationTargets,
  type ApprovalFlow,
} from '../settlement/index.ts';

export type BankSettlement = {
  id: bigint;
  bank: string;
  businessDate: string;
  entries: number;
  amount: bigint;
  state: 'draft' | 'approved' | 'settled';
  createdAt: Date;
  createdBy: string;
  approvedAt: Date | null;
  approvedBy: string | null;
  settledAt: Date | null;
  settledBy: string | null;
  bankReference: string | null;
};

export const bankSettlementReference = (date: string, bank: string) => `bank-settlement:${date}:${bank}`;

const toView = (r: Record<string, any>): BankSettlement => ({
  id: BigInt(r.id),
  bank: r.bank,
  businessDate: r.business_date,
  entries: r.entries,
  amount: BigInt(r.amount),
  state: r.state,
  createdAt: r.created_at,
  createdBy: r.created_by,
  approvedAt: r.approved_at,
  approvedBy: r.approved_by,
  settledAt: r.settled_at,
  settledBy: r.settled_by,
  bankReference: r.bank_reference,
});

async function lock(trx: Knex.Transaction, key: Record<string, string>): Promise<BankSettlement> {
  const row = await trx('bank_settlement_statements').where(key).forUpdate().first();
  if (!row) throw new AppError('bank-settlement-not-found', `no bank settlement statement ${key.id}`);
  return toView(row);
}

const FLOW: ApprovalFlow<BankSettlement> = {
  table: 'bank_settlement_statements',
  entity: 'bank-settlement',
  action: 'bank-settlement',
  done: 'settled',
  doneColumns: { at: 'settled_at', by: 'settled_by' },
  codes: {
    alreadyApproved: 'bank-settlement-already-approved',
    notApproved: 'bank-settlement-not-approved',
    alreadyDone: 'bank-settlement-already-settled',
  },
  toView,
  lock,
};

registerReconciliationTargets(
  `select 'bank-settlement'::text, to_char(b.business_date, 'YYYY-MM-DD') || ':' || b.bank,
          'bank-settlement:' || to_char(b.business_date, 'YYYY-MM-DD') || ':' || b.bank, 'BANK:' || b.bank,
          b.bank_reference, b.amount, ((b.settled_at at time zone 'UTC') + interval '8 hours')::date
     from bank_settlement_statements b where b.state = 'settled' and b.amount <> 0`,
);

/** Drafts (once) the statement of a bank's day, in the caller's transaction; an existing one stays. */
export async function draftBankSettlement(trx: Knex, bank: string, date: string, now: Date): Promise<void> {
  const start = localDayStart(date);
  const { entries, amount } = await movementOf(
    trx,
    bankSettlementCode(bank),
    start,
    new Date(start.getTime() + DAY_MS),
  );
  await trx('bank_settlement_statements')
    .insert({ bank, business_date: date, entries, amount, state: 'draft', created_at: now, created_by: 'system' })
    .onConflict(['bank', 'business_date'])
    .ignore();
}

export async function approveBankSettlement(db: Knex, ctx: RequestContext, id: bigint): Promise<BankSettlement> {
  return inTransaction(db, (trx) =>
    approveStep(trx, ctx, FLOW, { id: String(id) }, `bank settlement statement ${id}`, (s) => ({
      bank: s.bank,
      date: s.businessDate,
      amount: s.amount.toString(),
    })),
  );
}

export async function settleBankSettlement(
  db: Knex,
  ctx: RequestContext,
  id: bigint,
  bankReference: string,
): Promise<{ statement: BankSettlement; entryId: bigint | null }> {
  return inTransaction(db, async (trx) => {
    const { view, entryId } = await finishWithBankMovement(
      trx,
      ctx,
      FLOW,
      { id: String(id) },
      `bank settlement statement ${id}`,
      bankReference,
      (s) => ({
        kind: 'bank-settlement',
        reference: bankSettlementReference(s.businessDate, s.bank),
        memo: `bank ${s.bank} paid its branches' loads and fees of ${s.businessDate}`,
        account: bankSettlementCode(s.bank),
        amount: s.amount,
        detail: { bank: s.bank, date: s.businessDate, amount: s.amount.toString() },
      }),
    );
    return { statement: view, entryId };
  });
}

export async function listBankSettlements(
  db: Knex,
  filter: { bank?: string; state?: BankSettlement['state'] },
): Promise<BankSettlement[]> {
  const q = db('bank_settlement_statements')
    .orderBy([{ column: 'business_date', order: 'desc' }, 'bank'])
    .limit(366);
  if (filter.bank) q.where({ bank: filter.bank });
  if (filter.state) q.where({ state: filter.state });
  return (await q).map(toView);
}
