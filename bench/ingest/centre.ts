// The lane centre bench/ingest and bench/mixed measure, set up before their clocks start: a migrated
// and seeded database, lanes beyond the demo's ten, a lane client per lane and one bank client, the
// service started, cards issued and loaded through its API as a counter and a bank would, and every
// lane's batches made and hashed (traffic.ts). Also, for bench/mixed, spare own cards left empty,
// outside the lane traffic, for online loads while the lanes upload.
import { createHash, randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { VirtualCard } from '../../lanes-sim/card/virtual-card.ts';
import type { LaneSpec } from '../../lanes-sim/traffic/lane.ts';
import { LaneTariff } from '../../lanes-sim/traffic/tariff.ts';
import {
  bytesPoster,
  etcCommand,
  everyWorkerListening,
  importMasterKeys,
  jsonCaller,
  pool,
  SERVICE_NODE_OPTIONS,
  signedHeaders,
  startProcess,
  stopProcess,
} from '../lib.ts';
import { bankChannelLoad, foreignCard, issueCard, type BenchCard } from '../cards.ts';
import { makeBatches } from './traffic.ts';

const KEY_VERSION = 2;
const STATIONS = [340102, 340104, 340106, 340201, 340204];

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

export type Batch = { bytes: Buffer; sha256: string };

export type LaneCentre = {
  env: Record<string, string>;
  server: ChildProcess;
  /** a client of the bench's database, for reads outside the service (closed by the caller) */
  db: pg.Client;
  lanes: LaneSpec[];
  /** each lane's batches, in the order the lane sends them */
  batches: Map<string, Batch[]>;
  transactions: number;
  /** own cards outside the lane traffic, empty, for online loads */
  spare: VirtualCard[];
  upload(laneId: string, body: Batch): Promise<{ results: Array<{ disposition: string }> }>;
  /** one online load through the bank channel: init, the card's credit, confirm */
  bankLoad(card: VirtualCard, amount: number): Promise<void>;
};

export type CentreOptions = {
  port: number;
  cards: number;
  trips: number;
  lanes: number;
  batch: number;
  workers: number;
  /** API processes of their own for the lanes (ETC_LANE_WORKERS), on the port after `port` */
  laneWorkers?: number;
  spareCards?: number;
  /** what else the service is started with */
  serviceEnv?: Record<string, string>;
};

/** Sets the centre up on the empty database at url; the caller stops `server` and ends `db`. */
export async function openLaneCentre(url: string, o: CentreOptions): Promise<LaneCentre> {
  const dataDir = mkdtempSync(join(tmpdir(), 'etc-bench-ingest-'));
  const env = {
    DATABASE_URL: url,
    ETC_KEK: randomBytes(32).toString('hex'),
    ETC_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    REDIS_URL: '',
  };
  await etcCommand(['migrate'], env);
  const masters = await importMasterKeys(env, KEY_VERSION);
  await etcCommand(['seed'], env);
  // the demo passwords are written to a file of the data dir, never to the output
  const seeded = readFileSync(join(dataDir, 'demo-passwords.txt'), 'utf8');
  rmSync(dataDir, { recursive: true, force: true });
  const password = (role: string) => new RegExp(`${role}\\s+\\S+\\s+(\\S+)`).exec(seeded)![1];
  const db = new pg.Client({ connectionString: url });
  // a run that fails drops its database with this connection still open: the error to print is the
  // one that ended the run, not the connection's end
  db.on('error', () => undefined);
  await db.connect();
  // lanes beyond the demo's ten, at the same stations, so that more lanes upload side by side
  for (let i = 10; i < o.lanes; i++) {
    const station = STATIONS[Math.floor(i / 2) % STATIONS.length];
    const laneNo = 3 + Math.floor(i / 10) * 2 + (i % 2);
    await db.query(
      `insert into lanes (id, station_id, lane_no, direction) values ($1, $2, $3, $4) on conflict do nothing`,
      [`L${station}-${String(laneNo).padStart(2, '0')}`, station, laneNo, i % 2 === 0 ? 'entry' : 'exit'],
    );
  }
  const laneRows = (await db.query('select id, station_id, lane_no, direction from lanes order by id')).rows;
  const lanes: LaneSpec[] = laneRows.map((r) => ({
    laneId: r.id,
    network: '3401',
    station: r.station_id,
    laneNo: r.lane_no,
    direction: r.direction,
  }));
  const secrets = new Map<string, string>();
  const secretOf = async (role: string, id: string) =>
    /secret \(shown once\): (\S+)/.exec(await etcCommand(['clients', 'add', '--role', role, '--id', id], env))![1];
  for (const l of lanes) secrets.set(l.laneId, await secretOf('lane', l.laneId));
  const bankSecret = await secretOf('bank', 'BENCH');

  const base = `http://127.0.0.1:${o.port}`;
  const laneWorkers = o.laneWorkers ?? 0;
  const laneBase = laneWorkers ? `http://127.0.0.1:${o.port + 1}` : base;
  const server = await startProcess(
    ['src/main.ts', 'serve'],
    {
      ...env,
      ...o.serviceEnv,
      PORT: String(o.port),
      ETC_WORKERS: String(o.workers),
      ...(laneWorkers ? { ETC_LANE_WORKERS: String(laneWorkers), ETC_LANE_PORT: String(o.port + 1) } : {}),
      NODE_OPTIONS: SERVICE_NODE_OPTIONS,
    },
    everyWorkerListening(o.workers + laneWorkers),
  );
  try {
    const call = jsonCaller(base);
    const login = async (role: string) => ({
      authorization: `Bearer ${(await call('POST', '/api/v1/sessions', JSON.stringify({ username: role, password: password(role) }), {})).token}`,
    });
    const staff = { clerk: await login('clerk'), supervisor: await login('supervisor') };
    const api = (path: string, body: unknown, auth: Record<string, string>) =>
      call('POST', path, JSON.stringify(body), auth);
    const bankPost = (path: string, body: unknown) => {
      const raw = JSON.stringify(body);
      return call('POST', path, raw, signedHeaders('BENCH', bankSecret, path, sha256(raw)));
    };
    const bankLoad = (card: VirtualCard, amount: number) => bankChannelLoad(bankPost, card, amount);
    // a purse carries 50 trips on one bank load of 5,000.00 (the channel's limit); more trips get a
    // second load, up to the card limit of 10,000.00 (the service's defaults)
    const loadsPerCard = Math.ceil(o.trips / 50);
    if (loadsPerCard > 2) throw new Error('--trips above 100: a purse at the card limit does not carry them');
    const t0 = Date.now();
    const own = await pool(
      Array.from({ length: Math.round(o.cards * 0.9) }, (_, i) => i),
      16,
      (i) =>
        issueCard(
          api,
          staff,
          async (card) => {
            for (let k = 0; k < loadsPerCard; k++) await bankLoad(card, 500_000);
          },
          masters,
          KEY_VERSION,
          i % 9 === 0,
        ),
    );
    const cards: BenchCard[] = [
      ...own,
      ...Array.from({ length: o.cards - own.length }, () => foreignCard(masters.purchase)),
    ];
    const spare = (
      await pool(
        Array.from({ length: o.spareCards ?? 0 }, (_, i) => i),
        16,
        () => issueCard(api, staff, async () => {}, masters, KEY_VERSION, false),
      )
    ).map((c) => c.card);
    process.stdout.write(
      `issued ${own.length} own cards (${own.filter((c) => c.vehicle.cardType === 23).length} debit-account), ${spare.length} spare, and ${cards.length - own.length} other provinces' cards in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`,
    );
    const date = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const network = await (await fetch(`${base}/api/v1/network?date=${date}`, { headers: staff.clerk })).json();
    const discounts = await (await fetch(`${base}/api/v1/network/discounts`, { headers: staff.clerk })).json();
    const g0 = Date.now();
    const made = makeBatches(
      cards,
      lanes,
      masters.purchase,
      new LaneTariff(network as never, discounts as never),
      o.trips,
      new Date(Date.now() + 2000),
      o.batch,
    );
    process.stdout.write(
      `made ${made.transactions} transactions in ${[...made.batches.values()].reduce((a, b) => a + b.length, 0)} batches on ${lanes.length} lanes in ${((Date.now() - g0) / 1000).toFixed(0)} s\n`,
    );
    // each batch as the bytes a lane sends and their SHA-256, made before the clock starts: the timed
    // part signs a short string per batch and writes the bytes (bytesPoster)
    const batches = new Map(
      [...made.batches].map(([laneId, list]) => [
        laneId,
        list.map((raw) => {
          const bytes = Buffer.from(raw, 'utf8');
          return { bytes, sha256: sha256(bytes) };
        }),
      ]),
    );
    made.batches.clear();
    const post = bytesPoster(laneBase, lanes.length);
    const upload = (laneId: string, body: Batch) => {
      const path = `/api/v1/lanes/${laneId}/transactions`;
      return post(path, body.bytes, signedHeaders(laneId, secrets.get(laneId)!, path, body.sha256));
    };
    await new Promise((r) => setTimeout(r, Math.max(0, g0 + 2500 - Date.now()))); // every transaction time has passed
    return { env, server, db, lanes, batches, transactions: made.transactions, spare, upload, bankLoad };
  } catch (err) {
    await stopProcess(server);
    await db.end();
    throw err;
  }
}
