// Schedules: the bill run on the 1st of each month (bills the previous month), the daily sweep
// (reminders, then arrears). Job ids are the month or the day; each step is idempotent against a
// constraint (one bill per account and period, one reminder per bill and bucket, one arrears state
// per account), so a rerun or a second process changes nothing.
import type { AppContext } from '../../platform/http/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import type { Schedule } from '../../platform/queue/schedules.ts';
import { previousMonth, runBills } from './bills.ts';
import { queueReminders } from './ageing.ts';
import { sweepArrears } from './arrears.ts';

export const BILL_RUN = 'credit.bill-run';
export const DAILY_SWEEP = 'credit.daily-sweep';

export async function billRun(app: Pick<AppContext, 'db' | 'clock'>): Promise<number> {
  const at = app.clock.now();
  return inTransaction(app.db, (trx) => runBills(trx, previousMonth(at), at));
}

export async function dailySweep(app: Pick<AppContext, 'db' | 'clock'>) {
  const at = app.clock.now();
  const reminders = await queueReminders(app.db, at);
  const arrears = await sweepArrears(app.db, at);
  return { reminders, ...arrears };
}

export function registerCreditJobs(app: AppContext): Schedule[] {
  app.queue.process(BILL_RUN, async () => {
    const bills = await billRun(app);
    if (bills) app.log.info({ bills }, 'debit-account bills issued');
  });
  app.queue.process(DAILY_SWEEP, async () => {
    const r = await dailySweep(app);
    if (r.reminders || r.entered || r.left) app.log.info(r, 'credit sweep');
  });
  return [
    { name: BILL_RUN, cron: '10 1 1 * *', slot: (at) => at.toISOString().slice(0, 7) },
    { name: DAILY_SWEEP, cron: '40 1 * * *', slot: (at) => at.toISOString().slice(0, 10) },
  ];
}
