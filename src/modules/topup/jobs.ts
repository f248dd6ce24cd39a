// Background work of the topup module: raising exceptions for loads stuck in flight.
import type { AppContext } from '../../platform/http/context.ts';
import { minuteSlot, type Schedule } from '../../platform/queue/schedules.ts';
import { sweepStuckLoads } from './stuck.ts';

export const SWEEP_STUCK_LOADS = 'topup.sweep-stuck-loads';

export function registerTopupJobs(app: AppContext): Schedule[] {
  app.queue.process(SWEEP_STUCK_LOADS, async () => {
    const n = await sweepStuckLoads(app.db, app.clock, app.config.stuckLoadMinutes);
    if (n) app.log.warn({ raised: n }, 'loads stuck in flight');
  });
  return [{ name: SWEEP_STUCK_LOADS, cron: '*/5 * * * *', slot: minuteSlot }];
}
