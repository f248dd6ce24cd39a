// Finance's work on the suspense queue: assign a line to a corporate customer (the money moves to its
// account and the payer account is learned for next time) or return it to the payer (the money leaves
// the clearing bank). Each one balanced entry, in the transaction that changes the line.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { getAccountOfCustomer } from '../customers/index.ts';
import { resolveExceptionByReference } from '../finance/index.ts';
import { CLEARING_BANK, customerFundsCode, postEntry } from '../ledger/index.ts';
import { creditWatched } from './hooks.ts';
import { corporateCustomer } from './payment-references.ts';
import { lineReference, SUSPENSE, type LineStatus } from './transfers.ts';

export type StatementLine = {
  id: bigint;
  importId: bigint;
  bank: string;
  serial: string;
  lineNo: number;
  bookedAt: Date;
  direction: 'credit' | 'debit';
  amount: bigint;
  businessReference: string;
  purpose: string;
  payerAccount: string;
  payerName: string;
  status: LineStatus;
  matchedBy: string | null;
  customerId: bigint | null;
  accountId: bigint | null;
  billId: string | null;
  note: string | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
};

export const toLine = (r: Record<string, any>): StatementLine => ({
  id: BigInt(r.id),
  importId: BigInt(r.import_id),
  bank: r.bank,
  serial: r.serial,
  lineNo: r.line_no,
  bookedAt: r.booked_at,
  direction: r.direction,
  amount: BigInt(r.amount),
  businessReference: r.business_reference,
  purpose: r.purpose,
  payerAccount: r.payer_account,
  payerName: r.payer_name,
  status: r.status,
  matchedBy: r.matched_by,
  customerId: r.customer_id == null ? null : BigInt(r.customer_id),
  accountId: r.account_id == null ? null : BigInt(r.account_id),
  billId: r.bill_id,
  note: r.note,
  resolvedBy: r.resolved_by,
  resolvedAt: r.resolved_at,
});

export async function listLines(
  db: Knex,
  q: { status?: LineStatus; importId?: bigint; customerId?: bigint; limit: number; offset: number },
): Promise<{ lines: StatementLine[]; hasMore: boolean }> {
  const query = db('corporate_statement_lines')
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .offset(q.offset);
  if (q.status) query.where({ status: q.status });
  if (q.importId) query.where({ import_id: q.importId });
  if (q.customerId) query.where({ customer_id: q.customerId });
  const rows = (await query).map(toLine);
  return { lines: rows.slice(0, q.limit), hasMore: rows.length > q.limit };
}

async function lockSuspense(trx: Knex.Transaction, lineId: bigint): Promise<Record<string, any>> {
  const row = await trx('corporate_statement_lines').where({ id: lineId }).forUpdate().first();
  if (!row) throw new AppError('statement-line-not-found', `no statement line ${lineId}`);
  if (row.status !== 'suspense')
    throw new AppError('statement-line-not-in-suspense', `statement line ${lineId} is ${row.status}, not in suspense`);
  return row;
}

async function settleLine(
  trx: Knex.Transaction,
  ctx: RequestContext,
  row: Record<string, any>,
  to: LineStatus,
  set: Record<string, unknown>,
  note: string,
): Promise<StatementLine> {
  const at = ctx.app.clock.now();
  const actor = actorLabel(ctx.actor);
  const [updated] = await trx('corporate_statement_lines')
    .where({ id: row.id })
    .update({ ...set, status: to, resolved_by: actor, resolved_at: at, note })
    .returning('*');
  await trx('corporate_statement_line_events').insert({
    line_id: row.id,
    at,
    actor,
    from_status: row.status,
    to_status: to,
    detail: JSON.stringify({ ...set, note }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
  });
  await resolveExceptionByReference(
    trx,
    at,
    actor,
    'corporate-transfer-unmatched',
    lineReference(row.bank, row.serial),
    `${to}: ${note}`,
  );
  await audit(trx, ctx, {
    action: `corporate.suspense-${to === 'assigned' ? 'assign' : 'return'}`,
    entity: 'corporate_statement_line',
    entityId: row.id,
    detail: { ...set, amount: row.amount, note },
  });
  return toLine(updated);
}

export async function assignFromSuspense(
  db: Knex,
  ctx: RequestContext,
  lineId: bigint,
  input: { customerId: bigint; note: string },
): Promise<StatementLine> {
  return inTransaction(db, async (trx) => {
    const row = await lockSuspense(trx, lineId);
    const customer = await corporateCustomer(trx, input.customerId);
    if (customer.status !== 'active') throw new AppError('customer-closed', `customer ${input.customerId} is closed`);
    const account = await getAccountOfCustomer(trx, input.customerId);
    if (account.status !== 'open') throw new AppError('account-closed', `account ${account.id} is closed`);
    const amount = BigInt(row.amount);
    const at = ctx.app.clock.now();
    const actor = actorLabel(ctx.actor);
    await postEntry(trx, {
      kind: 'corporate-suspense-assign',
      reference: String(row.id),
      memo: `suspense line ${row.id} assigned to customer ${input.customerId}`,
      actor,
      postings: [
        { account: SUSPENSE, amount },
        { account: customerFundsCode(account.id), amount: -amount },
      ],
    });
    // the payer account is learned: its next transfer matches without a person
    if (row.payer_account !== '')
      await trx('corporate_payer_accounts')
        .insert({
          payer_account: row.payer_account,
          customer_id: input.customerId,
          learned_from: row.id,
          learned_at: at,
          learned_by: actor,
        })
        .onConflict('payer_account')
        .merge();
    const line = await settleLine(
      trx,
      ctx,
      row,
      'assigned',
      { customer_id: input.customerId, account_id: account.id, matched_by: 'manual' },
      input.note,
    );
    await creditWatched(trx, {
      accountId: String(account.id),
      customerId: String(input.customerId),
      amountFen: amount,
      source: 'suspense-assignment',
      reference: lineReference(row.bank, row.serial),
      at,
    });
    return line;
  });
}

export async function returnFromSuspense(
  db: Knex,
  ctx: RequestContext,
  lineId: bigint,
  input: { reason: string },
): Promise<StatementLine> {
  return inTransaction(db, async (trx) => {
    const row = await lockSuspense(trx, lineId);
    const amount = BigInt(row.amount);
    await postEntry(trx, {
      kind: 'corporate-suspense-return',
      reference: String(row.id),
      memo: `suspense line ${row.id} returned to the payer`,
      actor: actorLabel(ctx.actor),
      postings: [
        { account: SUSPENSE, amount },
        { account: CLEARING_BANK, amount: -amount },
      ],
    });
    return settleLine(trx, ctx, row, 'returned', {}, input.reason);
  });
}
