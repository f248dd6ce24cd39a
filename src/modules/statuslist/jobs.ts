// Background work of the status list: the publisher's tick (rules, then seal) every
// ETC_LIST_PUBLISH_SECONDS, and the daily run that prunes old deltas and builds a full snapshot.
// node-cron only enqueues; the job id per time slot makes several processes publish once.
import type { AppContext } from '../../platform/http/context.ts';
import { intervalSlot, type Schedule } from '../../platform/queue/schedules.ts';
import { publishNow, type Published } from './publisher.ts';
import { buildSnapshot, pruneDeltas } from './snapshots.ts';

export const PUBLISH = 'statuslist.publish';
export const DAILY = 'statuslist.daily';
export const SNAPSHOT = 'statuslist.snapshot';

// A cron expression with a seconds field for an interval that divides a minute or an hour.
export function publishCron(seconds: number): string {
  if (seconds < 60) return `*/${seconds} * * * * *`;
  const minutes = seconds / 60;
  return minutes === 60 ? '0 0 * * * *' : `0 */${minutes} * * * *`;
}

export const publishSlot = intervalSlot;

// What one tick does; exported so a test can run exactly the tick.
export async function publisherTick(app: AppContext): Promise<Published | null> {
  const published = await publishNow(app.db, app, null);
  if (published)
    app.log.info(
      { version: published.version, changed: published.changed, total: published.total },
      'status list published',
    );
  return published;
}

export async function dailyRun(app: AppContext): Promise<void> {
  const pruned = await pruneDeltas(app.db, app.clock.now(), app.config.statusList.deltaRetentionDays);
  const snapshot = await buildSnapshot(app, 'system');
  app.log.info(
    { prunedThrough: pruned.prunedThrough, prunedRows: pruned.rows, snapshot: snapshot?.version ?? null },
    'status list daily run',
  );
}

export function registerStatuslistJobs(app: AppContext): Schedule[] {
  const seconds = app.config.statusList.publishIntervalSeconds;
  app.queue.process(PUBLISH, async () => {
    await publisherTick(app);
  });
  app.queue.process(DAILY, async () => dailyRun(app));
  // on demand (a supervisor): the same build, off the request
  app.queue.process(SNAPSHOT, async (data) => {
    await buildSnapshot(app, String(data.requestedBy ?? 'system'));
  });
  return [
    { name: PUBLISH, cron: publishCron(seconds), slot: publishSlot(seconds) },
    { name: DAILY, cron: '0 30 2 * * *', slot: (at) => at.toISOString().slice(0, 10) },
  ];
}
