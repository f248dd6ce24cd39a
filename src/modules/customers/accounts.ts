// Customer accounts: one per customer, prepaid or debit. The money is in the ledger account
// customer-funds:<account id>; this module keeps only the account's terms (kind, credit limit).
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { accountIdsByCode, balanceOf, customerFundsCode, ensureAccounts, postEntry } from '../ledger/index.ts';
import { accountRow, customerRow, toAccount, type AccountView, type Scope } from './repository.ts';

export type AccountTerms = { kind: 'prepaid' | 'debit'; creditLimit: bigint };

// Opens the customer's account and its ledger account, inside the customer's creation.
// The account id is drawn first because the ledger code is named after it.
export async function openAccount(
  trx: Knex.Transaction,
  customerId: bigint,
  terms: AccountTerms,
  now: Date,
): Promise<AccountView> {
  const seq = await trx.raw(`select nextval(pg_get_serial_sequence('accounts', 'id')) as id`);
  const id = BigInt(seq.rows[0].id);
  const code = customerFundsCode(id);
  await ensureAccounts(trx, [{ code, name: `Funds of customer account ${id}`, kind: 'liability' }]);
  const ledgerId = (await accountIdsByCode(trx, [code])).get(code);
  const [row] = await trx('accounts')
    .insert({
      id,
      customer_id: customerId,
      kind: terms.kind,
      credit_limit: terms.creditLimit,
      ledger_account_id: ledgerId,
      created_at: now,
    })
    .returning('*');
  return toAccount(row);
}

export async function getAccount(db: Knex, accountId: bigint): Promise<AccountView> {
  const row = await accountRow(db, { id: accountId });
  if (!row) throw new AppError('account-not-found', `no account ${accountId}`);
  return toAccount(row);
}

/** The credit limits of many accounts in one statement (lane ingest judges every account a batch
 *  charged into debt); an unknown id is absent. */
export async function creditLimitsOf(db: Knex, ids: bigint[]): Promise<Map<bigint, bigint>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.raw('select id, credit_limit from accounts where id = any(?::bigint[])', [ids.map(String)]);
  return new Map(
    rows.map((r: { id: bigint | string; credit_limit: bigint | string }) => [BigInt(r.id), BigInt(r.credit_limit)]),
  );
}

export async function getAccountOfCustomer(db: Knex, customerId: bigint): Promise<AccountView> {
  const row = await accountRow(db, { customer_id: customerId });
  if (!row) throw new AppError('account-not-found', `customer ${customerId} has no account`);
  return toAccount(row);
}

// The customer's view of the balance: positive = money held for the customer, negative = owed
// by a debit-account customer. customer-funds is a liability of the centre, so in the ledger
// (debit positive) money held for the customer is a credit: the customer's balance is its negation.
export async function accountBalance(db: Knex, accountId: bigint): Promise<bigint> {
  return -(await balanceOf(db, customerFundsCode(accountId)));
}

// An account as a caller may see it: a bank only those of customers it opened (404 otherwise,
// so that a bank cannot learn which account ids exist).
export async function accountDetail(
  db: Knex,
  scope: Scope,
  accountId: bigint,
): Promise<AccountView & { balance: bigint }> {
  const account = await getAccount(db, accountId);
  if (scope && !(await customerRow(db, account.customerId, { scope })))
    throw new AppError('account-not-found', `no account ${accountId}`);
  return { ...account, balance: await accountBalance(db, accountId) };
}
