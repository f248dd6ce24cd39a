// bench/ingest: lane uploads in batches of 1,000 over HTTP against real PostgreSQL, every own card's
// TAC verified, card facts and balance chain checked, accepted transactions posted to the ledger —
// transactions per second and the service's peak memory (DESIGN §10 target: ≥ 20,000/s), against a
// floor measured in the same run: the bare write of the same rows (INSERT … SELECT of each upload's
// stored rows into a table with lane_transactions' columns and indexes, one transaction per batch,
// as many at once as lanes uploaded; no checks, no key tables, no journal), and the same rows sent by
// a client with COPY … FROM STDIN (copy-floor.ts). Also the service's and
// PostgreSQL's CPU per batch (PostgreSQL: the backends of the bench's database, from /proc).
// Usage: npx tsx bench/ingest/run.ts [--cards 2000] [--trips 50] [--lanes 10] [--batch 1000] [--concurrency N]
//          [--workers 1] (the service's API processes: `serve --workers N`) [--warmup 1] (batches per lane, untimed)
// Reported beside the figures: this process's CPU per batch (the generator: signing a short string,
// sending bytes made before the clock, reading answers) and how busy the machine's cores were. BENCH_SERVICE_NICE=-10 runs the service at that
// priority (lib.ts). BENCH_STATEMENTS=1 (statements.ts) and BENCH_ACTIVITY=1 (activity.ts) print
// where PostgreSQL's time goes, not kept.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { getPriority, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { laneBatchesInProgress } from '../../src/config.ts';
import { signingString } from '../../src/platform/http/auth.ts';
import type { VirtualCard } from '../../lanes-sim/card/virtual-card.ts';
import type { LaneSpec } from '../../lanes-sim/traffic/lane.ts';
import { LaneTariff } from '../../lanes-sim/traffic/tariff.ts';
import {
  backendCpu,
  busyPercent,
  bytesPoster,
  cpuOf,
  cpuSince,
  etcCommand,
  everyWorkerListening,
  importMasterKeys,
  jsonCaller,
  machineCpu,
  peakRssMb,
  percentile,
  pool,
  priorityNote,
  SERVICE_NODE_OPTIONS,
  startProcess,
  stopProcess,
  withChildren,
  withDatabase,
  writeResults,
} from '../lib.ts';
import { measureFloors } from './floors.ts';
import { activityWanted, sampleActivity } from './activity.ts';
import { printStatements, resetStatements, statementsWanted } from './statements.ts';
import { foreignCard, issueCard, type BenchCard } from '../cards.ts';
import { makeBatches } from './traffic.ts';

