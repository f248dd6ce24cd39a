// Debit-charged accounts past their credit limit (DESIGN §7: the card enters the status list as
// "overdrawn" and leaves once covered). Ingest finds accounts going over when it charges them; the
// review job finds them covered again (a payment, a higher limit). Each change of state is written
// once to account_overdrafts and raised once per card in service through issuance's outbox.
import { perDatabase } from '../../platform/db/per-database.ts';
import type { Knex } from 'knex';
import { afterCommit, inTransaction } from '../../platform/db/transaction.ts';
import { creditLimitsOf, getAccount } from '../customers/index.ts';
import { emitAccountOverdraft } from '../issuance/index.ts';
import { balancesByPrefix, balancesOf, customerFundsCode } from '../ledger/index.ts';

// The customer's side: positive = money held, negative = owed (customer-funds is a liability).
async function customerBalances(db: Knex, ids: bigint[]): Promise<Map<bigint, bigint>> {
  const ledger = await balancesOf(db, ids.map(customerFundsCode));
  return new Map(ids.map((id) => [id, -(ledger.get(customerFundsCode(id)) ?? 0n)]));
}

// Credit limits change rarely and only by a supervisor; ingest asks for the limits of every
// account it charged into debt, batch after batch, so they are kept a few seconds. A limit raised
// in those seconds can make one batch judge by the old one: the review job clears such an entry.
// The ones not kept are read in one statement per batch.
const LIMIT_TTL_MS = 5000;
const limitMaps = perDatabase(() => new Map<bigint, { limit: bigint; until: number }>());
async function creditLimits(db: Knex, ids: bigint[]): Promise<Map<bigint, bigint>> {
  const limits = limitMaps(db);
  const now = Date.now();
  const out = new Map<bigint, bigint>();
  const missing: bigint[] = [];
  for (const id of ids) {
    const hit = limits.get(id);
    if (hit && hit.until > now) out.set(id, hit.limit);
    else missing.push(id);
  }
  if (missing.length === 0) return out;
  const read = await creditLimitsOf(db, missing);
  if (limits.size > 100_000) limits.clear();
  for (const id of missing) {
    const limit = read.get(id);
    if (limit === undefined) throw new Error(`customer account ${id} charged by a lane batch does not exist`);
    limits.set(id, { limit, until: now + LIMIT_TTL_MS });
    out.set(id, limit);
  }
  return out;
}

async function change(
  trx: Knex.Transaction,
  accountId: bigint,
  overdrawn: boolean,
  balance: bigint,
  limit: bigint,
  at: Date,
): Promise<void> {
  await trx('account_overdrafts')
    .where({ account_id: accountId })
    .update({ overdrawn, balance, credit_limit: limit, changed_at: at });
  await emitAccountOverdraft(trx, { accountId, overdrawn, at, balance, creditLimit: limit });
}

/** After charging these accounts in trx: those now past their limit and not yet known so are raised.
 *  Their state rows are locked first, in id order, so that concurrent batches charging the same
 *  account read its balance one after the other (a limit crossed by two batches together is seen).
 *  A lane batch calls this through completeUpload just after its commit; a peer's package at the
 *  end of its caller's transaction. */
