// The reports a provincial centre sends upward, each a table of typed columns over a range of local
// days: the same rows on screen (JSON) and in the files (CSV, XLSX). Figures come from the owning
// modules' read functions, summed here; amounts are integer fen.
import type { Knex } from 'knex';
import { issuedPerDay, mediaCounts } from '../issuance/index.ts';
import { loadVolumes } from '../topup/index.ts';
import { laneVolumes, listOperators } from '../lanes/index.ts';
import { listVersionsPerDay } from '../statuslist/index.ts';
import { operatorTotalsBetween } from '../clearing/index.ts';
import { customerCounts } from '../customers/index.ts';
import { listSettlements } from '../settlement/index.ts';
import { dayEnd, daysFrom } from './days.ts';

// a level (a list's size, a version) is a figure at a moment: shown, never summed
export type ColumnKind = 'text' | 'count' | 'money' | 'level';
export type Column = { key: string; kind: ColumnKind };
export type Cell = string | bigint | null;
export type Row = Record<string, Cell>;
type ReportDef = { columns: Column[]; rows: (db: Knex, from: string, to: string) => Promise<Row[]> };

const text = (key: string): Column => ({ key, kind: 'text' });
const count = (key: string): Column => ({ key, kind: 'count' });
const money = (key: string): Column => ({ key, kind: 'money' });
const level = (key: string): Column => ({ key, kind: 'level' });

export type ReportName =
  'daily-operations' | 'monthly-revenue' | 'province-settlements' | 'customers-cards' | 'bank-channel';