const { values } = parseArgs({
  options: {
    cards: { type: 'string', default: '2000' },
    trips: { type: 'string', default: '50' },
    lanes: { type: 'string', default: '10' },
    batch: { type: 'string', default: '1000' },
    concurrency: { type: 'string' },
    warmup: { type: 'string', default: '1' },
    workers: { type: 'string', default: '1' },
  },
});
const CARDS = Number(values.cards);
const TRIPS = Number(values.trips);
const LANES = Math.max(10, Number(values.lanes));
const BATCH = Math.min(1000, Number(values.batch));
const WORKERS = Number(values.workers);
// the service's cap on the uploads each process works on at once, read from this environment as the
// service reads it from the same (startProcess passes it on)
const BATCHES_IN_PROGRESS = laneBatchesInProgress(process.env);
const CONCURRENCY = values.concurrency ? Number(values.concurrency) : undefined; // default: every lane at once
const WARMUP = Math.max(1, Number(values.warmup)); // batches per lane sent untimed first
const KEY_VERSION = 2;
const STATIONS = [340102, 340104, 340106, 340201, 340204];
const LOAD_AT_START = loadavg()[0].toFixed(1); // the machine may be shared: say how busy it was
await withDatabase(`etc_bench_ingest_${process.pid}`, async (url) => {
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
  // lanes beyond the demo's ten, at the same stations, so that more lanes upload side by side
  const db = new pg.Client({ connectionString: url });
  // a run that fails drops its database with this connection still open: the error to print is the
  // one that ended the run, not the connection's end
  db.on('error', () => undefined);
  await db.connect();
  for (let i = 10; i < LANES; i++) {
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
  for (const l of lanes)
    secrets.set(
      l.laneId,
      /secret \(shown once\): (\S+)/.exec(
        await etcCommand(['clients', 'add', '--role', 'lane', '--id', l.laneId], env),
      )![1],
    );
  const bankSecret = /secret \(shown once\): (\S+)/.exec(
    await etcCommand(['clients', 'add', '--role', 'bank', '--id', 'BENCH'], env),
  )![1];

  const port = 18500 + (process.pid % 1000);
  const base = `http://127.0.0.1:${port}`;
  const server = await startProcess(
    ['src/main.ts', 'serve'],
    { ...env, PORT: String(port), ETC_WORKERS: String(WORKERS), NODE_OPTIONS: SERVICE_NODE_OPTIONS },
    everyWorkerListening(WORKERS),
  );
  const serviceNice = getPriority(server.pid!);
  // the service's CPU is its primary's and its workers' (one process when WORKERS is 1)
  const serviceCpuMs = () => cpuOf(withChildren(server.pid!)) * 1000;
  try {
    const call = jsonCaller(base);
    const login = async (role: string) => ({
      authorization: `Bearer ${(await call('POST', '/api/v1/sessions', JSON.stringify({ username: role, password: password(role) }), {})).token}`,
    });
    const staff = { clerk: await login('clerk'), supervisor: await login('supervisor') };
    const api = (path: string, body: unknown, auth: Record<string, string>) =>
      call('POST', path, JSON.stringify(body), auth);
    let serial = 0;
    // a machine client's headers for a POST whose body hashes to bodySha256 (hex)
    const signedHeaders = (clientId: string, secret: string, path: string, bodySha256: string) => {
      const ts = String(Date.now());
      return {
        'x-client-id': clientId,
        'x-timestamp': ts,
        'x-signature': createHmac('sha256', secret)
          .update(signingString('POST', path, ts, bodySha256))
          .digest('hex'),
        'idempotency-key': `B${process.pid}-${++serial}`,
      };
    };
    const signedPost = (clientId: string, secret: string, path: string, raw: string) =>
      call('POST', path, raw, signedHeaders(clientId, secret, path, createHash('sha256').update(raw).digest('hex')));
    // a purse carries 50 trips on one bank load of 5,000.00 (the channel's limit); more trips get a
    // second load, up to the card limit of 10,000.00 (the service's defaults)
    const loadsPerCard = Math.ceil(TRIPS / 50);
    if (loadsPerCard > 2) throw new Error('--trips above 100: a purse at the card limit does not carry them');
    const bankLoad = async (card: VirtualCard) => {
      for (let k = 0; k < loadsPerCard; k++) {
        const init = card.initializeForLoad(500_000, '0A1B2C3D4E5F');
        const a = await signedPost(
          'BENCH',
          bankSecret,
          '/api/v1/channel/loads',
          JSON.stringify({
            cardNo: card.cardNo,
            amount: 500_000,
            terminalId: '0A1B2C3D4E5F',
            card: init,
            payment: { method: 'bank-account', reference: `R${serial}` },
          }),
        );
        const { tac } = card.creditForLoad(a.hostDate, a.hostTime, a.mac2);
        await signedPost('BENCH', bankSecret, `/api/v1/channel/loads/${a.loadId}/confirm`, JSON.stringify({ tac }));
      }
    };
    const t0 = Date.now();
    const own = await pool(
      Array.from({ length: Math.round(CARDS * 0.9) }, (_, i) => i),
      16,
      (i) => issueCard(api, staff, bankLoad, masters, KEY_VERSION, i % 9 === 0),
    );
    const cards: BenchCard[] = [
      ...own,
      ...Array.from({ length: CARDS - own.length }, () => foreignCard(masters.purchase)),
    ];
    process.stdout.write(
      `issued ${own.length} own cards (${own.filter((c) => c.vehicle.cardType === 23).length} debit-account) and ${cards.length - own.length} other provinces' cards in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`,
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
      TRIPS,
      new Date(Date.now() + 2000),
      BATCH,
    );
    process.stdout.write(
      `made ${made.transactions} transactions in ${[...made.batches.values()].reduce((a, b) => a + b.length, 0)} batches on ${lanes.length} lanes in ${((Date.now() - g0) / 1000).toFixed(0)} s\n`,
    );
    const { transactions } = made;
    // each batch as the bytes a lane sends and their SHA-256, made before the clock starts: the timed
    // part signs a short string per batch and writes the bytes (bytesPoster)
    const batches = new Map(
      [...made.batches].map(([laneId, list]) => [
        laneId,
        list.map((raw) => {
          const bytes = Buffer.from(raw, 'utf8');
          return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
        }),
      ]),
    );
    made.batches.clear();
    const post = bytesPoster(base, lanes.length);
    const upload = (laneId: string, body: { bytes: Buffer; sha256: string }) => {
      const path = `/api/v1/lanes/${laneId}/transactions`;
      return post(path, body.bytes, signedHeaders(laneId, secrets.get(laneId)!, path, body.sha256));
    };
    await new Promise((r) => setTimeout(r, Math.max(0, g0 + 2500 - Date.now()))); // every transaction time has passed

    const counts: Record<string, number> = { accepted: 0, duplicate: 0, rejected: 0 };
    const refused: unknown[] = [];
    const latencies: number[] = []; // each timed batch, from sending to its answer read
    let timing = false;
    const send = async (laneId: string, body: { bytes: Buffer; sha256: string }) => {
      const t = process.hrtime.bigint();
      const r = await upload(laneId, body);
      if (timing) latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      for (const x of r.results) {
        counts[x.disposition]++;
        if (x.disposition !== 'accepted' && refused.length < 5) refused.push(x);
      }
    };
    // warm-up: each lane's first WARMUP batches, untimed (the service's JIT and caches, per process)
    let warm = 0;
    for (let round = 0; round < WARMUP; round++)
      await Promise.all(
        [...batches].map(async ([laneId, list]) => {
          if (list.length) {
            await send(laneId, list.shift()!);
            warm++;
          }
        }),
      );
    const timedTx = transactions - Object.values(counts).reduce((a, b) => a + b, 0);
    const timedBatches = [...batches.values()].reduce((a, l) => a + l.length, 0);
    const firstTimedUpload =
      BigInt((await db.query('select coalesce(max(id), 0) as id from lane_uploads')).rows[0].id) + 1n;
    if (statementsWanted) await resetStatements(db);
    const activity = activityWanted ? await sampleActivity(url) : null;
    const pgBefore = await backendCpu(db);
    const nodeBefore = serviceCpuMs();
    const generatorBefore = process.cpuUsage(); // this process: signing, sending, reading answers
    const machineBefore = machineCpu();
    const started = process.hrtime.bigint();
    timing = true;
    // each lane sends its batches one after the other; CONCURRENCY lanes at a time
    await pool([...batches], CONCURRENCY ?? batches.size, async ([laneId, list]) => {
      for (const body of list) await send(laneId, body);
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await activity?.stop();
    timing = false;
    latencies.sort((x, y) => x - y);
    const nodeMsPerBatch = (serviceCpuMs() - nodeBefore) / timedBatches;
    const generator = process.cpuUsage(generatorBefore);
    const machineBusy = busyPercent(machineBefore, machineCpu());
    const generatorMsPerBatch = (generator.user + generator.system) / 1000 / timedBatches;
    const pgMsPerBatch = (cpuSince(pgBefore, await backendCpu(db)) * 1000) / timedBatches;
    if (statementsWanted) await printStatements(db, timedBatches);
    if (refused.length)
      throw new Error(`transactions not accepted: ${JSON.stringify(counts)} e.g. ${JSON.stringify(refused)}`);
    // the largest process's: each worker holds its own batches
    const peakRss = peakRssMb(withChildren(server.pid!));
    const check = await etcCommand(['check-ledger'], env);
    if (!check.includes('ledger invariants hold')) throw new Error(`ledger check failed after the run: ${check}`);

    // the floors, on the rows the timed part stored (floors.ts)
    const width = Math.min(CONCURRENCY ?? lanes.length, lanes.length);
    const floor = await measureFloors(url, db, firstTimedUpload, width);
    const { copied } = floor;
    await db.end();
    const tps = Math.round(timedTx / seconds);
    const floorTps = Math.round(floor.rows / floor.seconds);
    const loadAtEnd = loadavg()[0].toFixed(1);
    const metrics = {
      transactionsPerSecond: tps,
      floorTransactionsPerSecond: floorTps,
      ratioToFloor: Number((tps / floorTps).toFixed(2)),
      nodeMsPerBatch: Number(nodeMsPerBatch.toFixed(1)),
      postgresMsPerBatch: Number(pgMsPerBatch.toFixed(1)),
      generatorMsPerBatch: Number(generatorMsPerBatch.toFixed(1)),
      machineBusyPercent: Number(machineBusy.toFixed(0)),
      floorPostgresMsPerBatch: Number(floor.pgMsPerBatch.toFixed(1)),
      copyFloorTransactionsPerSecond: Math.round(copied.rows / copied.seconds),
      ratioToCopyFloor: Number((tps / (copied.rows / copied.seconds)).toFixed(2)),
      copyFloorPostgresMsPerBatch: Number(floor.copyPgMsPerBatch.toFixed(1)),
      copyFloorMbPerBatch: Number((copied.bytes / floor.uploads / 1e6).toFixed(2)),
      batchP50Ms: Number(percentile(latencies, 50).toFixed(1)),
      batchP99Ms: Number(percentile(latencies, 99).toFixed(1)),
      peakRssMb: peakRss,
      workers: WORKERS,
      batchesInProgress: BATCHES_IN_PROGRESS,
      serviceNice,
      loadAverageStart: Number(LOAD_AT_START),
      loadAverageEnd: Number(loadAtEnd),
    };
    process.stdout.write(
      `${JSON.stringify({ ...metrics, timedTransactions: timedTx, seconds: Number(seconds.toFixed(2)), warmupBatches: warm, counts }, null, 2)}\n`,
    );
    writeResults(
      'ingest',
      metrics,
      `${timedTx} transactions in batches of ${BATCH} after ${warm} untimed, ${width} of ${lanes.length} lanes uploading at once (${CARDS} cards × ${TRIPS} trips, 10 % other provinces', 10 % of own debit-account), every own TAC verified, ledger checked after; floor: INSERT … SELECT of each upload's ${floor.rows} stored rows into a table with the same columns and indexes, ${width} at once, one transaction per batch, no checks; copy floor: the same rows sent by a client with COPY … FROM STDIN (text) into another such table, ${width} at once, one COPY per batch; batches sent as bytes made and hashed before the clock, through node:http; batch latency from sending to the answer read; CPU per batch from /proc (the service's processes; PostgreSQL backends of the bench database); service run with ${WORKERS} API worker${WORKERS === 1 ? '' : 's'}, each working on at most ${BATCHES_IN_PROGRESS} batches at once, and NODE_OPTIONS '${SERVICE_NODE_OPTIONS}', ${priorityNote(serviceNice)}; service, generator and PostgreSQL share the machine; load average ${LOAD_AT_START} at start, ${loadAtEnd} at end`,
    );
  } finally {
    if (server.exitCode === null) await stopProcess(server);
  }
});
