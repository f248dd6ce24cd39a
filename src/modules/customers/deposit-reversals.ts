// Reversal of a mistaken deposit (wrong account, wrong amount), four eyes, on the day it was made:
// after that day the till has been counted and the money is corrected some other way. A clerk asks
// with a reason; a supervisor who did not ask approves, which posts one entry mirroring the deposit
// (debit the customer's funds, credit the till it came into), kind account-deposit-reversal with the
// deposit's id as reference, so a deposit is reversed at most once. If the customer has already
// spent the money (the balance is below the deposit) the reversal is refused: taking it back would
// leave the prepaid account owing, which only a debit account may.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { localDate } from '../../platform/clock/clock.ts';
import { inTransaction, isUniqueViolation } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { customerFundsCode, postEntry } from '../ledger/index.ts';
import { accountBalance } from './accounts.ts';
import { lockDeposit, tillOf, type DepositMethod } from './deposits.ts';
import { accountRow } from './repository.ts';

export type ReversalView = {
  id: bigint;
  depositId: bigint;
  reason: string;
  requestedBy: string;
  requestedAt: Date;
  status: 'requested' | 'approved' | 'rejected';
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
};
type Row = Record<string, any>;

const toReversal = (r: Row): ReversalView => ({
  id: BigInt(r.id),
  depositId: BigInt(r.deposit_id),
  reason: r.reason,
  requestedBy: r.requested_by,
  requestedAt: r.requested_at,
  status: r.status,
  decidedBy: r.decided_by ?? null,
  decidedAt: r.decided_at ?? null,
  decisionReason: r.decision_reason ?? null,
});

const reversalExists = (depositId: bigint) =>
  new AppError('deposit-reversal-exists', `deposit ${depositId} already has a reversal requested or approved`);

function mustBeSameDay(ctx: RequestContext, d: Row): void {
  const today = localDate(ctx.app.clock.now());
  const day = localDate(d.at);
  if (day !== today)
    throw new AppError(
      'deposit-reversal-too-late',
      `deposit ${d.id} was made on ${day}; a deposit is reversed only on the day it was made (today is ${today})`,
    );
}

async function mustBeAffordable(trx: Knex.Transaction, d: Row): Promise<void> {
  const balance = await accountBalance(trx, BigInt(d.account_id));
  if (balance < BigInt(d.amount))
    throw new AppError(
      'deposit-already-spent',
      `account ${d.account_id} holds ${balance} fen, less than the ${d.amount} fen deposit: it has been spent`,
    );
}

// Locks the deposit's account and then the deposit, the order every deposit path takes.
async function lockBoth(trx: Knex.Transaction, depositId: bigint): Promise<Row> {
  const found = await trx('account_deposits').where({ id: depositId }).first();
  if (!found) throw new AppError('deposit-not-found', `no deposit ${depositId}`);
  await accountRow(trx, { id: BigInt(found.account_id) }, { forUpdate: true });
  return lockDeposit(trx, depositId);
}

export async function requestReversal(
  db: Knex,
  ctx: RequestContext,
  depositId: bigint,
  reason: string,
): Promise<ReversalView> {
  return inTransaction(db, async (trx) => {
    const d = await lockBoth(trx, depositId);
    if (d.status !== 'posted')
      throw new AppError(
        'deposit-state-conflict',
        `deposit ${depositId} is ${d.status}: only a posted deposit is reversed`,
      );
    const open = await trx('deposit_reversals')
      .where({ deposit_id: depositId })
      .whereNot({ status: 'rejected' })
      .first();
    if (open) throw reversalExists(depositId);
    mustBeSameDay(ctx, d);
    await mustBeAffordable(trx, d);
    let row: Row;
    try {
      [row] = await trx('deposit_reversals')
        .insert({
          deposit_id: depositId,
          reason,
          requested_by: actorLabel(ctx.actor),
          requested_at: ctx.app.clock.now(),
        })
        .returning('*');
    } catch (err) {
      // the partial unique index decides between two requests racing past the check above
      if (isUniqueViolation(err)) throw reversalExists(depositId);
      throw err;
    }
    await audit(trx, ctx, {
      action: 'account.deposit-reversal-request',
      entity: 'account',
      entityId: String(d.account_id),
      detail: { depositId, reversalId: row.id, amount: BigInt(d.amount), reason },
    });
    return toReversal(row);
  });
}

export async function decideReversal(
  db: Knex,
  ctx: RequestContext,
  depositId: bigint,
  decision: 'approve' | 'reject',
  reason: string | undefined,
): Promise<{ reversal: ReversalView; balance: bigint; entryId: bigint | null }> {
  return inTransaction(db, async (trx) => {
    const d = await lockBoth(trx, depositId);
    const r = await trx('deposit_reversals').where({ deposit_id: depositId, status: 'requested' }).forUpdate().first();
    if (!r)
      throw new AppError('deposit-reversal-not-found', `deposit ${depositId} has no reversal waiting for a decision`);
    const me = actorLabel(ctx.actor);
    if (r.requested_by === me)
      throw new AppError('four-eyes-required', 'a reversal is approved by someone other than who asked for it');
    let entryId: bigint | null = null;
    if (decision === 'approve') {
      mustBeSameDay(ctx, d);
      await mustBeAffordable(trx, d);
      const amount = BigInt(d.amount);
      entryId = await postEntry(trx, {
        kind: 'account-deposit-reversal',
        reference: String(d.id),
        memo: `reversal of deposit ${d.id} (${d.method}) on account ${d.account_id}: ${r.reason}`,
        actor: me,
        postings: [
          { account: customerFundsCode(BigInt(d.account_id)), amount },
          { account: tillOf(d.method as DepositMethod), amount: -amount },
        ],
      });
    }
    const [row] = await trx('deposit_reversals')
      .where({ id: r.id })
      .update({
        status: decision === 'approve' ? 'approved' : 'rejected',
        decided_by: me,
        decided_at: ctx.app.clock.now(),
        decision_reason: reason ?? null,
      })
      .returning('*');
    await audit(trx, ctx, {
      action: decision === 'approve' ? 'account.deposit-reversal-approve' : 'account.deposit-reversal-reject',
      entity: 'account',
      entityId: String(d.account_id),
      detail: { depositId, reversalId: r.id, amount: BigInt(d.amount), entryId, reason: reason ?? null },
    });
    return { reversal: toReversal(row), balance: await accountBalance(trx, BigInt(d.account_id)), entryId };
  });
}

export async function reversalsOf(db: Knex, depositId: bigint): Promise<ReversalView[]> {
  return (await db('deposit_reversals').where({ deposit_id: depositId }).orderBy('id')).map(toReversal);
}
