// Background work of the issuance module: releasing reissue balance carries when due.
import type { AppContext } from '../../platform/http/context.ts';
import { hourSlot, type Schedule } from '../../platform/queue/schedules.ts';
import { releaseDueCarries } from './balance-carry.ts';

export const RELEASE_CARRIES = 'issuance.release-carries';

export function registerIssuanceJobs(app: AppContext): Schedule[] {
  app.queue.process(RELEASE_CARRIES, async () => {
    const n = await releaseDueCarries(app.db, app.clock);
    if (n) app.log.info({ released: n }, 'balance carries released');
  });
  return [{ name: RELEASE_CARRIES, cron: '7 * * * *', slot: hourSlot }];
}
