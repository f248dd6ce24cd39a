// `lanes-sim traffic`: a simulated day of lane traffic against a centre run in this process on a
// manual clock (so that a whole day, its clearing and the late uploads after it take seconds), over
// HTTP like any lane. The database is DATABASE_URL when set (ETC_KEK required), otherwise an
// embedded one in a temporary directory. The centre is given what a simulation needs: the demo
// network, staff users, a bank client, a client per lane, and a TAC/load/purchase key set whose
// purchase key the lanes' PSAMs hold ("the key the centre issues for the simulation").
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../../src/app.ts';
import { bootstrap, shutdown } from '../../src/bootstrap.ts';
import { loadConfig } from '../../src/config.ts';
import { createClient, createUser } from '../../src/modules/access/service.ts';
import { importKeys, listKeys } from '../../src/modules/keys/index.ts';
import { seedDemoNetwork } from '../../src/modules/lanes/index.ts';
import { checkLedger } from '../../src/modules/ledger/index.ts';
import { kcv } from '../../src/platform/crypto/pboc.ts';
import { localDate, ManualClock } from '../../src/platform/clock/clock.ts';
import { createLogger } from '../../src/platform/log/logger.ts';
import { InProcessQueue } from '../../src/platform/queue/queue.ts';
import { HttpCentre, type StaffRole } from './centre.ts';
import { FAULTS, simulateDay, type DayReport, type Fault } from './day.ts';
import { formatReport } from './report.ts';

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
  for (const f of list) if (!(FAULTS as readonly string[]).includes(f)) throw new Error(`--faults: unknown fault ${f} (known: ${FAULTS.join(', ')})`);
  return new Set(list as Fault[]);
}

const positive = (v: string, name: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
};

export async function trafficCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args, strict: true,
    options: {
      vehicles: { type: 'string', default: '40' }, seed: { type: 'string', default: '1' }, faults: { type: 'string', default: 'all' },
      date: { type: 'string' }, 'upload-minutes': { type: 'string', default: '60' }, batch: { type: 'string', default: '1000' }, json: { type: 'boolean', default: false },
    },
  });
  const vehicles = positive(values.vehicles!, 'vehicles');
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed)) throw new Error('--seed must be an integer');
  const faults = parseFaults(values.faults!);
  const out = (l: string) => process.stdout.write(l + '\n');

  const embeddedDir = process.env.DATABASE_URL ? undefined : mkdtempSync(join(tmpdir(), 'lanes-sim-'));
  const config = loadConfig({ ...process.env, ...(embeddedDir ? { ETC_DATA_DIR: embeddedDir, ETC_KEK: '' } : {}), REDIS_URL: '', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const clock = new ManualClock(new Date());
  const app = await bootstrap(config, { clock, log: createLogger(config.logLevel), queue: new InProcessQueue() });
  const server = buildApp(app).express.listen(0, '127.0.0.1');
  try {
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await seedDemoNetwork(app.db);
    const run = randomBytes(3).toString('hex');
    // the simulation's key set: a version of its own, imported with check values like any key file
    const version = Math.max(0, ...(await listKeys(app.db)).map((k) => k.version)) + 1;
    if (version > 255) throw new Error('no key version left for the simulation (255 used)');
    const masters = { load: randomBytes(16), tac: randomBytes(16), purchase: randomBytes(16) };
    await importKeys(app.db, app.keys.hsm, { keys: (['load', 'tac', 'purchase'] as const).map((purpose) => ({ purpose, version, value: masters[purpose].toString('hex'), kcv: kcv(masters[purpose]).toString('hex') })) });
    await app.keys.load(app.db);
    const staff = {} as Record<StaffRole, { username: string; password: string }>;
    for (const role of ['clerk', 'supervisor', 'finance'] as const) {
      const username = `sim-${role}-${run}`;
      const { password } = await createUser(app.db, null, { username, displayName: `lanes-sim ${role}`, role });
      staff[role] = { username, password };
    }
    const bank = { id: `SIM-BANK-${run}`, secret: '' };
    bank.secret = (await createClient(app.db, app.keys.hsm, null, { id: bank.id, role: 'bank' })).secret;
    const lanes = new Map<string, string>();
    for (const id of await app.db('lanes').where({ etc_enabled: true }).orderBy('id').pluck('id')) {
      const row = await app.db('api_clients').where({ id }).first();
      lanes.set(id, row ? app.keys.hsm.open('client-secret', row.secret_sealed).toString('utf8') : (await createClient(app.db, app.keys.hsm, null, { id, role: 'lane' })).secret);
    }
    const date = values.date ?? localDate(new Date(Date.now() + 86_400_000));
    const centre = new HttpCentre({ base, clock, staff, lanes, bank });
    const started = Date.now();
    const report: DayReport = await simulateDay({
      centre, date, vehicles, seed, faults, masters, keyVersion: version, network: config.network,
      uploadMinutes: positive(values['upload-minutes']!, 'upload-minutes'), batchSize: Math.min(1000, positive(values.batch!, 'batch')), log: out,
    });
    const ledger = await checkLedger(app.db);
    if (values.json) out(JSON.stringify({ ...report, ledger: ledger.failures }, null, 2));
    else out(formatReport(report, ledger.failures, (Date.now() - started) / 1000));
    const splitOk = JSON.stringify(Object.fromEntries(report.clearing.operators.map((o) => [o.operatorId, o.amount]))) === JSON.stringify(report.clearing.expected);
    return report.mismatches.length === 0 && ledger.ok && splitOk ? 0 : 1;
  } finally {
    server.close();
    await shutdown(app);
    if (embeddedDir) rmSync(embeddedDir, { recursive: true, force: true });
  }
}
