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
import { getPriority, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { laneBatchesInProgress } from '../../src/config.ts';
import {
  backendCpu,
  busyPercent,
  cpuOf,
  cpuSince,
  etcCommand,
  machineCpu,
  peakRssMb,
  percentile,
  pool,
  priorityNote,
  SERVICE_NODE_OPTIONS,
  stopProcess,
  withChildren,
  withDatabase,
  writeResults,
} from '../lib.ts';
import { measureFloors } from './floors.ts';
import { activityWanted, sampleActivity } from './activity.ts';
import { printStatements, resetStatements, statementsWanted } from './statements.ts';
import { openLaneCentre, type Batch } from './centre.ts';

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
const LOAD_AT_START = loadavg()[0].toFixed(1); // the machine may be shared: say how busy it was
await withDatabase(`etc_bench_ingest_${process.pid}`, async (url) => {
  const { env, server, db, lanes, batches, transactions, upload } = await openLaneCentre(url, {
    port: 18500 + (process.pid % 1000),
    cards: CARDS,
    trips: TRIPS,
    lanes: LANES,
    batch: BATCH,
    workers: WORKERS,
  });
  const serviceNice = getPriority(server.pid!);
  // the service's CPU is its primary's and its workers' (one process when WORKERS is 1)
  const serviceCpuMs = () => cpuOf(withChildren(server.pid!)) * 1000;
  try {
    const counts: Record<string, number> = { accepted: 0, duplicate: 0, rejected: 0 };
    const refused: unknown[] = [];
    const latencies: number[] = []; // each timed batch, from sending to its answer read
    let timing = false;
    const send = async (laneId: string, body: Batch) => {
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
