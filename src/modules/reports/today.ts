// The finance dashboard's figures for a day and the day before: money in by channel (confirmed loads,
// posted deposits), lane revenue by operator and by source as the clearing split it, lane traffic by
// source, the float as the ledger holds it at the day's end, what each province owes us and we owe it,
// the open exceptions by kind and age; and 30 days of revenue per operator and per source.
import type { Knex } from 'knex';
import { addDays } from '../../platform/clock/clock.ts';
import { balancesAt } from '../ledger/index.ts';
import { depositVolumes } from '../customers/index.ts';
import { loadVolumes, type LoadVolume } from '../topup/index.ts';
import { laneVolumes, listOperators, type LaneVolume } from '../lanes/index.ts';
import { operatorTotalsBetween, type OperatorTotal } from '../clearing/index.ts';
import { openExceptionAges } from '../finance/index.ts';
import { dayEnd, daysFrom } from './days.ts';

export const SERIES_DAYS = 30;

/** A load's channel as finance names it: the bank branch by bank, the counter by payment method,
 *  a corporate allocation, or money that was already in (carry-over, reauthorisation). */
export function channelOf(l: Pick<LoadVolume, 'channel' | 'method' | 'clientId'>): string {
  if (l.method === 'allocation') return 'allocation';
  if (l.method === 'carry-over' || l.method === 'reauthorisation') return l.method;
  if (l.channel === 'bank') return `bank:${l.clientId}`;
  return `counter:${l.method}`;
}

type Figure = { count: bigint; amount: bigint };
const add = (m: Map<string, Figure>, k: string, count: bigint, amount: bigint) => {
  const x = m.get(k) ?? { count: 0n, amount: 0n };
  m.set(k, { count: x.count + count, amount: x.amount + amount });
};
const rows = <K extends string>(m: Map<string, Figure>, key: K) =>
  [...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => ({ [key]: k, ...v }) as Record<K, string> & Figure);

function dayFigures(
  date: string,
  loads: LoadVolume[],
  deposits: Awaited<ReturnType<typeof depositVolumes>>,
  totals: OperatorTotal[],
  names: Map<string, string>,
  lanes: LaneVolume[],
  balances: Map<string, bigint>, // at the day's end
) {
  const loadChannels = new Map<string, Figure>();
  for (const l of loads)
    if (l.date === date && l.status === 'confirmed') add(loadChannels, channelOf(l), l.loads, l.amount);
  const depositChannels = new Map<string, Figure>();
  for (const d of deposits) if (d.date === date) add(depositChannels, `deposit:${d.method}`, d.deposits, d.amount);
  const byOperator = new Map<string, Figure>();
  const bySource = new Map<string, Figure>();
  for (const t of totals)
    if (t.date === date) {
      add(byOperator, t.operatorId, t.transactions, t.amount);
      add(bySource, t.source, t.transactions, t.amount);
    }
  const traffic = new Map<string, Figure>();
  for (const v of lanes)
    if (v.date === date && v.disposition === 'accepted')
      add(traffic, `${v.origin}:${v.source}`, v.transactions, v.amount);
  let accounts = 0n;
  const provinces = new Map<string, { receivable: bigint; payable: bigint }>();
  for (const [code, balance] of balances) {
    if (code.startsWith('customer-funds:')) accounts -= balance;
    const m = /^province-(receivable|payable):(.+)$/.exec(code);
    if (m) {
      const p = provinces.get(m[2]) ?? { receivable: 0n, payable: 0n };
      // an asset's balance is what it holds; a liability holds credits (negative)
      if (m[1] === 'receivable') p.receivable = balance;
      else p.payable = -balance;
      provinces.set(m[2], p);
    }
  }
  const sum = (m: Map<string, Figure>) =>
    [...m.values()].reduce((a, b) => ({ count: a.count + b.count, amount: a.amount + b.amount }), {
      count: 0n,
      amount: 0n,
    });
  return {
    date,
    channels: [
      ...rows(loadChannels, 'channel').map((r) => ({ kind: 'load' as const, ...r })),
      ...rows(depositChannels, 'channel').map((r) => ({ kind: 'deposit' as const, ...r })),
    ],
    loads: sum(loadChannels),
    deposits: sum(depositChannels),
    revenueByOperator: rows(byOperator, 'operatorId').map((r) => ({ ...r, name: names.get(r.operatorId) ?? null })),
    revenueBySource: rows(bySource, 'source'),
    revenue: sum(byOperator),
    traffic: [...traffic]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => {
        const [origin, ...source] = k.split(':');
        return { origin, source: source.join(':'), ...v };
      }),
    float: {
      purse: -(balances.get('purse-float') ?? 0n),
      inFlight: -(balances.get('loads-in-flight') ?? 0n),
      carry: -(balances.get('balance-carry') ?? 0n),
      accounts,
    },
    provinces: [...provinces]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([network, p]) => ({ network, ...p, net: p.receivable - p.payable })),
  };
}

export async function todayFigures(db: Knex, date: string, now: Date) {
  const previous = addDays(date, -1);
  const seriesFrom = addDays(date, -(SERIES_DAYS - 1));
  const [loads, deposits, totals, operators, exceptions, lanes] = await Promise.all([
    loadVolumes(db, previous, date),
    depositVolumes(db, previous, date),
    operatorTotalsBetween(db, seriesFrom, date),
    listOperators(db),
    openExceptionAges(db, now),
    laneVolumes(db, previous, date),
  ]);
  const names = new Map(operators.map((o) => [o.id, o.name]));
  // the float and the provinces' accounts at the end of the day and of the day before, in one scan
  const ledger = await balancesAt(
    db,
    ['purse-float', 'loads-in-flight', 'balance-carry', 'customer-funds:', 'province-'],
    [dayEnd(date), dayEnd(previous)],
  );
  const at = (i: number) => new Map(ledger.map((b) => [b.code, b.balances[i]]));
  const dates = daysFrom(seriesFrom, date);
  const series = (keyOf: (t: OperatorTotal) => string) => {
    const m = new Map<string, bigint[]>();
    const index = new Map(dates.map((d, i) => [d, i]));
    for (const t of totals) {
      const k = keyOf(t);
      const xs = m.get(k) ?? dates.map(() => 0n);
      xs[index.get(t.date)!] += t.amount;
      m.set(k, xs);
    }
    return [...m].sort(([a], [b]) => (a < b ? -1 : 1));
  };
  return {
    date,
    days: [
      dayFigures(date, loads, deposits, totals, names, lanes, at(0)),
      dayFigures(previous, loads, deposits, totals, names, lanes, at(1)),
    ],
    exceptions,
    series: {
      dates,
      operators: series((t) => t.operatorId).map(([operatorId, amounts]) => ({
        operatorId,
        name: names.get(operatorId) ?? null,
        amounts,
      })),
      sources: series((t) => t.source).map(([source, amounts]) => ({ source, amounts })),
    },
  };
}
