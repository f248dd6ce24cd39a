// The delivery job runs every minute (one job id per minute however many processes fire it).
import type { AppContext } from '../../platform/http/context.ts';
import { minuteSlot, type Schedule } from '../../platform/queue/schedules.ts';
import { deliverNotifications } from './delivery.ts';

export const DELIVER_NOTIFICATIONS = 'notifications.deliver';

export function registerNotificationJobs(app: AppContext): Schedule[] {
  app.queue.process(DELIVER_NOTIFICATIONS, async () => {
    const r = await deliverNotifications(app);
    if (r.sent || r.undeliverable || r.failed) app.log.info(r, 'notifications delivered');
  });
  return [{ name: DELIVER_NOTIFICATIONS, cron: '* * * * *', slot: minuteSlot }];
}
