// bench/loads: complete online loads (init → virtual card → confirm) over HTTP against real
// PostgreSQL, 32 concurrent, with every MAC verified and every ledger entry posted; and, in the same
// run, the floor: a bare Express + pg endpoint pair doing two single-row transactions per "load".
// The service runs twice side by side, with 1 and with 2 API workers (`serve --workers N`), beside
// the floor; the three are driven in turn, --rounds slices each of --seconds in all, so that drift in
// a shared machine's capacity falls on all three alike. Reported: loads/s, p50/p99, database round
// trips per load (ETC_COUNT_QUERIES=1, read from /metrics with one worker), and CPU per load of the
// service's processes and of the database's backends (from /proc/<pid>/stat: the service's pid and
// its workers; the backends pg_stat_activity lists for the bench database, all of which are the
// slice's target's, as only it works), and of this process, which drives the clients and shares the
// machine with them (bench/loads/measure.ts). The load average is recorded at the start and at the end.
// Then each of the 1-worker service and the floor is driven open-loop at --paced of its measured rate
// for --paced-seconds (measure.ts pace): the latency at a rate it can carry, beside the closed loop's
// latency at saturation (which Little's law sets: concurrency ÷ throughput).
// Usage: npx tsx bench/loads/run.ts [--seconds 20] [--rounds 4] [--cards 256] [--concurrency 32]
//          [--paced 0.5] [--paced-seconds 8] [--pool 10] [--note TEXT]
// BENCH_SERVICE_NICE=-10 runs the service and the floor server at that priority (lib.ts).
import { createHash, randomBytes } from 'node:crypto';
import { getPriority, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { bankChannelLoad, issueCard } from '../cards.ts';
import {
  backendCpu,
  etcCommand,
  everyWorkerListening,
  importMasterKeys,
  jsonCaller,
  percentile,
  pool,
  priorityNote,
  SERVICE_NODE_OPTIONS,
  signedHeaders,
  startProcess,
  stopProcess,
  withChildren,
  withDatabase,
  writeResults,
} from '../lib.ts';
import { drive, measureSlice, pace, target, type Target } from './measure.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    cards: { type: 'string', default: '256' },
    concurrency: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '4' },
    paced: { type: 'string', default: '0.5' },
    'paced-seconds': { type: 'string', default: '8' },
    // PostgreSQL connections per process, the service's (ETC_DB_POOL_SIZE) and the floor's alike
    pool: { type: 'string', default: '10' },
    note: { type: 'string', default: '' },
  },
});
const SECONDS = Number(values.seconds);
const CARDS = Number(values.cards);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
const PACED = Number(values.paced);
const PACED_SECONDS = Number(values['paced-seconds']);
const POOL = Number(values.pool);
const KEY_VERSION = 2;
const load0 = loadavg()[0];

