// Delivery jobs: one per document (job id = kind and id, so it is queued once), retried with the
// queue's back-off; the redelivery schedule picks up whatever is still pending every 10 minutes.
// Files peers left in the drop folder are read every 5 minutes.
import type { AppContext } from '../../platform/http/context.ts';
import { intervalSlot, type Schedule } from '../../platform/queue/schedules.ts';
import { deliver, deliverPending, DELIVER, type DocumentKind } from './delivery.ts';
import { importDropFolder } from './drop-folder.ts';

export const REDELIVER = 'interchange.redeliver';
export const IMPORT_DROP_FOLDER = 'interchange.import-drop-folder';
const fiveMinuteSlot = intervalSlot(300);
const tenMinuteSlot = intervalSlot(600);

export function registerInterchangeJobs(app: AppContext): Schedule[] {
  app.queue.process(DELIVER, async (data) => {
    await deliver(app, String(data.kind) as DocumentKind, BigInt(String(data.id)));
  });
  app.queue.process(REDELIVER, async () => {
    const r = await deliverPending(app);
    if (r.delivered || r.failed) app.log.info(r, 'interchange documents redelivered');
  });
  app.queue.process(IMPORT_DROP_FOLDER, async () => {
    const files = await importDropFolder(app);
    if (files.length)
      app.log.info(
        { files: files.map((f) => ({ file: f.file, network: f.network, outcome: f.outcome })) },
        'interchange files read from the drop folder',
      );
  });
  return [
    { name: REDELIVER, cron: '*/10 * * * *', slot: tenMinuteSlot },
    { name: IMPORT_DROP_FOLDER, cron: '*/5 * * * *', slot: fiveMinuteSlot },
  ];
}
