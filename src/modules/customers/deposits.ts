// Money paid into a prepaid account at the counter. A deposit is bounded per method (a typing
// slip of a few zeros is refused); above the approval threshold it is recorded pending and moves no
// money until a supervisor who did not enter it approves. Posting is one balanced entry: debit the
// till (cash or card terminal), credit the customer's funds; the deposit row's id is the entry's
// reference, so a deposit posts once.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { customerFundsCode, postEntry } from '../ledger/index.ts';
import { accountBalance } from './accounts.ts';
import { accountRow } from './repository.ts';

export type DepositMethod = 'cash' | 'pos';
export type DepositStatus = 'pending' | 'posted' | 'rejected';
export type DepositView = {
  id: bigint;
  accountId: bigint;
  amount: bigint;
  method: DepositMethod;
  reference: string | null;
  at: Date;
  actor: string;
  status: DepositStatus;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
};
type Row = Record<string, any>;

export const toDeposit = (d: Row): DepositView => ({
  id: BigInt(d.id),
  accountId: BigInt(d.account_id),
  amount: BigInt(d.amount),
  method: d.method,
  reference: d.reference,
  at: d.at,
  actor: d.actor,
  status: d.status,
  decidedBy: d.decided_by ?? null,
  decidedAt: d.decided_at ?? null,
  decisionReason: d.decision_reason ?? null,
});

// the till account a method pays into (and a reversal pays out of)
export const tillOf = (method: DepositMethod): string => (method === 'cash' ? 'counter-cash' : 'counter-pos');

async function lockOpenAccount(trx: Knex.Transaction, accountId: bigint): Promise<Row> {
  // the lock orders deposits against a concurrent close, a change of the account's terms or a reversal
  const row = await accountRow(trx, { id: accountId }, { forUpdate: true });
  if (!row) throw new AppError('account-not-found', `no account ${accountId}`);
  if (row.status !== 'open') throw new AppError('account-closed', `account ${accountId} is closed`);
  return row;
}

// A payment into a debit account (a counter deposit; a reversal takes one back) changes what it owes:
// watchers (lanes' overdraft watch, wired in src/modules/reactions.ts) judge it again in the same
// transaction, so cards listed as overdrawn come off at the next publish once it is covered.
export type DebitPayment = { accountId: bigint; amount: bigint; creditLimit: bigint; at: Date; reference: string };
export type DebitPaymentWatcher = (trx: Knex.Transaction, payment: DebitPayment) => Promise<void>;
const debitWatchers = new Set<DebitPaymentWatcher>();
export function watchDebitPayments(w: DebitPaymentWatcher): void {
  debitWatchers.add(w);
}
async function tellDebitPayment(
  trx: Knex.Transaction,
  account: Row,
  payment: Omit<DebitPayment, 'creditLimit' | 'accountId'>,
) {
  if (account.kind !== 'debit') return;
  for (const w of debitWatchers)
    await w(trx, { ...payment, accountId: BigInt(account.id), creditLimit: BigInt(account.credit_limit ?? 0) });
}

async function postDeposit(trx: Knex.Transaction, d: Row, actor: string): Promise<void> {
  await postEntry(trx, {
    kind: 'account-deposit',
    reference: String(d.id),
    memo: `deposit by ${d.method} to account ${d.account_id}`,
    actor,
    postings: [
      { account: tillOf(d.method), amount: BigInt(d.amount) },
      { account: customerFundsCode(BigInt(d.account_id)), amount: -BigInt(d.amount) },
    ],
  });
}

