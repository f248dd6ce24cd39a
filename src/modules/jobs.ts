// Registers every module's queue processors and returns their schedules.
import type { AppContext } from '../platform/http/context.ts';
import { hourSlot, type Schedule } from '../platform/queue/schedules.ts';
import { purgeIdempotencyKeys } from '../platform/http/idempotency.ts';
import { registerIssuanceJobs } from './issuance/index.ts';
import { registerTopupJobs } from './topup/index.ts';
import { registerStatuslistJobs } from './statuslist/index.ts';
import { registerLaneJobs } from './lanes/index.ts';
import { onDayCleared, registerClearingJobs, runDayLater } from './clearing/index.ts';
import { checkAfterClearingDay, registerInvariantWatchJobs } from './health/index.ts';
import { onClearingDayAffected, registerInterchangeJobs } from './interchange/index.ts';
import { registerNotificationJobs } from './notifications/index.ts';
import { registerCorporateJobs } from './corporate/index.ts';
import { registerBankStatementSources } from './banks/index.ts';
import { registerCreditJobs } from './credit/index.ts';
import { registerServicedeskJobs } from './servicedesk/index.ts';

const PURGE_IDEMPOTENCY_KEYS = 'platform.purge-idempotency-keys';

// A confirmation or resolution for a day that is over runs the day again at once (rather than at the
// next resume tick). Wired here, not in interchange, because clearing calls interchange. At load, so
// the command line's `interchange import` queues the runs too.
onClearingDayAffected(runDayLater);
// each cleared day is followed by a check of the invariants (clearing does not know the watch)
onDayCleared(checkAfterClearingDay);

export function registerJobs(app: AppContext): Schedule[] {
  app.queue.process(PURGE_IDEMPOTENCY_KEYS, async () => {
    const n = await purgeIdempotencyKeys(app.db, app.clock.now());
    if (n) app.log.info({ removed: n }, 'old idempotency keys removed');
  });
  // the banks configured in ETC_BANK_STATEMENT_BANKS feed corporate's daily statement fetch
  registerBankStatementSources(app);
  return [
    { name: PURGE_IDEMPOTENCY_KEYS, cron: '17 3 * * *', slot: hourSlot },
    ...registerIssuanceJobs(app),
    ...registerTopupJobs(app),
    ...registerStatuslistJobs(app),
    ...registerLaneJobs(app),
    ...registerClearingJobs(app),
    ...registerInterchangeJobs(app),
    ...registerInvariantWatchJobs(app),
    ...registerNotificationJobs(app),
    ...registerCorporateJobs(app),
    ...registerCreditJobs(app),
    ...registerServicedeskJobs(app),
  ];
}
