// An account statement for a period: opening balance, every movement with its running balance, and
// the closing balance, from the customer's side (positive = money held for the customer). The
// figures come from the ledger's postings (statementOf), so they always agree with the balance.
import type { Knex } from 'knex';
import { DAY_MS, localDate, localDayStart } from '../../platform/clock/clock.ts';
import { csvCell } from '../../platform/http/csv.ts';
import { AppError } from '../../platform/http/errors.ts';
import { yuan } from '../../platform/money.ts';
import { customerFundsCode, statementOf, type Statement } from '../ledger/index.ts';
import { getAccount } from './accounts.ts';
import { getCustomer } from './customers.ts';
import type { AccountView, CustomerView } from './repository.ts';

// what a file statement (CSV, PDF) may hold: longer periods are asked for in parts
export const MAX_FILE_MOVEMENTS = 20_000;

export type AccountStatement = Statement & {
  account: AccountView;
  customer: CustomerView;
  from: string;
  to: string;
};

// The period is local days, both inclusive; `to` defaults to today, `from` to the first of to's month.
export function statementPeriod(now: Date, from?: string, to?: string): { from: string; to: string } {
  const t = to ?? localDate(now);
  return { from: from ?? `${t.slice(0, 8)}01`, to: t };
}

export async function accountStatement(
  db: Knex,
  accountId: bigint,
  period: { from: string; to: string },
  page: { limit: number; offset: number } | null,
): Promise<AccountStatement> {
  const account = await getAccount(db, accountId);
  const customer = await getCustomer(db, account.customerId);
  const start = localDayStart(period.from);
  const end = new Date(localDayStart(period.to).getTime() + DAY_MS);
  const s = await statementOf(db, customerFundsCode(accountId), start, end, page, 'credit');
  if (!page && s.count > MAX_FILE_MOVEMENTS)
    throw new AppError(
      'statement-too-long',
      `the period has ${s.count} movements; a file statement holds at most ${MAX_FILE_MOVEMENTS}: ask for a shorter period`,
      'from',
    );
  return { ...s, account, customer, from: period.from, to: period.to };
}

// CSV for the customer: amounts in yuan with two decimals (what a spreadsheet user reads) and the
// same figures in fen; a header block with the period and opening/closing balances.
export function statementCsv(s: AccountStatement): string {
  const lines = [
    ['account', String(s.account.id)],
    ['customer', s.customer.name],
    ['from', s.from],
    ['to', s.to],
    ['opening balance (yuan)', yuan(s.openingBalance)],
    ['closing balance (yuan)', yuan(s.closingBalance)],
    [],
    ['time', 'kind', 'reference', 'memo', 'amount (yuan)', 'balance (yuan)', 'amount (fen)', 'balance (fen)'],
    ...s.movements.map((m) => [
      m.at.toISOString(),
      m.kind,
      m.reference,
      m.memo ?? '',
      yuan(m.amount),
      yuan(m.balance),
      String(m.amount),
      String(m.balance),
    ]),
  ];
  // a BOM so spreadsheet programs read the Chinese names as UTF-8
  return '\uFEFF' + lines.map((l) => l.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