export async function deposit(
  db: Knex,
  ctx: RequestContext,
  accountId: bigint,
  input: { amount: bigint; method: DepositMethod; reference?: string | null },
): Promise<{ deposit: DepositView; balance: bigint }> {
  const { depositLimits, depositApprovalThreshold } = ctx.app.config.money;
  const limit = depositLimits[input.method];
  if (input.amount <= 0n || input.amount > limit)
    throw new AppError('amount-out-of-range', `a ${input.method} deposit must be between 1 and ${limit} fen`, 'amount');
  const pending = input.amount > depositApprovalThreshold;
  return inTransaction(db, async (trx) => {
    const account = await lockOpenAccount(trx, accountId);
    const actor = actorLabel(ctx.actor);
    const [d] = await trx('account_deposits')
      .insert({
        account_id: accountId,
        amount: input.amount,
        method: input.method,
        reference: input.reference ?? null,
        at: ctx.app.clock.now(),
        actor,
        status: pending ? 'pending' : 'posted',
      })
      .returning('*');
    if (!pending) {
      await postDeposit(trx, d, actor);
      await tellDebitPayment(trx, account, {
        amount: input.amount,
        at: ctx.app.clock.now(),
        reference: `deposit:${d.id}`,
      });
    }
    await audit(trx, ctx, {
      action: pending ? 'account.deposit-pending' : 'account.deposit',
      entity: 'account',
      entityId: accountId,
      detail: { depositId: d.id, amount: input.amount, method: input.method },
    });
    return { deposit: toDeposit(d), balance: await accountBalance(trx, accountId) };
  });
}

export async function lockDeposit(trx: Knex.Transaction, depositId: bigint): Promise<Row> {
  const d = await trx('account_deposits').where({ id: depositId }).forUpdate().first();
  if (!d) throw new AppError('deposit-not-found', `no deposit ${depositId}`);
  return d;
}

export async function getDeposit(db: Knex, depositId: bigint): Promise<DepositView> {
  const d = await db('account_deposits').where({ id: depositId }).first();
  if (!d) throw new AppError('deposit-not-found', `no deposit ${depositId}`);
  return toDeposit(d);
}

export async function listDeposits(db: Knex, filter: { status?: DepositStatus; accountId?: bigint }) {
  const q = db('account_deposits').orderBy('id', 'desc').limit(200);
  if (filter.status) q.where({ status: filter.status });
  if (filter.accountId) q.where({ account_id: filter.accountId });
  return (await q).map(toDeposit);
}

// A supervisor decides a pending deposit: approving posts it, rejecting records why and moves
// nothing. Whoever entered the deposit may not decide it.
export async function decideDeposit(
  db: Knex,
  ctx: RequestContext,
  depositId: bigint,
  decision: 'approve' | 'reject',
  reason: string | undefined,
): Promise<{ deposit: DepositView; balance: bigint }> {
  return inTransaction(db, async (trx) => {
    const found = await trx('account_deposits').where({ id: depositId }).first();
    if (!found) throw new AppError('deposit-not-found', `no deposit ${depositId}`);
    // account first, then the deposit: the order every deposit path takes
    const account = decision === 'approve' ? await lockOpenAccount(trx, BigInt(found.account_id)) : null;
    const d = await lockDeposit(trx, depositId);
    if (d.status !== 'pending')
      throw new AppError('deposit-state-conflict', `deposit ${depositId} is already ${d.status}`);
    const me = actorLabel(ctx.actor);
    if (d.actor === me)
      throw new AppError('four-eyes-required', 'a deposit is approved by someone other than who entered it');
    const [row] = await trx('account_deposits')
      .where({ id: depositId })
      .update({
        status: decision === 'approve' ? 'posted' : 'rejected',
        decided_by: me,
        decided_at: ctx.app.clock.now(),
        decision_reason: reason ?? null,
      })
      .returning('*');
    if (account) {
      await postDeposit(trx, row, me);
      await tellDebitPayment(trx, account, {
        amount: BigInt(row.amount),
        at: ctx.app.clock.now(),
        reference: `deposit:${row.id}`,
      });
    }
    await audit(trx, ctx, {
      action: decision === 'approve' ? 'account.deposit-approve' : 'account.deposit-reject',
      entity: 'account',
      entityId: String(d.account_id),
      detail: { depositId, amount: BigInt(d.amount), method: d.method, reason: reason ?? null },
    });
    return { deposit: toDeposit(row), balance: await accountBalance(trx, BigInt(d.account_id)) };
  });
}
