// A debit account's credit limit after opening: a supervisor sets it with a reason, within bounds;
// each change is kept (credit_limit_changes, append-only) and audited. Whoever judges accounts
// against their limit (lane ingest's overdraft watch) is told in the same transaction, so a lower
// limit that leaves the account overdrawn lists its cards, and a higher one that covers it takes
// them off, at the next publish of the status list.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { accountBalance } from './accounts.ts';
import { accountRow, toAccount, type AccountView } from './repository.ts';

export type CreditLimitChange = {
  id: bigint;
  accountId: bigint;
  fromLimit: bigint;
  toLimit: bigint;
  reason: string;
  changedBy: string;
  changedAt: Date;
};

// Called inside the change's transaction, after the new limit is written.
export type CreditLimitWatcher = (
  trx: Knex.Transaction,
  change: { accountId: bigint; creditLimit: bigint; at: Date },
) => Promise<void>;
const watchers = new Set<CreditLimitWatcher>();
export function watchCreditLimits(w: CreditLimitWatcher): void {
  watchers.add(w);
}

const toChange = (r: Record<string, any>): CreditLimitChange => ({
  id: BigInt(r.id),
  accountId: BigInt(r.account_id),
  fromLimit: BigInt(r.from_limit),
  toLimit: BigInt(r.to_limit),
  reason: r.reason,
  changedBy: r.changed_by,
  changedAt: r.changed_at,
});

export async function changeCreditLimit(
  db: Knex,
  ctx: RequestContext,
  accountId: bigint,
  input: { creditLimit: bigint; reason: string },
): Promise<{ account: AccountView & { balance: bigint }; change: CreditLimitChange }> {
  const ceiling = ctx.app.config.money.creditLimitCeiling;
  if (input.creditLimit < 0n || input.creditLimit > ceiling)
    throw new AppError('amount-out-of-range', `creditLimit must be between 0 and ${ceiling} fen`, 'creditLimit');
  return inTransaction(db, async (trx) => {
    const row = await accountRow(trx, { id: accountId }, { forUpdate: true });
    if (!row) throw new AppError('account-not-found', `no account ${accountId}`);
    if (row.status !== 'open') throw new AppError('account-closed', `account ${accountId} is closed`);
    if (row.kind !== 'debit')
      throw new AppError(
        'account-not-debit',
        `account ${accountId} is prepaid; only a debit account has a credit limit`,
      );
    const from = BigInt(row.credit_limit);
    if (from === input.creditLimit)
      throw new AppError('conflict', `the credit limit of account ${accountId} is ${from} fen already`, 'creditLimit');
    const at = ctx.app.clock.now();
    const me = actorLabel(ctx.actor);
    const [updated] = await trx('accounts')
      .where({ id: accountId })
      .update({ credit_limit: input.creditLimit })
      .returning('*');
    const [change] = await trx('credit_limit_changes')
      .insert({
        account_id: accountId,
        from_limit: from,
        to_limit: input.creditLimit,
        reason: input.reason,
        changed_by: me,
        changed_at: at,
      })
      .returning('*');
    await audit(trx, ctx, {
      action: 'account.credit-limit',
      entity: 'account',
      entityId: accountId,
      detail: { from, to: input.creditLimit, reason: input.reason, changeId: change.id },
    });
    for (const w of watchers) await w(trx, { accountId, creditLimit: input.creditLimit, at });
    return {
      account: { ...toAccount(updated), balance: await accountBalance(trx, accountId) },
      change: toChange(change),
    };
  });
}

export async function creditLimitHistory(db: Knex, accountId: bigint): Promise<CreditLimitChange[]> {
  return (await db('credit_limit_changes').where({ account_id: accountId }).orderBy('id')).map(toChange);
}

/** A limit lowered by a rule rather than a person (credit's downgrade of a late payer): the same
 *  change, history, audit and watchers, by "system", in the caller's transaction. */
export async function setCreditLimitBySystem(
  trx: Knex.Transaction,
  accountId: bigint,
  creditLimit: bigint,
  reason: string,
  at: Date,
): Promise<void> {
  const row = await accountRow(trx, { id: accountId }, { forUpdate: true });
  if (!row || row.kind !== 'debit')
    throw new AppError('account-not-debit', `account ${accountId} is not a debit account`);
  const from = BigInt(row.credit_limit);
  if (from === creditLimit) return;
  await trx('accounts').where({ id: accountId }).update({ credit_limit: creditLimit });
  const [change] = await trx('credit_limit_changes')
    .insert({
      account_id: accountId,
      from_limit: from,
      to_limit: creditLimit,
      reason,
      changed_by: 'system',
      changed_at: at,
    })
    .returning('id');
  await audit(trx, null, {
    action: 'account.credit-limit',
    entity: 'account',
    entityId: accountId,
    detail: { from, to: creditLimit, reason, changeId: change.id },
  });
  for (const w of watchers) await w(trx, { accountId, creditLimit, at });
}
