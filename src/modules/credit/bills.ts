// Monthly bills of debit accounts: every accepted lane charge of the period, by vehicle, due after
// the configured terms. The bill run is set-based and idempotent on (account, period). A bill is paid
// by credits to its account (a transfer, a counter deposit, an allocation): oldest bill first, the
// rest stays on the account; a partial payment leaves the bill open.
import type { Knex } from 'knex';
import { AppError } from '../../platform/http/errors.ts';
import { creditSettings } from './settings.ts';

export type BillView = {
  id: bigint;
  accountId: bigint;
  customerId: bigint;
  periodStart: string;
  periodEnd: string;
  dueDate: string;
  amount: bigint;
  paid: bigint;
  writtenOff: bigint;
  outstanding: bigint;
  issuedAt: Date;
  settledAt: Date | null;
};
export type BillLine = { plate: string; plateColor: number; vehicleClass: number; trips: number; amount: bigint };
export type BillPaymentSource = 'transfer' | 'suspense-assignment' | 'deposit' | 'allocation';

const day = (d: unknown): string => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10));

export function toBill(r: Record<string, any>): BillView {
  const amount = BigInt(r.amount);
  const paid = BigInt(r.paid);
  const writtenOff = BigInt(r.written_off);
  return {
    id: BigInt(r.id),
    accountId: BigInt(r.account_id),
    customerId: BigInt(r.customer_id),
    periodStart: day(r.period_start),
    periodEnd: day(r.period_end),
    dueDate: day(r.due_date),
    amount,
    paid,
    writtenOff,
    outstanding: amount - paid - writtenOff,
    issuedAt: r.issued_at,
    settledAt: r.settled_at ?? null,
  };
}

/** The calendar month before `at` (UTC dates, as lane charges' clearing dates are). */
export function previousMonth(at: Date): { start: string; end: string } {
  const end = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const start = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 1, 1));
  return { start: day(start), end: day(end) };
}

/** Bills every debit account with accepted lane charges in [start, end): one bill per account and
 *  period (a rerun adds nothing), its lines by vehicle. Returns how many bills were made. */
export async function runBills(
  trx: Knex.Transaction,
  period: { start: string; end: string },
  at: Date,
): Promise<number> {
  const { termsDays } = await creditSettings(trx);
  const { rows } = await trx.raw(
    `with charges as (
       select t.account_id, t.plate, t.plate_color, t.vehicle_class, t.amount
         from lane_transactions t join accounts a on a.id = t.account_id and a.kind = 'debit'
        where t.disposition = 'accepted' and t.own_card and t.clearing_date >= ?::date and t.clearing_date < ?::date
     ), made as (
       insert into credit_bills (account_id, customer_id, period_start, period_end, due_date, amount, issued_at)
       select c.account_id, a.customer_id, ?::date, ?::date, ?::date + ?::int, sum(c.amount), ?
         from charges c join accounts a on a.id = c.account_id
        group by c.account_id, a.customer_id having sum(c.amount) > 0
       on conflict (account_id, period_start) do nothing
       returning id, account_id
     ), lines as (
       insert into credit_bill_lines (bill_id, plate, plate_color, vehicle_class, trips, amount)
       select m.id, coalesce(c.plate, ''), coalesce(c.plate_color, 0), c.vehicle_class, count(*), sum(c.amount)
         from made m join charges c on c.account_id = m.account_id
        group by m.id, coalesce(c.plate, ''), coalesce(c.plate_color, 0), c.vehicle_class
       returning 1
     )
     select (select count(*) from made) as bills, (select count(*) from lines) as lines`,
    [period.start, period.end, period.start, period.end, period.end, termsDays, at.toISOString()],
  );
  return Number(rows[0].bills);
}

export async function getBill(db: Knex, billId: bigint): Promise<BillView> {
  const row = await db('credit_bills').where({ id: billId }).first();
  if (!row) throw new AppError('bill-not-found', `no bill ${billId}`);
  return toBill(row);
}

export async function billLines(db: Knex, billId: bigint): Promise<BillLine[]> {
  const rows = await db('credit_bill_lines').where({ bill_id: billId }).orderBy(['plate', 'plate_color']);
  return rows.map((r) => ({
    plate: r.plate,
    plateColor: r.plate_color,
    vehicleClass: r.vehicle_class,
    trips: r.trips,
    amount: BigInt(r.amount),
  }));
}

export async function billsOfAccount(db: Knex, accountId: bigint): Promise<BillView[]> {
  return (await db('credit_bills').where({ account_id: accountId }).orderBy('period_start', 'desc')).map(toBill);
}

export async function billsOfCustomers(db: Knex, customerIds: bigint[]): Promise<BillView[]> {
  if (customerIds.length === 0) return [];
  const rows = await db('credit_bills')
    .whereIn('customer_id', customerIds.map(String))
    .orderBy([{ column: 'customer_id' }, { column: 'period_start', order: 'desc' }]);
  return rows.map(toBill);
}

export type BillPaymentWatcher = (trx: Knex.Transaction, p: { accountId: bigint; at: Date }) => Promise<void>;
const settledWatchers: BillPaymentWatcher[] = [];
/** Called after bills of an account were paid (grades judge lateness, arrears lift the list entry). */
export function onBillsPaid(w: BillPaymentWatcher): void {
  settledWatchers.push(w);
}

/** Applies a credit of `amount` to the account's open bills, oldest first, in trx. Returns the part
 *  used; the rest stays on the account as credit. Bills are locked in period order. */
export async function applyCredit(
  trx: Knex.Transaction,
  accountId: bigint,
  amount: bigint,
  source: BillPaymentSource,
  reference: string,
  at: Date,
): Promise<bigint> {
  if (amount <= 0n) return 0n;
  const open = await trx('credit_bills')
    .where({ account_id: accountId })
    .whereNull('settled_at')
    .orderBy('period_start')
    .forUpdate()
    .select('*');
  let left = amount;
  const today = day(at);
  for (const row of open) {
    if (left === 0n) break;
    const bill = toBill(row);
    const pay = bill.outstanding < left ? bill.outstanding : left;
    if (pay <= 0n) continue;
    left -= pay;
    const settles = pay === bill.outstanding;
    await trx('credit_bill_payments').insert({
      bill_id: bill.id,
      amount: pay,
      source,
      reference,
      paid_at: at,
      late: today > bill.dueDate,
    });
    await trx('credit_bills')
      .where({ id: bill.id })
      .update({ paid: bill.paid + pay, settled_at: settles ? at : null });
  }
  if (left !== amount) for (const w of settledWatchers) await w(trx, { accountId, at });
  return amount - left;
}

/** Open bills whose outstanding amount is exactly `amountFen` (a transfer matched by its amount). */
export async function openBillsWithAmount(
  trx: Knex,
  amountFen: bigint,
): Promise<Array<{ customerId: string; accountId: string; billId: string }>> {
  const rows = await trx('credit_bills')
    .whereNull('settled_at')
    .whereRaw('amount - paid - written_off = ?', [amountFen.toString()])
    .orderBy('id')
    .select('id', 'account_id', 'customer_id');
  return rows.map((r) => ({
    customerId: String(r.customer_id),
    accountId: String(r.account_id),
    billId: String(r.id),
  }));
}
