// Clearing data for the finance read model (reports), read only: the operator totals of a range of
// days, and the clearing days of a range with the steps each has done.
import type { Knex } from 'knex';
import { STEPS } from './steps.ts';

export type OperatorTotal = { date: string; operatorId: string; source: string; transactions: bigint; amount: bigint };

/** What the clearing split to each operator by source on the clearing days [from, to]. */
export async function operatorTotalsBetween(db: Knex, from: string, to: string): Promise<OperatorTotal[]> {
  const rows = await db('clearing_operator_totals')
    .whereBetween('clearing_date', [from, to])
    .orderBy(['clearing_date', 'operator_id', 'source'])
    .select(db.raw(`to_char(clearing_date, 'YYYY-MM-DD') as date`), 'operator_id', 'source', 'transactions', 'amount');
  return rows.map((r: Record<string, any>) => ({
    date: r.date,
    operatorId: r.operator_id,
    source: r.source,
    transactions: BigInt(r.transactions),
    amount: BigInt(r.amount),
  }));
}

export type DayProgress = {
  date: string;
  state: 'open' | 'sealed';
  sealedAt: Date | null;
  steps: Array<{ step: string; doneAt: Date; actor: string; detail: Record<string, unknown> }>;
};

/** The clearing days of [from, to] that exist, newest first, each with its steps in run order. */
export async function daysBetween(db: Knex, from: string, to: string): Promise<DayProgress[]> {
  const days = await db('clearing_days')
    .whereBetween('clearing_date', [from, to])
    .orderBy('clearing_date', 'desc')
    .select(db.raw(`to_char(clearing_date, 'YYYY-MM-DD') as date`), 'state', 'sealed_at');
  if (!days.length) return [];
  const steps = await db('clearing_day_steps')
    .whereBetween('clearing_date', [from, to])
    .select(db.raw(`to_char(clearing_date, 'YYYY-MM-DD') as date`), 'step', 'done_at', 'actor', 'detail');
  const order = new Map<string, number>(STEPS.map((s, i) => [s, i]));
  return days.map((d: Record<string, any>) => ({
    date: d.date,
    state: d.state,
    sealedAt: d.sealed_at ?? null,
    steps: steps
      .filter((s: Record<string, any>) => s.date === d.date)
      .sort((a: Record<string, any>, b: Record<string, any>) => order.get(a.step)! - order.get(b.step)!)
      .map((s: Record<string, any>) => ({ step: s.step, doneAt: s.done_at, actor: s.actor, detail: s.detail })),
  }));
}
