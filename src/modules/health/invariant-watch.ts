// The ledger and module invariants on a schedule: hourly (a deterministic job id per hour, so several
// processes run it once) and after each clearing day. Each result is kept in invariant_checks, exported
// as Prometheus gauges at scrape time, and a broken invariant is raised as a finance exception (one per
// invariant and day, so an hourly re-check of the same break adds nothing).
import type { Knex } from 'knex';
import client from 'prom-client';
import { localDate } from '../../platform/clock/clock.ts';
import type { AppContext } from '../../platform/http/context.ts';
import { hourSlot, type Schedule } from '../../platform/queue/schedules.ts';
import { checkLedger, invariantNames } from '../ledger/index.ts';
import { raiseExceptions } from '../finance/index.ts';
import { inTransaction } from '../../platform/db/transaction.ts';

export const CHECK_INVARIANTS = 'invariants.check';

export type InvariantWatchResult = { checkedAt: Date; broken: Array<{ name: string; details: string[] }> };

// A broken invariant's exception lists at most this many offending items (the rest are counted).
const MAX_DETAILS = 20;

export async function checkInvariantsNow(app: AppContext, trigger: string): Promise<InvariantWatchResult> {
  const checkedAt = app.clock.now();
  const { failures } = await checkLedger(app.db);
  const byName = new Map<string, string[]>();
  for (const f of failures) byName.set(f.check, [...(byName.get(f.check) ?? []), f.detail]);
  const names = [...new Set([...invariantNames(), ...byName.keys()])];
  await inTransaction(app.db, async (trx) => {
    await trx('invariant_checks')
      .insert(
        names.map((name) => ({
          name,
          broken: byName.has(name),
          detail: JSON.stringify((byName.get(name) ?? []).slice(0, MAX_DETAILS)),
          checked_at: checkedAt,
        })),
      )
      .onConflict('name')
      .merge();
    const day = localDate(checkedAt);
    await raiseExceptions(
      trx,
      checkedAt,
      [...byName].map(([name, details]) => ({
        kind: 'invariant-broken' as const,
        reference: `${name}:${day}`,
        source: 'invariant-watch',
        detail: { name, trigger, items: details.length, details: details.slice(0, MAX_DETAILS) },
      })),
    );
  });
  const broken = [...byName].map(([name, details]) => ({ name, details }));
  if (broken.length) app.log.error({ trigger, broken: broken.map((b) => b.name) }, 'ledger invariants broken');
  else app.log.info({ trigger, checked: names.length }, 'ledger invariants hold');
  return { checkedAt, broken };
}

/** Queues a check after a clearing day's run finished (job id = the day: once per day). */
export async function checkAfterClearingDay(app: AppContext, date: string): Promise<void> {
  await app.queue.add(
    CHECK_INVARIANTS,
    { trigger: `clearing-day:${date}` },
    { jobId: `${CHECK_INVARIANTS}:day:${date}` },
  );
}

export function registerInvariantWatchJobs(app: AppContext): Schedule[] {
  app.queue.process(CHECK_INVARIANTS, async (data) => {
    await checkInvariantsNow(app, String(data.trigger ?? 'hourly'));
  });
  return [{ name: CHECK_INVARIANTS, cron: '7 * * * *', slot: hourSlot, data: () => ({ trigger: 'hourly' }) }];
}

async function lastChecks(db: Knex): Promise<Array<{ name: string; broken: boolean; checked_at: Date }>> {
  return db('invariant_checks').select('name', 'broken', 'checked_at');
}

// Gauges read at scrape time from the last check (whichever process ran it).
export function registerInvariantMetrics(app: AppContext, registry: client.Registry): void {
  let inflight: Promise<void> | null = null;
  const refresh = () =>
    (inflight ??= collect().finally(() => {
      inflight = null;
    }));
  const broken = new client.Gauge({
    name: 'etc_invariant_broken',
    help: '1 when the ledger or module invariant was broken at its last scheduled check, 0 when it held',
    labelNames: ['name'],
    registers: [registry],
    collect: refresh,
    aggregator: 'first', // the database's figure, the same in every worker of a cluster
  });
  const last = new client.Gauge({
    name: 'etc_invariant_last_check_timestamp',
    help: 'Unix time (seconds) of the last scheduled invariant check',
    registers: [registry],
    collect: refresh,
    aggregator: 'first',
  });
  async function collect(): Promise<void> {
    try {
      const rows = await lastChecks(app.db);
      broken.reset();
      let latest = 0;
      for (const r of rows) {
        broken.set({ name: r.name }, r.broken ? 1 : 0);
        latest = Math.max(latest, new Date(r.checked_at).getTime());
      }
      if (latest) last.set(Math.floor(latest / 1000));
      else last.reset();
    } catch (err) {
      app.log.warn({ err }, 'invariant metrics not collected');
    }
  }
}
