// `lanes-sim traffic`: a simulated day of lane traffic against a centre run in this process on a
// manual clock (so that a whole day, its clearing and the late uploads after it take seconds), over
// HTTP like any lane. The database is DATABASE_URL when set (ETC_KEK required), otherwise an
// embedded one in a temporary directory. The centre is given what a simulation needs
// (sim-centre.ts), including a key set whose purchase key the lanes' PSAMs hold.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bootstrap, shutdown } from '../../src/bootstrap.ts';
import { loadConfig } from '../../src/config.ts';
import { checkLedger } from '../../src/modules/ledger/index.ts';
import { localDate, ManualClock } from '../../src/platform/clock/clock.ts';
import { createLogger } from '../../src/platform/log/logger.ts';
import { InProcessQueue } from '../../src/platform/queue/queue.ts';
import { startSimCentre } from './sim-centre.ts';
import { FAULTS, simulateDay, type DayReport, type Fault } from './day.ts';
import { formatReport } from './report.ts';
import { formatChecks, trafficChecks } from './checks.ts';

export const TRAFFIC_USAGE = `  traffic [--vehicles N] [--seed S] [--faults all|none|LIST] [--date YYYY-MM-DD] [--upload-minutes M] [--batch B] [--json]
      a simulated day: N virtual vehicles (default 40) with virtual cards and OBUs drive through the demo
      province's ETC lanes (entry and exit compound purchases, each lane with its PSAM), lanes upload in
      batches, finance clears the day; every answer is checked against the fault it carries. Faults
      (default all): ${FAULTS.join(', ')}. Runs its own centre in process on DATABASE_URL (with ETC_KEK)
      or on an embedded database in a temporary directory. Exit 1 if any transaction was answered
      other than its fault implies, the clearing did not match, or a ledger invariant failed.`;

function parseFaults(v: string): Set<Fault> {
  if (v === 'all') return new Set(FAULTS);
  if (v === 'none') return new Set();
  const list = v.split(',').map((s) => s.trim());
  for (const f of list)
    if (!(FAULTS as readonly string[]).includes(f))
      throw new Error(`--faults: unknown fault ${f} (known: ${FAULTS.join(', ')})`);
  return new Set(list as Fault[]);
}

const positive = (v: string, name: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
};

export async function trafficCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      vehicles: { type: 'string', default: '40' },
      seed: { type: 'string', default: '1' },
      faults: { type: 'string', default: 'all' },
      date: { type: 'string' },
      'upload-minutes': { type: 'string', default: '60' },
      batch: { type: 'string', default: '1000' },
      json: { type: 'boolean', default: false },
    },
  });
  const vehicles = positive(values.vehicles!, 'vehicles');
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed)) throw new Error('--seed must be an integer');
  const faults = parseFaults(values.faults!);
  const out = (l: string) => process.stdout.write(l + '\n');

  const embeddedDir = process.env.DATABASE_URL ? undefined : mkdtempSync(join(tmpdir(), 'lanes-sim-'));
  const config = loadConfig({
    ...process.env,
    ...(embeddedDir ? { ETC_DATA_DIR: embeddedDir, ETC_KEK: '' } : {}),
    REDIS_URL: '',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  const clock = new ManualClock(new Date());
  const app = await bootstrap(config, {
    clock,
    log: createLogger(config.logLevel),
    queue: new InProcessQueue(),
    generateKeys: true,
  });
  const sim = await startSimCentre(app, clock);
  try {
    const date = values.date ?? localDate(new Date(Date.now() + 86_400_000));
    const { centre, masters, keyVersion: version } = sim;
    const started = Date.now();
    const report: DayReport = await simulateDay({
      centre,
      date,
      vehicles,
      seed,
      faults,
      masters,
      keyVersion: version,
      network: config.network,
      uploadMinutes: positive(values['upload-minutes']!, 'upload-minutes'),
      batchSize: Math.min(1000, positive(values.batch!, 'batch')),
      log: out,
    });
    const ledger = await checkLedger(app.db);
    const checks = trafficChecks(report, ledger.failures);
    if (values.json) out(JSON.stringify({ ...report, ledger: ledger.failures, checks }, null, 2));
    else out(`${formatReport(report, ledger.failures, (Date.now() - started) / 1000)}\n${formatChecks(checks)}`);
    return checks.every((c) => c.ok) ? 0 : 1;
  } finally {
    await sim.stop();
    await shutdown(app);
    if (embeddedDir) rmSync(embeddedDir, { recursive: true, force: true });
  }
}
