// The hall's cash taken to the bank. A deposit slip gathers the confirmed till closes of a day not yet
// banked (their counted cash); someone other than its maker approves it; finance marks it banked with
// the bank's reference (not the approver), posting one entry counter-cash → clearing-bank. The statement
// line crediting it (counterparty CASH, reference cash-deposit:<slip no>) is reconciled by settlement.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction, isUniqueViolation } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import {
  approveStep,
  finishWithBankMovement,
  registerReconciliationTargets,
  type ApprovalFlow,
} from '../settlement/index.ts';
import { toTillClose, type TillClose } from './till-closes.ts';

export type DepositSlip = {
  id: bigint;
  slipNo: string;
  businessDate: string;
  tillCount: number;
  amount: bigint;
  state: 'draft' | 'approved' | 'banked';
  createdBy: string;
  createdAt: Date;
  approvedBy: string | null;
  approvedAt: Date | null;
  bankedBy: string | null;
  bankedAt: Date | null;
  bankReference: string | null;
};

export const cashDepositReference = (slipNo: string) => `cash-deposit:${slipNo}`;

const toSlip = (r: Record<string, any>): DepositSlip => ({
  id: BigInt(r.id),
  slipNo: r.slip_no,
  businessDate: r.business_date,
  tillCount: r.till_count,
  amount: BigInt(r.amount),
  state: r.state,
  createdBy: r.created_by,
  createdAt: r.created_at,
  approvedBy: r.approved_by,
  approvedAt: r.approved_at,
  bankedBy: r.banked_by,
  bankedAt: r.banked_at,
  bankReference: r.bank_reference,
});

async function lockSlip(trx: Knex.Transaction, key: Record<string, string>): Promise<DepositSlip> {
  const row = await trx('cash_deposit_slips').where(key).forUpdate().first();
  if (!row) throw new AppError('deposit-slip-not-found', `no deposit slip ${key.id}`);
  return toSlip(row);
}

const FLOW: ApprovalFlow<DepositSlip> = {
  table: 'cash_deposit_slips',
  entity: 'deposit-slip',
  action: 'deposit-slip',
  done: 'banked',
  doneColumns: { at: 'banked_at', by: 'banked_by' },
  codes: {
    alreadyApproved: 'deposit-slip-already-approved',
    notApproved: 'deposit-slip-not-approved',
    alreadyDone: 'deposit-slip-already-banked',
  },
  toView: toSlip,
  lock: lockSlip,
};

registerReconciliationTargets(
  `select 'cash-deposit'::text, s.slip_no, 'cash-deposit:' || s.slip_no, 'CASH'::text, s.bank_reference, s.amount,
          ((s.banked_at at time zone 'UTC') + interval '8 hours')::date
     from cash_deposit_slips s where s.state = 'banked'`,
);

export async function createSlip(db: Knex, ctx: RequestContext, date: string, slipNo: string): Promise<DepositSlip> {
  return inTransaction(db, async (trx) => {
    const closes = await trx('till_closes')
      .where({ business_date: date, state: 'confirmed' })
      .whereNull('slip_id')
      .forUpdate();
    const amount = closes.reduce((s, c) => s + BigInt(c.counted_cash), 0n);
    if (!closes.length || amount === 0n)
      throw new AppError('deposit-slip-empty', `no confirmed till close of ${date} with cash is waiting to be banked`);
    let row: Record<string, any>;
    try {
      [row] = await trx('cash_deposit_slips')
        .insert({
          slip_no: slipNo,
          business_date: date,
          till_count: closes.length,
          amount,
          state: 'draft',
          created_by: actorLabel(ctx.actor),
          created_at: ctx.app.clock.now(),
        })
        .returning('*');
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('deposit-slip-exists', `deposit slip ${slipNo} exists`);
      throw err;
    }
    await trx('till_closes')
      .whereIn(
        'id',
        closes.map((c) => c.id),
      )
      .update({ slip_id: row.id });
    await audit(trx, ctx, {
      action: 'deposit-slip.create',
      entity: 'deposit-slip',
      entityId: String(row.id),
      detail: { slipNo, date, tills: closes.length, amount: amount.toString() },
    });
    return toSlip(row);
  });
}

export async function approveSlip(db: Knex, ctx: RequestContext, id: bigint): Promise<DepositSlip> {
  return inTransaction(db, (trx) =>
    approveStep(trx, ctx, FLOW, { id: String(id) }, `deposit slip ${id}`, (s) => ({
      slipNo: s.slipNo,
      amount: s.amount.toString(),
    })),
  );
}

export async function bankSlip(
  db: Knex,
  ctx: RequestContext,
  id: bigint,
  bankReference: string,
): Promise<{ slip: DepositSlip; entryId: bigint | null }> {
  return inTransaction(db, async (trx) => {
    const { view, entryId } = await finishWithBankMovement(
      trx,
      ctx,
      FLOW,
      { id: String(id) },
      `deposit slip ${id}`,
      bankReference,
      (s) => ({
        kind: 'cash-deposit',
        reference: cashDepositReference(s.slipNo),
        memo: `hall cash of ${s.businessDate} banked (${s.tillCount} tills)`,
        account: 'counter-cash',
        amount: s.amount,
        detail: { amount: s.amount.toString(), slipNo: s.slipNo },
      }),
    );
    return { slip: view, entryId };
  });
}

export async function getSlip(db: Knex, id: bigint): Promise<{ slip: DepositSlip; tills: TillClose[] }> {
  const row = await db('cash_deposit_slips').where({ id }).first();
  if (!row) throw new AppError('deposit-slip-not-found', `no deposit slip ${id}`);
  const tills = await db('till_closes').where({ slip_id: id }).orderBy('username');
  return { slip: toSlip(row), tills: tills.map(toTillClose) };
}

export async function listSlips(db: Knex, date?: string): Promise<DepositSlip[]> {
  const q = db('cash_deposit_slips').orderBy('id', 'desc').limit(200);
  if (date) q.where({ business_date: date });
  return (await q).map(toSlip);
}
