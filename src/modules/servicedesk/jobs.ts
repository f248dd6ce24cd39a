// The service desk's queue jobs: the escalation sweep every minute, and the recomputation of every
// open ticket's clocks after a calendar change (queued by the change, once per change).
import type { Knex } from 'knex';
import type { AppContext } from '../../platform/http/context.ts';
import { minuteSlot, type Schedule } from '../../platform/queue/schedules.ts';
import { lastCalendarChange, markRecomputed, RECOMPUTE_CLOCKS } from './calendar.ts';
import { recomputeOpenClocks } from './clocks.ts';
import { sweepEscalations } from './escalation.ts';

export const SWEEP_ESCALATIONS = 'servicedesk.sweep-escalations';

/** The queued recomputation: every open ticket's clocks, then the changes it took into account are
 *  marked done (those committed before it read the calendar). */
export async function recomputeAfterCalendarChange(db: Knex, now: Date): Promise<{ tickets: number }> {
  const last = await lastCalendarChange(db);
  const r = await recomputeOpenClocks(db, now);
  await markRecomputed(db, last, now);
  return r;
}

export function registerServicedeskJobs(app: AppContext): Schedule[] {
  app.queue.process(SWEEP_ESCALATIONS, async () => {
    const r = await sweepEscalations(app.db, app.clock.now());
    if (r.escalated) app.log.info(r, 'tickets escalated');
  });
  app.queue.process(RECOMPUTE_CLOCKS, async () => {
    const r = await recomputeAfterCalendarChange(app.db, app.clock.now());
    app.log.info(r, 'ticket clocks recomputed after a calendar change');
  });
  return [{ name: SWEEP_ESCALATIONS, cron: '* * * * *', slot: minuteSlot }];
}
