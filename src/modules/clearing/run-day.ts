// The daily clearing run of one day: a list of steps, each done once in its own transaction
// together with its record in clearing_day_steps, under the day's row lock. Re-running a day skips
// every step already done and changes nothing; a run that failed half-way resumes at the step that
// failed. Steps now: seal (close the day to new transactions), own-card-split (operators' shares),
// operator-payables (one journal entry). The interchange issue adds its steps to the list.
import type { Knex } from 'knex';
import { localDate } from '../../platform/clock/clock.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/http/errors.ts';
import { ensureAccounts, postEntry } from '../ledger/index.ts';
import { ownCardDayTotals } from '../lanes/index.ts';
import { operatorTotals, splitOwnCardDay } from './intra-split.ts';

export const STEPS = ['seal', 'own-card-split', 'operator-payables'] as const;
export type Step = (typeof STEPS)[number];
export const operatorPayableCode = (operatorId: string) => `operator-payable:${operatorId}`;

export type RunContext = { db: Knex; now: Date; actor: string };

type StepResult = Record<string, unknown>;

const text = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

const stepWork: Record<Step, (trx: Knex.Transaction, date: string, r: RunContext) => Promise<StepResult>> = {
  seal: async (trx, date, r) => {
    await trx('clearing_days').where({ clearing_date: date }).update({ state: 'sealed', sealed_at: r.now, sealed_by: r.actor });
    return ownCardDayTotals(trx, date);
  },
  'own-card-split': async (trx, date, r) => {
    await trx.raw('select ensure_daily_partitions(?::regclass, ?::date, 1)', ['clearing_splits', date]);
    const split = await splitOwnCardDay(trx, date);
    const expected = await ownCardDayTotals(trx, date);
    // the largest-remainder split adds up by construction; a difference means rows were missed
    if (split.amount !== expected.amount || split.transactions !== expected.transactions) {
      throw new Error(`clearing ${date}: splits ${split.transactions}/${split.amount} ≠ transactions ${expected.transactions}/${expected.amount}`);
    }
    return { transactions: split.transactions, amount: split.amount, operators: split.operators.length };
  },
  'operator-payables': async (trx, date, r) => {
    const { amount, operators } = await operatorTotals(trx, date, 'own-card');
    if (amount === 0n) return { amount, entry: null };
    await ensureAccounts(trx, operators.map((o) => ({ code: operatorPayableCode(o.operatorId), name: `Payable to road operator ${o.operatorId}`, kind: 'liability' as const })));
    const entry = await postEntry(trx, {
      kind: 'operator-payables', reference: date, memo: `clearing day ${date}: own-card tolls split to ${operators.length} operators`, actor: r.actor,
      postings: [{ account: 'toll-revenue-clearing', amount }, ...operators.filter((o) => o.amount > 0n).map((o) => ({ account: operatorPayableCode(o.operatorId), amount: -o.amount }))],
    });
    return { amount, entry };
  },
};

async function runStep(r: RunContext, date: string, step: Step): Promise<boolean> {
  return inTransaction(r.db, async (trx) => {
    await trx('clearing_days').insert({ clearing_date: date, opened_at: r.now }).onConflict('clearing_date').ignore();
    // FOR UPDATE waits for the batches still writing into the day (they hold it FOR SHARE)
    await trx('clearing_days').where({ clearing_date: date }).forUpdate().first();
    if (await trx('clearing_day_steps').where({ clearing_date: date, step }).first()) return false;
    const detail = await stepWork[step](trx, date, r);
    await trx('clearing_day_steps').insert({ clearing_date: date, step, done_at: r.now, actor: r.actor, detail: JSON.stringify(detail, text) });
    return true;
  });
}

/** Runs every step not yet done for the day; returns the steps this call did. A day is cleared only
 *  once it is over (before today on the centre's calendar). */
export async function clearDay(r: RunContext, date: string): Promise<Step[]> {
  if (date >= localDate(r.now)) throw new AppError('clearing-day-not-over', `clearing day ${date} is not over yet; only days before today can be cleared`);
  const done: Step[] = [];
  for (const step of STEPS) if (await runStep(r, date, step)) done.push(step);
  return done;
}

export type DaySummary = {
  date: string; state: 'open' | 'sealed' | 'unknown'; sealedAt: Date | null;
  steps: Array<{ step: string; doneAt: Date; actor: string; detail: Record<string, unknown> }>;
  operators: Array<{ operatorId: string; source: string; transactions: bigint; amount: bigint }>;
};

export async function daySummary(db: Knex, date: string): Promise<DaySummary> {
  const day = await db('clearing_days').where({ clearing_date: date }).first();
  const steps = await db('clearing_day_steps').where({ clearing_date: date }).orderBy('done_at').orderBy('step');
  const totals = await db('clearing_operator_totals').where({ clearing_date: date }).orderBy(['source', 'operator_id']);
  return {
    date, state: day?.state ?? 'unknown', sealedAt: day?.sealed_at ?? null,
    steps: STEPS.flatMap((name) => steps.filter((s: { step: string }) => s.step === name)).map((s: Record<string, any>) => ({ step: s.step, doneAt: s.done_at, actor: s.actor, detail: s.detail })),
    operators: totals.map((t: Record<string, any>) => ({ operatorId: t.operator_id, source: t.source, transactions: BigInt(t.transactions), amount: BigInt(t.amount) })),
  };
}
