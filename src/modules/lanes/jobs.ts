// Background work of the lanes module: day partitions made ahead of the traffic, overdrawn accounts
// re-checked so that those covered again leave the status list, and what an upload left undone when
// its process died (purses, overdraft judgements) finished.
import { localDate } from '../../platform/clock/clock.ts';
import type { AppContext } from '../../platform/http/context.ts';
import { hourSlot, minuteSlot, type Schedule } from '../../platform/queue/schedules.ts';
import { reviewOverdrafts } from './overdraft.ts';
import { finishAbandonedUploads } from './upload-completion.ts';
import { preparePartitions } from './partitions.ts';

export const PREPARE_PARTITIONS = 'lanes.prepare-partitions';
export const REVIEW_OVERDRAFTS = 'lanes.review-overdrafts';
const DAYS_AHEAD = 7;

export function registerLaneJobs(app: AppContext): Schedule[] {
  app.queue.process(PREPARE_PARTITIONS, async () => {
    const made = await preparePartitions(app.db, localDate(app.clock.now()), DAYS_AHEAD);
    if (made) app.log.info({ made }, 'lane transaction partitions made');
  });
  app.queue.process(REVIEW_OVERDRAFTS, async () => {
    const left = await finishAbandonedUploads(app.db, app.clock.now());
    if (left.moved || left.raised) app.log.info(left, 'finished what uploads abandoned by a dying process left');
    const cleared = await reviewOverdrafts(app.db, app.clock.now());
    if (cleared) app.log.info({ cleared }, 'overdrawn accounts covered again');
  });
  return [
    { name: PREPARE_PARTITIONS, cron: '5 * * * *', slot: hourSlot },
    { name: REVIEW_OVERDRAFTS, cron: '*/5 * * * *', slot: minuteSlot },
  ];
}
