// The daily clearing: node-cron enqueues one job per clearing day (job id = the day), so however
// many processes fire the schedule the day runs once; the run itself is idempotent besides. A day
// left waiting for interchange documents is run again by the resume schedule (every 10 minutes),
// and at once when a confirmation or resolution for it arrives (runDayLater).
import { localDate } from '../../platform/clock/clock.ts';
import type { AppContext } from '../../platform/http/context.ts';
import { intervalSlot, type Schedule } from '../../platform/queue/schedules.ts';
import { openDaysBefore, previousDate } from './days.ts';
import { clearDay, unfinishedDays } from './run-day.ts';

export const CLEAR_DAY = 'clearing.clear-day';
export const RESUME_DAYS = 'clearing.resume-days';
export const SYSTEM_ACTOR = 'system:clearing';

const yesterday = (at: Date) => previousDate(localDate(at));
const tenMinuteSlot = intervalSlot(600);

// Who hears that a day's run finished (every step done): the invariant watch, wired in modules/jobs.ts.
type DayClearedListener = (app: AppContext, date: string) => Promise<void>;
const dayClearedListeners: DayClearedListener[] = [];
export function onDayCleared(listener: DayClearedListener): void {
  if (!dayClearedListeners.includes(listener)) dayClearedListeners.push(listener);
}

/** Queues a run of a day that is over (a no-op for a day not over yet: its own job will come). */
export async function runDayLater(app: AppContext, date: string, reason: string): Promise<void> {
  if (date >= localDate(app.clock.now())) return;
  await app.queue.add(CLEAR_DAY, { date }, { jobId: `${CLEAR_DAY}:${date}:${reason}` });
}

export function registerClearingJobs(app: AppContext): Schedule[] {
  app.queue.process(CLEAR_DAY, async (data) => {
    const date = String(data.date);
    const { done, pending } = await clearDay({ app, now: app.clock.now(), actor: SYSTEM_ACTOR }, date);
    app.log.info(
      { date, done, pending },
      pending ? 'clearing day waiting' : done.length ? 'clearing day run' : 'clearing day already done',
    );
    if (!pending && done.length) for (const l of dayClearedListeners) await l(app, date);
    // an earlier day left open (the service was down when its job was due) gets its own job
    for (const missed of await openDaysBefore(app.db, date))
      await app.queue.add(CLEAR_DAY, { date: missed }, { jobId: `${CLEAR_DAY}:${missed}` });
  });
  app.queue.process(RESUME_DAYS, async () => {
    const slot = tenMinuteSlot(app.clock.now());
    for (const date of await unfinishedDays(app.db))
      await app.queue.add(CLEAR_DAY, { date }, { jobId: `${CLEAR_DAY}:${date}:resume:${slot}` });
  });
  return [
    { name: CLEAR_DAY, cron: app.config.lanes.clearingCron, slot: yesterday, data: (at) => ({ date: yesterday(at) }) },
    { name: RESUME_DAYS, cron: '*/10 * * * *', slot: tenMinuteSlot },
  ];
}
