// The work of each step of a clearing day, each run in its own transaction under the day's row lock
// (run-day.ts). The interchange steps wait — a gate, checked before the step's transaction — until
// the day's documents are complete: every package we sent confirmed, and every peer's packages and
// resolutions for the day received (each peer says how many it sent).
import type { Knex } from 'knex';
import type { AppContext } from '../../platform/http/context.ts';
import {
  ensureAccounts,
  operatorPayableCode,
  postEntry,
  provinceReceivableCode,
  type Posting,
  operatorPayableAccount,
  provinceReceivableAccount,
} from '../ledger/index.ts';
import { ownCardDayTotals } from '../lanes/index.ts';
import {
  allPackagesConfirmed,
  buildPackages,
  enqueuePackageDeliveries,
  interchangeReadiness,
  interchangeSplitSource,
  mirrorReadiness,
  postIssuerDisputePayments,
  raiseMirrorMismatches,
  writeSettlements,
  type MirrorComparison,
} from '../interchange/index.ts';
import { operatorTotals, splitInto, splitOwnCardDay } from './intra-split.ts';
import { writePayouts } from './payouts.ts';

export const STEPS = [
  'seal',
  'own-card-split',
  'operator-payables',
  'packages',
  'dispute-payments',
  'interchange-split',
  'settlement',
  'payouts',
  'mirror-check',
] as const;
export type Step = (typeof STEPS)[number];

export type RunContext = { app: AppContext; now: Date; actor: string; progress?: (line: string) => void };
export type StepResult = Record<string, unknown>;
export type Gate = { pending: string[]; data?: unknown };

type StepDef = {
  gate?: (r: RunContext, date: string) => Promise<Gate>;
  work: (trx: Knex.Transaction, date: string, r: RunContext, gateData: unknown) => Promise<StepResult>;
  after?: (r: RunContext, date: string) => Promise<void>;
};

async function payOperators(
  trx: Knex.Transaction,
  date: string,
  r: RunContext,
  kind: string,
  debits: Posting[],
  operators: Array<{ operatorId: string; amount: bigint }>,
  memo: string,
): Promise<unknown> {
  await ensureAccounts(
    trx,
    operators.map((o) => operatorPayableAccount(o.operatorId)),
  );
  return postEntry(trx, {
    kind,
    reference: date,
    memo,
    actor: r.actor,
    postings: [
      ...debits,
      ...operators
        .filter((o) => o.amount > 0n)
        .map((o) => ({ account: operatorPayableCode(o.operatorId), amount: -o.amount })),
    ],
  });
}

export const STEP_WORK: Record<Step, StepDef> = {
  seal: {
    work: async (trx, date, r) => {
      await trx('clearing_days')
        .where({ clearing_date: date })
        .update({ state: 'sealed', sealed_at: r.now, sealed_by: r.actor });
      return ownCardDayTotals(trx, date);
    },
  },
  'own-card-split': {
    work: async (trx, date) => {
      // the day's partition is made by the split itself (loaded, then indexed: day-partition.ts)
      const split = await splitOwnCardDay(trx, date);
      const expected = await ownCardDayTotals(trx, date);
      // the largest-remainder split adds up by construction; a difference means rows were missed
      if (split.amount !== expected.amount || split.parts !== expected.parts) {
        throw new Error(
          `clearing ${date}: ${split.parts} parts of ${split.amount} ≠ ${expected.parts} parts of ${expected.transactions} transactions of ${expected.amount}`,
        );
      }
      return { transactions: expected.transactions, parts: split.parts, amount: split.amount };
    },
  },
  'operator-payables': {
    work: async (trx, date, r) => {
      const { amount, operators } = await operatorTotals(trx, date, 'own-card');
      if (amount === 0n) return { amount, entry: null };
      const entry = await payOperators(
        trx,
        date,
        r,
        'operator-payables',
        [{ account: 'toll-revenue-clearing', amount }],
        operators,
        `clearing day ${date}: own-card tolls split to ${operators.length} operators`,
      );
      return { amount, entry };
    },
  },
  packages: {
    work: async (trx, date, r) => buildPackages(trx, date, r.app.config.network, r.now),
    after: async (r, date) => enqueuePackageDeliveries(r.app, date),
  },
  'dispute-payments': { work: async (trx, date, r) => postIssuerDisputePayments(trx, date, r.actor) },
  'interchange-split': {
    gate: async (r, date) => ({ pending: await interchangeReadiness(r.app, date) }),
    work: async (trx, date, r) => {
      await trx.raw('select ensure_daily_partitions(?::regclass, ?::date, 1)', ['clearing_splits', date]);
      // the gate saw every package confirmed; the split's source counts on it, so it is asserted here
      if (!(await allPackagesConfirmed(trx, date)))
        throw new Error(`clearing ${date}: a package not refused has no confirmation`);
      await splitInto(trx, date, interchangeSplitSource(date));
      // the day's province money by province and by operator, from the totals just written
      const { rows } = await trx.raw(
        `select source, operator_id, sum(amount)::bigint as amount from clearing_operator_totals where clearing_date = ?::date and source like 'province:%' group by rollup (source, operator_id)`,
        [date],
      );
      const byProvince = rows.filter((x: Record<string, any>) => x.source !== null && x.operator_id === null);
      const byOperator = new Map<string, bigint>();
      for (const x of rows.filter((y: Record<string, any>) => y.operator_id !== null))
        byOperator.set(x.operator_id, (byOperator.get(x.operator_id) ?? 0n) + BigInt(x.amount));
      const amount = byProvince.reduce((a: bigint, x: Record<string, any>) => a + BigInt(x.amount), 0n);
      if (amount === 0n) return { amount, entry: null };
      const receivables = byProvince.map((x: Record<string, any>) => ({
        network: String(x.source).slice('province:'.length),
        amount: BigInt(x.amount),
      }));
      await ensureAccounts(
        trx,
        receivables.map((x: { network: string }) => provinceReceivableAccount(x.network)),
      );
      const entry = await payOperators(
        trx,
        date,
        r,
        'interchange-receivable',
        receivables.map((x: { network: string; amount: bigint }) => ({
          account: provinceReceivableCode(x.network),
          amount: x.amount,
        })),
        [...byOperator].sort(([a], [b]) => (a < b ? -1 : 1)).map(([operatorId, amount]) => ({ operatorId, amount })),
        `clearing day ${date}: other provinces' confirmed tolls split to operators`,
      );
      return { amount, provinces: receivables.length, entry };
    },
  },
  settlement: {
    work: async (trx, date, r) => {
      const positions = await writeSettlements(trx, date, r.now);
      return { provinces: positions.length, net: positions.reduce((a, p) => a + p.net, 0n) };
    },
  },
  payouts: { work: async (trx, date, r) => writePayouts(trx, date, r.now) },
  'mirror-check': {
    gate: async (r, date) => mirrorReadiness(r.app, date),
    work: async (trx, date, r, data) => raiseMirrorMismatches(trx, date, r.now, data as MirrorComparison[]),
  },
};
