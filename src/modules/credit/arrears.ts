// Arrears: a bill of a debit account still unpaid past its due date plus the grace puts the account's
// cards on the status list (reason 4, "overdrawn / arrears"); a payment that covers every such bill
// takes them off at the next publish. The state is one row per account, changed once per transition.
import type { Knex } from 'knex';
import { inTransaction } from '../../platform/db/transaction.ts';
import { IN_SERVICE } from '../issuance/index.ts';
import { raiseArrearsEvent } from '../statuslist/index.ts';
import { creditSettings } from './settings.ts';

const day = (at: Date) => at.toISOString().slice(0, 10);

async function hasArrears(trx: Knex, accountId: bigint, at: Date, graceDays: number): Promise<boolean> {
  const row = await trx('credit_bills')
    .where({ account_id: accountId })
    .whereNull('settled_at')
    .whereRaw('due_date + ?::int < ?::date', [graceDays, day(at)])
    .first('id');
  return row !== undefined;
}

async function raiseForCards(trx: Knex.Transaction, accountId: bigint, inArrears: boolean, at: Date): Promise<void> {
  // the account's cards in service (issuance's table, read only; the list change is the status list's)
  const cards = await trx('cards')
    .where({ account_id: accountId })
    .whereIn('status', IN_SERVICE)
    .orderBy('card_no')
    .select('card_no', 'customer_id');
  if (!inArrears) {
    // still past its credit limit: the overdraft keeps the same reason on the list, so it stays
    const over = await trx('account_overdrafts').where({ account_id: accountId, overdrawn: true }).first('account_id');
    if (over) return;
  }
  for (const c of cards)
    await raiseArrearsEvent(trx, {
      at,
      medium: 'card',
      mediumId: c.card_no,
      customerId: BigInt(c.customer_id),
      event: inArrears ? 'account-in-arrears' : 'account-arrears-cleared',
      payload: { accountId: String(accountId) },
    });
}

/** Judges one account now, in trx: enters or leaves arrears when its bills say so. Returns the change. */
export async function judgeArrears(
  trx: Knex.Transaction,
  accountId: bigint,
  at: Date,
): Promise<'entered' | 'left' | null> {
  const { graceDays } = await creditSettings(trx);
  await trx.raw(
    'insert into credit_arrears (account_id, in_arrears, changed_at) values (?, false, ?) on conflict do nothing',
    [String(accountId), at.toISOString()],
  );
  const row = await trx('credit_arrears').where({ account_id: accountId }).forUpdate().first();
  const now = await hasArrears(trx, accountId, at, graceDays);
  if (now === row.in_arrears) {
    // re-assert a listing another rule's leave may have taken off (an overdraft covered meanwhile)
    if (now) await raiseForCards(trx, accountId, true, at);
    return null;
  }
  await trx('credit_arrears').where({ account_id: accountId }).update({ in_arrears: now, changed_at: at });
  await raiseForCards(trx, accountId, now, at);
  return now ? 'entered' : 'left';
}

/** The daily sweep: every account with a bill overdue past the grace, or in arrears now. */
export async function sweepArrears(db: Knex, at: Date): Promise<{ entered: number; left: number }> {
  const { graceDays } = await creditSettings(db);
  const { rows } = await db.raw(
    `select account_id from credit_bills where settled_at is null and due_date + ?::int < ?::date
     union select account_id from credit_arrears where in_arrears order by 1`,
    [graceDays, day(at)],
  );
  const out = { entered: 0, left: 0 };
  for (const r of rows as Array<{ account_id: string }>) {
    const change = await inTransaction(db, (trx) => judgeArrears(trx, BigInt(r.account_id), at));
    if (change) out[change]++;
  }
  return out;
}