export const REPORTS: Record<ReportName, ReportDef> = {
  // per day: cards and OBUs issued, confirmed loads, accepted lane transactions (ours and our cards'
  // trips elsewhere), refused ones, the status list's versions and size at the day's end
  'daily-operations': {
    columns: [
      text('date'),
      count('cardsIssued'),
      count('obusIssued'),
      count('loads'),
      money('loadAmount'),
      count('laneTransactions'),
      money('laneAmount'),
      count('laneRejected'),
      count('listVersions'),
      level('listLastVersion'),
      level('listSize'),
    ],
    rows: async (db, from, to) => {
      const [issued, loads, lanes, list] = await Promise.all([
        issuedPerDay(db, from, to),
        loadVolumes(db, from, to),
        laneVolumes(db, from, to),
        listVersionsPerDay(db, from, to),
      ]);
      return daysFrom(from, to).map((date) => {
        const i = issued.find((x) => x.date === date);
        const l = list.find((x) => x.date === date);
        const confirmed = loads.filter((x) => x.date === date && x.status === 'confirmed');
        const accepted = lanes.filter((x) => x.date === date && x.disposition === 'accepted');
        return {
          date,
          cardsIssued: i?.cards ?? 0n,
          obusIssued: i?.obus ?? 0n,
          loads: confirmed.reduce((a, x) => a + x.loads, 0n),
          loadAmount: confirmed.reduce((a, x) => a + x.amount, 0n),
          laneTransactions: accepted.reduce((a, x) => a + x.transactions, 0n),
          laneAmount: accepted.reduce((a, x) => a + x.amount, 0n),
          laneRejected: lanes
            .filter((x) => x.date === date && x.disposition === 'rejected')
            .reduce((a, x) => a + x.transactions, 0n),
          listVersions: BigInt(l?.versions ?? 0),
          // a day without a version has no size of its own: the list stands as the last version left it
          listLastVersion: l ? BigInt(l.lastVersion) : null,
          listSize: l ? l.total : null,
        };
      });
    },
  },
  // per month, operator and source: what the clearing split to the operator (own cards, each province)
  'monthly-revenue': {
    columns: [
      text('month'),
      text('operatorId'),
      text('operatorName'),
      text('source'),
      count('transactions'),
      money('amount'),
    ],
    rows: async (db, from, to) => {
      const [totals, operators] = await Promise.all([operatorTotalsBetween(db, from, to), listOperators(db)]);
      const names = new Map(operators.map((o) => [o.id, o.name]));
      const m = new Map<string, Row & { transactions: bigint; amount: bigint }>();
      for (const t of totals) {
        const month = t.date.slice(0, 7);
        const k = `${month}|${t.operatorId}|${t.source}`;
        const r = m.get(k) ?? {
          month,
          operatorId: t.operatorId,
          operatorName: names.get(t.operatorId) ?? null,
          source: t.source,
          transactions: 0n,
          amount: 0n,
        };
        r.transactions += t.transactions;
        r.amount += t.amount;
        m.set(k, r);
      }
      return [...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => r);
    },
  },
  // per month and province: the settlements of the range (their cards on our roads, ours on theirs),
  // what each owed us and we owed it, the net, and how many days are settled
  'province-settlements': {
    columns: [
      text('month'),
      text('network'),
      count('days'),
      count('settledDays'),
      count('theirCardsHere'),
      count('ourCardsThere'),
      money('receivable'),
      money('payable'),
      money('net'),
    ],
    rows: async (db, from, to) => {
      const m = new Map<
        string,
        Row &
          Record<'days' | 'settledDays' | 'theirCardsHere' | 'ourCardsThere' | 'receivable' | 'payable' | 'net', bigint>
      >();
      for (const x of (await listSettlements(db, { from, to })).settlements) {
        const month = x.clearingDate.slice(0, 7);
        const k = `${month}|${x.network}`;
        const r = m.get(k) ?? {
          month,
          network: x.network,
          days: 0n,
          settledDays: 0n,
          theirCardsHere: 0n,
          ourCardsThere: 0n,
          receivable: 0n,
          payable: 0n,
          net: 0n,
        };
        r.days += 1n;
        if (x.state === 'settled') r.settledDays += 1n;
        r.theirCardsHere += x.confirmedCount;
        r.ourCardsThere += x.acceptedCount;
        r.receivable += x.receivable;
        r.payable += x.payable;
        r.net += x.net;
        m.set(k, r);
      }
      return [...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => r);
    },
  },
  // at the end of the range: active customers by kind and tier with their open accounts; cards by
  // type and OBUs, by their holder's tier, issued and in service
  'customers-cards': {
    columns: [
      text('group'),
      text('type'),
      text('tier'),
      count('count'),
      count('inService'),
      count('prepaidAccounts'),
      count('debitAccounts'),
    ],
    rows: async (db, _from, to) => {
      const until = dayEnd(to);
      const [customers, media] = await Promise.all([customerCounts(db, until), mediaCounts(db, until)]);
      return [
        ...customers.map((c) => ({
          group: 'customers',
          type: c.kind,
          tier: c.tier,
          count: c.customers,
          inService: c.customers,
          prepaidAccounts: c.prepaidAccounts,
          debitAccounts: c.debitAccounts,
        })),
        ...media.map((x) => ({
          group: x.medium === 'card' ? 'cards' : 'obus',
          type: x.medium === 'obu' ? 'obu' : x.type === '22' ? 'stored-value' : 'debit',
          tier: x.tier,
          count: x.total,
          inService: x.inService,
          prepaidAccounts: null,
          debitAccounts: null,
        })),
      ];
    },
  },
  // per day and bank: loads at the bank's branches and online banking, confirmed and reversed
  'bank-channel': {
    columns: [
      text('date'),
      text('bank'),
      count('loads'),
      money('amount'),
      count('reversed'),
      money('reversedAmount'),
      count('inFlight'),
    ],
    rows: async (db, from, to) => {
      const m = new Map<
        string,
        Row & Record<'loads' | 'amount' | 'reversed' | 'reversedAmount' | 'inFlight', bigint>
      >();
      for (const l of await loadVolumes(db, from, to)) {
        if (l.channel !== 'bank' || l.method === 'reauthorisation') continue;
        const k = `${l.date}|${l.clientId}`;
        const r = m.get(k) ?? {
          date: l.date,
          bank: l.clientId,
          loads: 0n,
          amount: 0n,
          reversed: 0n,
          reversedAmount: 0n,
          inFlight: 0n,
        };
        if (l.status === 'confirmed') {
          r.loads += l.loads;
          r.amount += l.amount;
        } else if (l.status === 'reversed') {
          r.reversed += l.loads;
          r.reversedAmount += l.amount;
        } else r.inFlight += l.loads;
        m.set(k, r);
      }
      return [...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => r);
    },
  },
};

export const REPORT_NAMES = Object.keys(REPORTS) as ReportName[];
export const isReport = (name: string): name is ReportName => Object.hasOwn(REPORTS, name);

/** Σ of each count and money column (text and level columns have none). */
export function totalsOf(columns: Column[], rows: Row[]): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const c of columns)
    if (c.kind === 'count' || c.kind === 'money')
      out[c.key] = rows.reduce((a, r) => a + (typeof r[c.key] === 'bigint' ? (r[c.key] as bigint) : 0n), 0n);
  return out;
}
