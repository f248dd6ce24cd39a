// The daily clearing: node-cron enqueues one job per clearing day (job id = the day), so however
// many processes fire the schedule the day runs once; the run itself is idempotent besides.
import { localDate } from '../../platform/clock/clock.ts';
import type { AppContext } from '../../platform/http/context.ts';
import type { Schedule } from '../../platform/queue/schedules.ts';
import { openDaysBefore, previousDate } from './days.ts';
import { clearDay } from './run-day.ts';

export const CLEAR_DAY = 'clearing.clear-day';
export const SYSTEM_ACTOR = 'system:clearing';

const yesterday = (at: Date) => previousDate(localDate(at));

export function registerClearingJobs(app: AppContext): Schedule[] {
  app.queue.process(CLEAR_DAY, async (data) => {
    const date = String(data.date);
    const done = await clearDay({ db: app.db, now: app.clock.now(), actor: SYSTEM_ACTOR }, date);
    app.log.info({ date, done }, done.length ? 'clearing day run' : 'clearing day already done');
    // an earlier day left open (the service was down when its job was due) gets its own job
    for (const missed of await openDaysBefore(app.db, date)) await app.queue.add(CLEAR_DAY, { date: missed }, { jobId: `${CLEAR_DAY}:${missed}` });
  });
  return [{ name: CLEAR_DAY, cron: app.config.lanes.clearingCron, slot: yesterday, data: (at) => ({ date: yesterday(at) }) }];
}
