// The day's statements for finance and the bank: the operator payout statement (per operator the
// transactions, the amount, its own-card part and its part of each province's money, then a totals
// row) and the province settlements of the date (then a totals row).
import type { Knex } from 'knex';
import { yuan } from '../../platform/money.ts';
import { listOperators } from '../lanes/index.ts';
import { listPayouts, payoutLinesOfDay, sourceOrder } from './payouts.ts';
import { listSettlements } from './settlements.ts';
import type { Cell, Sheet } from './sheet.ts';

const TOTAL = 'TOTAL';
const sum = (rows: Cell[][], col: number) => rows.reduce((a, r) => a + (r[col] as bigint), 0n);

export async function payoutStatement(db: Knex, date: string): Promise<Sheet> {
  const range = { from: date, to: date };
  const { payouts, totals } = await listPayouts(db, range);
  const lines = await payoutLinesOfDay(db, date);
  const names = new Map((await listOperators(db)).map((o) => [o.id, o.name]));
  const provinces = [
    ...new Set(
      [...lines.values()]
        .flat()
        .map((l) => l.source)
        .filter((s) => s !== 'own-card'),
    ),
  ].sort(sourceOrder);
  const headers = [
    'clearing_date',
    'operator_id',
    'operator_name',
    'state',
    'transactions',
    'amount_fen',
    'amount_yuan',
    'own_card_fen',
    'interchange_fen',
    ...provinces.map((p) => `${p.replace(':', '_')}_fen`),
    'bank_reference',
  ];
  const rows: Cell[][] = payouts.map((p) => {
    const bySource = new Map((lines.get(p.operatorId) ?? []).map((l) => [l.source, l.amount]));
    return [
      p.clearingDate,
      p.operatorId,
      names.get(p.operatorId) ?? '',
      p.state,
      p.transactions,
      p.amount,
      yuan(p.amount),
      p.ownAmount,
      p.interchangeAmount,
      ...provinces.map((s) => bySource.get(s) ?? 0n),
      p.bankReference,
    ];
  });
  const provinceTotals = provinces.map((_, i) => sum(rows, 9 + i));
  rows.push([
    date,
    TOTAL,
    '',
    '',
    totals.transactions,
    totals.amount,
    yuan(totals.amount),
    totals.ownAmount,
    totals.interchangeAmount,
    ...provinceTotals,
    null,
  ]);
  return { name: `Payouts ${date}`, fileName: `payouts-${date}`, headers, rows };
}

export async function settlementStatement(db: Knex, date: string): Promise<Sheet> {
  const { settlements, totals } = await listSettlements(db, { from: date, to: date });
  const headers = [
    'clearing_date',
    'network',
    'state',
    'packages_out',
    'confirmed_count',
    'confirmed_fen',
    'dispute_paid_out_fen',
    'packages_in',
    'accepted_count',
    'accepted_fen',
    'dispute_paid_in_fen',
    'receivable_fen',
    'payable_fen',
    'net_fen',
    'net_yuan',
    'bank_reference',
  ];
  const rows: Cell[][] = settlements.map((s) => [
    s.clearingDate,
    s.network,
    s.state,
    BigInt(s.packagesOut),
    s.confirmedCount,
    s.confirmedAmount,
    s.disputePaidOut,
    BigInt(s.packagesIn),
    s.acceptedCount,
    s.acceptedAmount,
    s.disputePaidIn,
    s.receivable,
    s.payable,
    s.net,
    yuan(s.net),
    s.bankReference,
  ]);
  const col = (i: number) => sum(rows, i);
  rows.push([
    date,
    TOTAL,
    '',
    col(3),
    col(4),
    col(5),
    col(6),
    col(7),
    col(8),
    col(9),
    col(10),
    totals.receivable,
    totals.payable,
    totals.net,
    yuan(totals.net),
    null,
  ]);
  return { name: `Settlements ${date}`, fileName: `settlements-${date}`, headers, rows };
}
