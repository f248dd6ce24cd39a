// Delivery jobs: one per document (job id = kind and id, so it is queued once), retried with the
// queue's back-off; the redelivery schedule picks up whatever is still pending every 10 minutes.
import type { AppContext } from '../../platform/http/context.ts';
import type { Schedule } from '../../platform/queue/schedules.ts';
import { deliver, deliverPending, DELIVER, type DocumentKind } from './delivery.ts';

export const REDELIVER = 'interchange.redeliver';
const tenMinuteSlot = (at: Date) => String(Math.floor(at.getTime() / 600_000));

export function registerInterchangeJobs(app: AppContext): Schedule[] {
  app.queue.process(DELIVER, async (data) => {
    await deliver(app, String(data.kind) as DocumentKind, BigInt(String(data.id)));
  });
  app.queue.process(REDELIVER, async () => {
    const r = await deliverPending(app);
    if (r.delivered || r.failed) app.log.info(r, 'interchange documents redelivered');
  });
  return [{ name: REDELIVER, cron: '*/10 * * * *', slot: tenMinuteSlot }];
}