export async function raiseOverdrafts(trx: Knex.Transaction, accountIds: Iterable<bigint>, at: Date): Promise<number> {
  const ids = [...new Set(accountIds)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (ids.length === 0) return 0;
  const list = ids.map(String);
  // one statement: the rows made now are this transaction's (not yet overdrawn, locked by their
  // insert); the rows that were there are locked in id order
  const { rows } = await trx.raw(
    `with made as (insert into account_overdrafts (account_id, overdrawn, balance, credit_limit, changed_at)
                   select id, false, 0, 0, ? from unnest(?::bigint[]) as u(id) order by id
                   on conflict do nothing returning account_id, overdrawn),
          had as (select account_id, overdrawn from account_overdrafts
                   where account_id = any(?::bigint[]) order by account_id for update)
     select account_id, overdrawn from had union all select account_id, overdrawn from made`,
    [at.toISOString(), list, list],
  );
  const open = rows
    .filter((r: { overdrawn: boolean }) => !r.overdrawn)
    .map((r: { account_id: bigint }) => BigInt(r.account_id));
  const balances = await customerBalances(trx, open);
  const owing = open.filter((id: bigint) => balances.get(id)! < 0n); // within any limit otherwise
  if (owing.length === 0) return 0;
  const limits = await creditLimits(trx, owing);
  let raised = 0;
  for (const id of owing) {
    const balance = balances.get(id)!;
    const limit = limits.get(id)!;
    if (balance < -limit) {
      await change(trx, id, true, balance, limit, at);
      raised++;
    }
  }
  return raised;
}

/** For uploads whose judgement never ran (upload-completion.ts finishAbandonedUploads): every account
 *  that owes is judged once (the uploads do not say which accounts they charged without a scan of
 *  their rows), and the uploads' marks are cleared in the same transaction. Returns how many accounts
 *  went overdrawn. */
export async function judgeOwingAccounts(db: Knex, uploadIds: string[], at: Date): Promise<number> {
  if (uploadIds.length === 0) return 0;
  // customer-funds is a liability: a positive ledger balance is money owed by the customer
  const owing = (await balancesByPrefix(db, 'customer-funds:'))
    .filter((a) => a.balance > 0n)
    .map((a) => BigInt(a.code.slice('customer-funds:'.length)));
  return inTransaction(db, async (trx) => {
    const raised = await raiseOverdrafts(trx, owing, at);
    await trx('lane_uploads').whereIn('id', uploadIds).update({ overdrafts_pending: false });
    return raised;
  });
}

/** Re-checks every account known overdrawn; those covered again are cleared. Returns how many. */
export async function reviewOverdrafts(db: Knex, at: Date): Promise<number> {
  const ids: bigint[] = await db('account_overdrafts')
    .where({ overdrawn: true })
    .orderBy('account_id')
    .pluck('account_id');
  let cleared = 0;
  for (const id of ids) {
    cleared += await inTransaction(db, async (trx) => {
      const row = await trx('account_overdrafts').where({ account_id: id }).forUpdate().first();
      if (!row?.overdrawn) return 0;
      const balance = (await customerBalances(trx, [id])).get(id)!;
      const { creditLimit: limit } = await getAccount(trx, id); // fresh: the review is what corrects a stale limit
      if (balance < -limit) return 0;
      await change(trx, id, false, balance, limit, at);
      return 1;
    });
  }
  return cleared;
}

/** A supervisor changed the account's credit limit (called in that change's transaction): the account
 *  is judged at once against the new limit, so a lower limit that leaves it past the limit lists its
 *  cards and a higher one that covers it takes them off at the next publish, without waiting for a
 *  toll or the review job. The cached limit is dropped now and again once the change commits (a
 *  batch running meanwhile may have cached the old one). */
export async function rejudgeOverdraft(
  trx: Knex.Transaction,
  limitChange: { accountId: bigint; creditLimit: bigint; at: Date },
): Promise<void> {
  const { accountId, creditLimit: limit, at } = limitChange;
  const forget = async () => void limitMaps(trx).delete(accountId);
  await forget();
  await afterCommit(trx, forget, () => {});
  await trx.raw(
    `insert into account_overdrafts (account_id, overdrawn, balance, credit_limit, changed_at)
       values (?, false, 0, 0, ?) on conflict do nothing`,
    [String(accountId), at.toISOString()],
  );
  const row = await trx('account_overdrafts').where({ account_id: accountId }).forUpdate().first();
  const balance = (await customerBalances(trx, [accountId])).get(accountId)!;
  const over = balance < -limit;
  if (over !== row.overdrawn) await change(trx, accountId, over, balance, limit, at);
}