await withDatabase(`etc_bench_loads_${process.pid}`, async (url) => {
  const env = {
    DATABASE_URL: url,
    ETC_KEK: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    REDIS_URL: '',
    ETC_DB_POOL_SIZE: String(POOL),
  };
  await etcCommand(['migrate'], env);
  const masters = await importMasterKeys(env, KEY_VERSION);
  const clerkPassword = /password \(shown once\): (\S+)/.exec(
    await etcCommand(['users', 'add', '--role', 'clerk', '--name', 'bench clerk', '--username', 'bench'], env),
  )![1];
  const secret = /secret \(shown once\): (\S+)/.exec(
    await etcCommand(['clients', 'add', '--role', 'bank', '--id', 'BENCH'], env),
  )![1];
  const admin = /password \(shown once\): (\S+)/.exec(
    await etcCommand(['users', 'add', '--role', 'admin', '--name', 'bench admin', '--username', 'benchadmin'], env),
  )![1];
  const port = 18000 + (process.pid % 1000);
  const base = `http://127.0.0.1:${port}`;
  const serve = (workers: number, at = port) =>
    startProcess(
      ['src/main.ts', 'serve'],
      {
        ...env,
        PORT: String(at),
        ETC_WORKERS: String(workers),
        ETC_COUNT_QUERIES: '1',
        NODE_OPTIONS: SERVICE_NODE_OPTIONS,
      },
      everyWorkerListening(workers),
    );
  let server = await serve(1);
  const call = jsonCaller(base);
  const api = (path: string, body: unknown, auth: Record<string, string>) =>
    call('POST', path, JSON.stringify(body), auth);
  const sessionOf = async (username: string, password: string) => ({
    authorization: `Bearer ${(await api('/api/v1/sessions', { username, password }, {})).token}`,
  });
  const pgc = new pg.Client({ connectionString: url });
  await pgc.connect();
  const backends = () => backendCpu(pgc);
  try {
    const staff = await sessionOf('bench', clerkPassword);
    const adminAuth = await sessionOf('benchadmin', admin);
    const roundTrips = async () => {
      const text = await (await fetch(`${base}/metrics`, { headers: adminAuth })).text();
      return Number(/^etc_db_round_trips_total (\d+)/m.exec(text)?.[1] ?? NaN);
    };
    // the cards, issued 16 at a time as a counter would, empty: the loads onto them are what is measured
    const cards = (
      await pool(
        Array.from({ length: CARDS }, (_, i) => i),
        16,
        () => issueCard(api, { clerk: staff, supervisor: staff }, async () => {}, masters, KEY_VERSION, false),
      )
    ).map((c) => c.card);
    const signedPost = async (path: string, body: unknown, at = port) => {
      const raw = JSON.stringify(body);
      const res = await fetch(`http://127.0.0.1:${at}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signedHeaders('BENCH', secret, path, createHash('sha256').update(raw).digest('hex')),
        },
        body: raw,
      });
      const json = (await res.json()) as Record<string, string>;
      if (res.status >= 300) throw new Error(`${path} ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const perLane = Math.max(1, Math.floor(CARDS / CONCURRENCY));
    const oneLoad = async (lane: number, i: number, at = port) => {
      const card = cards[(lane * perLane + (i % perLane)) % cards.length];
      await bankChannelLoad((path, body) => signedPost(path, body, at), card, 100);
    };
    // The three targets run side by side and are measured in turn, ROUNDS slices of SECONDS / ROUNDS
    // each: on a shared machine the capacity drifts by minutes (other tenants), and a floor measured
    // after the service, as before, could see another machine. Interleaved, both see the same drift.
    await stopProcess(server);
    server = await serve(1);
    const server2 = await serve(2, port + 2);
    const floorPort = port + 1;
    const floor = await startProcess(
      ['bench/loads/floor-server.ts'],
      { DATABASE_URL: url, PORT: String(floorPort), ETC_DB_POOL_SIZE: String(POOL) },
      'floor listening',
    );
    const floorLoad = async (lane: number, i: number) => {
      for (let k = 0; k < 2; k++) {
        const r = await fetch(`http://127.0.0.1:${floorPort}/floor/${lane * 100 + (i % 100) + 1}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        await r.json();
      }
    };
    const one = target(oneLoad, () => [server.pid!]);
    const two = target(
      (lane, i) => oneLoad(lane, i, port + 2),
      () => withChildren(server2.pid!),
    );
    const bare = target(floorLoad, () => [floor.pid!]);
    try {
      // warm-up at full concurrency: every worker's code compiled, every pool connection open
      for (const t of [one, two, bare]) await drive(t.work, CONCURRENCY, 3);
      for (let round = 0; round < ROUNDS; round++) {
        for (const t of [one, two, bare]) {
          const slice = { concurrency: CONCURRENCY, seconds: SECONDS / ROUNDS, backends };
          await measureSlice(t, t === one ? { ...slice, roundTrips } : slice);
        }
      }
      // open loop, at a rate each can carry (the closed loop above saturates both)
      const pacedRate = (t: Target) => (PACED * t.done) / t.seconds;
      const paced = await pace(one.work, pacedRate(one), PACED_SECONDS, CONCURRENCY);
      const floorPaced = await pace(bare.work, pacedRate(bare), PACED_SECONDS, CONCURRENCY);
      const check = await etcCommand(['check-ledger'], env);
      if (!check.includes('ledger invariants hold')) throw new Error(`ledger check failed after the run: ${check}`);
      const perSecond = (t: Target) => t.done / t.seconds;
      const cpuMs = (t: Target) => ((t.nodeCpu + t.pgCpu) * 1000) / t.done;
      const withGenerator = (t: Target) => cpuMs(t) + (t.generatorCpu * 1000) / t.done;
      for (const t of [one, two, bare]) t.ms.sort((a, b) => a - b);
      const r2 = (v: number) => Number(v.toFixed(2));
      const perLoad = (v: number, t: Target) => r2((v * 1000) / t.done);
      const load1 = loadavg()[0];
      // the priorities the processes had, read back (nice(1) without root leaves them unchanged)
      const serviceNice = getPriority(server.pid!);
      const floorNice = getPriority(floor.pid!);
      const metrics = {
        loadsPerSecond: Math.round(perSecond(one)),
        p50Ms: r2(percentile(one.ms, 50)),
        p99Ms: r2(percentile(one.ms, 99)),
        // the /metrics reads themselves cost one session lookup each, left in
        roundTripsPerLoad: r2(one.trips / one.done),
        nodeCpuMsPerLoad: perLoad(one.nodeCpu, one),
        pgCpuMsPerLoad: perLoad(one.pgCpu, one),
        workers2LoadsPerSecond: Math.round(perSecond(two)),
        workers2P99Ms: r2(percentile(two.ms, 99)),
        workers2NodeCpuMsPerLoad: perLoad(two.nodeCpu, two),
        // the primary's share (it only hands connections over)
        workers2PrimaryCpuMsPerLoad: perLoad(two.primaryCpu, two),
        workers2PgCpuMsPerLoad: perLoad(two.pgCpu, two),
        floorLoadsPerSecond: Math.round(perSecond(bare)),
        floorCpuMsPerLoad: r2(cpuMs(bare)),
        // this process, driving the clients (measure.ts)
        generatorCpuMsPerLoad: perLoad(one.generatorCpu, one),
        floorGeneratorCpuMsPerLoad: perLoad(bare.generatorCpu, bare),
        // the same 32 clients against the bare pair: the latency a machine this busy gives any endpoint
        floorP99Ms: r2(percentile(bare.ms, 99)),
        // CPU per load is what a busy shared machine disturbs least: the floor's over the service's
        cpuRatioToFloor: Number((cpuMs(bare) / cpuMs(one)).toFixed(3)),
        // the same with this process's CPU counted in: where every core is busy, the throughput ratio
        withGeneratorCpuRatioToFloor: Number((withGenerator(bare) / withGenerator(one)).toFixed(3)),
        ratioToFloor: Number((perSecond(one) / perSecond(bare)).toFixed(3)),
        pacedLoadsPerSecond: Math.round(pacedRate(one)),
        pacedP50Ms: r2(percentile(paced, 50)),
        pacedP99Ms: r2(percentile(paced, 99)),
        floorPacedLoadsPerSecond: Math.round(pacedRate(bare)),
        floorPacedP99Ms: r2(percentile(floorPaced, 99)),
        workers2RatioToFloor: Number((perSecond(two) / perSecond(bare)).toFixed(3)),
        poolSize: POOL,
        serviceNice,
        floorNice,
        loadAverageStart: r2(load0),
        loadAverageEnd: r2(load1),
      };
      process.stdout.write(`${JSON.stringify(metrics, null, 2)}\n`);
      writeResults(
        'loads',
        metrics,
        `${CONCURRENCY} concurrent, ${CARDS} cards; 1 worker, 2 workers and the floor (one process) interleaved, ${ROUNDS} slices of ${SECONDS / ROUNDS} s each; then the 1-worker service and the floor each open-loop at ${PACED} of its measured rate for ${PACED_SECONDS} s (latency from each load's scheduled start); service run with NODE_OPTIONS '${SERVICE_NODE_OPTIONS}', ${priorityNote(serviceNice)} (the floor at nice ${floorNice}); ${POOL} PostgreSQL connections per process (service and floor); service, generator and PostgreSQL share the machine; load average ${load0.toFixed(1)} at start, ${load1.toFixed(1)} at the end${values.note ? `; ${values.note}` : ''}`,
      );
    } finally {
      await stopProcess(floor);
      await stopProcess(server2);
    }
  } finally {
    await pgc.end();
    if (server.exitCode === null) await stopProcess(server);
  }
});
