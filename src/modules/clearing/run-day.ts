// The daily clearing run of one day: the steps of steps.ts in order, each done once in its own
// transaction together with its record in clearing_day_steps, under the day's row lock. Re-running
// a day skips every step already done and changes nothing; a run that failed half-way resumes at
// the step that failed. A step whose gate is not open (the interchange documents of the day are
// not all in) stops the run there: the day is pending, and a later run — the resume schedule, or
// the arrival of the missing document — carries on.
import { localDate } from '../../platform/clock/clock.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/http/errors.ts';
import { raiseExceptions } from '../finance/index.ts';
import type { Knex } from 'knex';
import { STEP_WORK, STEPS, type RunContext, type Step } from './steps.ts';

export { STEPS, type Step, type RunContext } from './steps.ts';
export { operatorPayableCode } from '../ledger/index.ts';

const text = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

async function isDone(db: Knex, date: string, step: Step): Promise<boolean> {
  return !!(await db('clearing_day_steps').where({ clearing_date: date, step }).first('step'));
}

async function runStep(r: RunContext, date: string, step: Step, gateData: unknown): Promise<boolean> {
  const def = STEP_WORK[step];
  const did = await inTransaction(r.app.db, async (trx) => {
    await trx('clearing_days').insert({ clearing_date: date, opened_at: r.now }).onConflict('clearing_date').ignore();
    // FOR UPDATE waits for the batches still writing into the day (they hold it FOR SHARE)
    await trx('clearing_days').where({ clearing_date: date }).forUpdate().first();
    if (await isDone(trx, date, step)) return false;
    const detail = await def.work(trx, date, r, gateData);
    await trx('clearing_day_steps').insert({
      clearing_date: date,
      step,
      done_at: r.now,
      actor: r.actor,
      detail: JSON.stringify(detail, text),
    });
    return true;
  });
  if (did && def.after) await def.after(r, date);
  return did;
}

// A day still waiting a day after it was sealed needs a person (a peer down, a package lost): one
// exception per day and step; the run goes on waiting and carries on when the documents come.
const WAIT_BEFORE_EXCEPTION_MS = 24 * 3_600_000;
async function raiseIfWaitingLong(r: RunContext, date: string, step: Step, reasons: string[]): Promise<void> {
  const day = await r.app.db('clearing_days').where({ clearing_date: date }).first('sealed_at');
  if (!day?.sealed_at || r.now.getTime() - new Date(day.sealed_at).getTime() < WAIT_BEFORE_EXCEPTION_MS) return;
  await raiseExceptions(r.app.db, r.now, [
    { kind: 'clearing-day-waiting', reference: `${date}:${step}`, source: 'clearing', detail: { date, step, reasons } },
  ]);
}

export type RunOutcome = { done: Step[]; pending: { step: Step; reasons: string[] } | null };

/** Runs every step not yet done for the day, until one must wait. A day is cleared only once it is
 *  over (before today on the centre's calendar). */
export async function clearDay(r: RunContext, date: string): Promise<RunOutcome> {
  if (date >= localDate(r.now))
    throw new AppError(
      'clearing-day-not-over',
      `clearing day ${date} is not over yet; only days before today can be cleared`,
    );
  const done: Step[] = [];
  for (const step of STEPS) {
    if (await isDone(r.app.db, date, step)) continue;
    const gate = STEP_WORK[step].gate ? await STEP_WORK[step].gate!(r, date) : { pending: [] };
    if (gate.pending.length) {
      for (const why of gate.pending) r.progress?.(`  waiting at ${step}: ${why}`);
      await raiseIfWaitingLong(r, date, step, gate.pending);
      return { done, pending: { step, reasons: gate.pending } };
    }
    if (await runStep(r, date, step, gate.data)) {
      done.push(step);
      r.progress?.(`  ${step} done`);
    }
  }
  return { done, pending: null };
}

/** Days sealed but not through every step: the resume schedule runs them again. */
export async function unfinishedDays(db: Knex): Promise<string[]> {
  return db('clearing_days as d')
    .where('d.state', 'sealed')
    .whereNotExists((q) =>
      q
        .from('clearing_day_steps as s')
        .whereRaw('s.clearing_date = d.clearing_date')
        .where('s.step', STEPS[STEPS.length - 1]),
    )
    .orderBy('d.clearing_date')
    .pluck('d.clearing_date');
}

export type DaySummary = {
  date: string;
  state: 'open' | 'sealed' | 'unknown';
  sealedAt: Date | null;
  steps: Array<{ step: string; doneAt: Date; actor: string; detail: Record<string, unknown> }>;
  operators: Array<{ operatorId: string; source: string; transactions: bigint; amount: bigint }>;
};

export async function daySummary(db: Knex, date: string): Promise<DaySummary> {
  const day = await db('clearing_days').where({ clearing_date: date }).first();
  const steps = await db('clearing_day_steps').where({ clearing_date: date }).orderBy('done_at').orderBy('step');
  const totals = await db('clearing_operator_totals').where({ clearing_date: date }).orderBy(['source', 'operator_id']);
  return {
    date,
    state: day?.state ?? 'unknown',
    sealedAt: day?.sealed_at ?? null,
    steps: STEPS.flatMap((name) => steps.filter((s: { step: string }) => s.step === name)).map(
      (s: Record<string, any>) => ({ step: s.step, doneAt: s.done_at, actor: s.actor, detail: s.detail }),
    ),
    operators: totals.map((t: Record<string, any>) => ({
      operatorId: t.operator_id,
      source: t.source,
      transactions: BigInt(t.transactions),
      amount: BigInt(t.amount),
    })),
  };
}
