// bench/loads: complete online loads (init → virtual card → confirm) over HTTP against real
// PostgreSQL, 32 concurrent, with every MAC verified and every ledger entry posted; and, in the same
// run, the floor: a bare Express + pg endpoint pair doing two single-row transactions per "load".
// The service is measured with 1 and then 2 API workers (`serve --workers N`), each run reporting
// loads/s, p50/p99, database round trips per load (ETC_COUNT_QUERIES=1, read from /metrics with one
// worker), and CPU per load of the service's processes and of the database's backends (from
// /proc/<pid>/stat: the service's pid and its workers; the backends pg_stat_activity lists for the
// bench database). The load average is recorded at the start and at the end.
// Usage: npx tsx bench/loads/run.ts [--seconds 20] [--cards 256] [--concurrency 32] [--note TEXT]
import { createHmac, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { stringToSign } from '../../src/platform/http/auth.ts';
import { VirtualCard } from '../../lanes-sim/card/virtual-card.ts';
import { mobile, plate, residentId } from '../../test/helpers/generators.ts';
import {
  etcCommand,
  importMasterKeys,
  percentile,
  startProcess,
  stopProcess,
  withDatabase,
  writeResults,
} from '../lib.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    cards: { type: 'string', default: '256' },
    concurrency: { type: 'string', default: '32' },
    note: { type: 'string', default: '' },
  },
});
const SECONDS = Number(values.seconds);
const CARDS = Number(values.cards);
const CONCURRENCY = Number(values.concurrency);
const KEY_VERSION = 2;
const TERMINAL = '0A1B2C3D4E5F';
const TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on Linux
const load0 = loadavg()[0];

// utime + stime of a process in seconds (0 once it is gone)
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS;
  } catch {
    return 0;
  }
}
// a process and its children (cluster workers)
function withChildren(pid: number): number[] {
  const kids = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [pid, ...kids];
}

// Runs `worker` on CONCURRENCY lanes for SECONDS; returns completed count and per-item latencies.
async function drive(
  worker: (lane: number, i: number) => Promise<void>,
  seconds = SECONDS,
): Promise<{ done: number; seconds: number; ms: number[] }> {
  const ms: number[] = [];
  const end = Date.now() + seconds * 1000;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, lane) => {
      for (let i = 0; Date.now() < end; i++) {
        const t = process.hrtime.bigint();
        await worker(lane, i);
        ms.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  return { done: ms.length, seconds: Number(process.hrtime.bigint() - started) / 1e9, ms: ms.sort((a, b) => a - b) };
}

await withDatabase(`etc_bench_loads_${process.pid}`, async (url) => {
  const env = { DATABASE_URL: url, ETC_KEK: randomBytes(32).toString('hex'), LOG_LEVEL: 'warn', REDIS_URL: '' };
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
  const serve = (workers: number) =>
    startProcess(
      ['src/main.ts', 'serve'],
      { ...env, PORT: String(port), ETC_WORKERS: String(workers), ETC_COUNT_QUERIES: '1' },
      // every worker listening
      new RegExp(Array.from({ length: workers }, () => 'listening on').join('[^]*')),
    );
  let server = await serve(1);
  const post = (path: string, body: unknown, headers: Record<string, string>) =>
    fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const sessionOf = async (username: string, password: string) => ({
    authorization: `Bearer ${((await (await post('/api/v1/sessions', { username, password }, {})).json()) as { token: string }).token}`,
  });
  const pgc = new pg.Client({ connectionString: url });
  await pgc.connect();
  const backends = async () =>
    (
      await pgc.query('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()')
    ).rows.map((r: { pid: number }) => r.pid);
  try {
    const staff = await sessionOf('bench', clerkPassword);
    const adminAuth = await sessionOf('benchadmin', admin);
    const roundTrips = async () => {
      const text = await (await fetch(`${base}/metrics`, { headers: adminAuth })).text();
      return Number(/^etc_db_round_trips_total (\d+)/m.exec(text)?.[1] ?? NaN);
    };
    const cards: VirtualCard[] = [];
    for (let i = 0; i < CARDS; i += 16) {
      cards.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(16, CARDS - i) }, async () => {
            const c = (await (
              await post(
                '/api/v1/customers',
                { kind: 'personal', name: '压测', idType: 1, idNumber: residentId(), phone: mobile() },
                staff,
              )
            ).json()) as { customer: { id: number } };
            const v = (await (
              await post(
                `/api/v1/customers/${c.customer.id}/vehicles`,
                { plate: plate(), plateColor: 0, vehicleClass: 1 },
                staff,
              )
            ).json()) as { vehicle: { id: number } };
            const card = (await (
              await post(
                '/api/v1/cards',
                { customerId: c.customer.id, vehicleId: v.vehicle.id, cardType: 22, payment: { method: 'cash' } },
                staff,
              )
            ).json()) as { card: { cardNo: string } };
            return new VirtualCard({ cardNo: card.card.cardNo, masters, keyVersion: KEY_VERSION });
          }),
        )),
      );
    }
    let serial = 0;
    const signedPost = async (path: string, body: unknown) => {
      const raw = JSON.stringify(body);
      const ts = String(Date.now());
      const sig = createHmac('sha256', secret)
        .update(stringToSign('POST', path, ts, Buffer.from(raw)))
        .digest('hex');
      const res = await fetch(base + path, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-client-id': 'BENCH',
          'x-timestamp': ts,
          'x-signature': sig,
          'idempotency-key': `B${process.pid}-${++serial}`,
        },
        body: raw,
      });
      const json = (await res.json()) as Record<string, string>;
      if (res.status >= 300) throw new Error(`${path} ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const perLane = Math.max(1, Math.floor(CARDS / CONCURRENCY));
    const oneLoad = async (lane: number, i: number) => {
      const card = cards[(lane * perLane + (i % perLane)) % cards.length];
      const init = card.initializeForLoad(100, TERMINAL);
      const a = await signedPost('/api/v1/channel/loads', {
        cardNo: card.cardNo,
        amount: 100,
        terminalId: TERMINAL,
        card: init,
        payment: { method: 'bank-account', reference: `R${serial}` },
      });
      const { tac } = card.creditForLoad(a.hostDate, a.hostTime, a.mac2);
      await signedPost(`/api/v1/channel/loads/${a.loadId}/confirm`, { tac });
    };
    // one measured run against the service as it is now: throughput, latency, CPU per load
    const measure = async (workers: number) => {
      // warm-up at full concurrency: every worker's code compiled, every pool connection open
      await drive(oneLoad, 3);
      const trips0 = workers === 1 ? await roundTrips() : NaN;
      const nodePids = withChildren(server.pid!);
      const pgPids = await backends();
      const cpu = (pids: number[]) => pids.reduce((s, p) => s + cpuSeconds(p), 0);
      const node0 = cpu(nodePids);
      const primary0 = cpuSeconds(server.pid!);
      const pg0 = new Map(pgPids.map((p) => [p, cpuSeconds(p)]));
      const run = await drive(oneLoad);
      const node1 = cpu(nodePids);
      const primary1 = cpuSeconds(server.pid!);
      let pgCpu = 0;
      for (const p of new Set([...pgPids, ...(await backends())])) pgCpu += cpuSeconds(p) - (pg0.get(p) ?? 0);
      const trips1 = workers === 1 ? await roundTrips() : NaN;
      return {
        loadsPerSecond: run.done / run.seconds,
        p50Ms: percentile(run.ms, 50),
        p99Ms: percentile(run.ms, 99),
        // the /metrics read itself costs one session lookup, left in
        roundTripsPerLoad: (trips1 - trips0) / run.done,
        nodeCpuMsPerLoad: ((node1 - node0) * 1000) / run.done,
        // with workers, the primary's share (it only hands connections over)
        primaryCpuMsPerLoad: ((primary1 - primary0) * 1000) / run.done,
        pgCpuMsPerLoad: (pgCpu * 1000) / run.done,
      };
    };
    // each worker count measured on a fresh service, after the same warm-up
    await stopProcess(server);
    server = await serve(1);
    const one = await measure(1);
    await stopProcess(server);
    server = await serve(2);
    const two = await measure(2);
    const check = await etcCommand(['check-ledger'], env);
    if (!check.includes('ledger invariants hold')) throw new Error(`ledger check failed after the run: ${check}`);

    await stopProcess(server);
    const floorPort = port + 1;
    const floor = await startProcess(
      ['bench/loads/floor-server.ts'],
      { DATABASE_URL: url, PORT: String(floorPort) },
      'floor listening',
    );
    try {
      const fl = async (id: number) => {
        const r = await fetch(`http://127.0.0.1:${floorPort}/floor/${id}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        await r.json();
      };
      await fl(1); // the pool's first connection, so its backend is seen
      const floorPg = await backends();
      const floorPg0 = new Map(floorPg.map((p) => [p, cpuSeconds(p)]));
      const floorNode0 = cpuSeconds(floor.pid!);
      const floorRun = await drive(async (lane, i) => {
        await fl(lane * 100 + (i % 100) + 1);
        await fl(lane * 100 + (i % 100) + 1);
      });
      const floorNodeCpu = cpuSeconds(floor.pid!) - floorNode0;
      let floorPgCpu = 0;
      for (const p of new Set([...floorPg, ...(await backends())]))
        floorPgCpu += cpuSeconds(p) - (floorPg0.get(p) ?? 0);
      const floorPerSecond = floorRun.done / floorRun.seconds;
      // CPU per load is what a busy shared machine disturbs least: the floor's over the service's
      const floorCpuMs = ((floorNodeCpu + floorPgCpu) * 1000) / floorRun.done;
      const r2 = (v: number) => Number(v.toFixed(2));
      const load1 = loadavg()[0];
      const metrics = {
        loadsPerSecond: Math.round(one.loadsPerSecond),
        p50Ms: r2(one.p50Ms),
        p99Ms: r2(one.p99Ms),
        roundTripsPerLoad: r2(one.roundTripsPerLoad),
        nodeCpuMsPerLoad: r2(one.nodeCpuMsPerLoad),
        pgCpuMsPerLoad: r2(one.pgCpuMsPerLoad),
        workers2LoadsPerSecond: Math.round(two.loadsPerSecond),
        workers2P99Ms: r2(two.p99Ms),
        workers2NodeCpuMsPerLoad: r2(two.nodeCpuMsPerLoad),
        workers2PrimaryCpuMsPerLoad: r2(two.primaryCpuMsPerLoad),
        workers2PgCpuMsPerLoad: r2(two.pgCpuMsPerLoad),
        floorLoadsPerSecond: Math.round(floorPerSecond),
        floorCpuMsPerLoad: r2(floorCpuMs),
        // the same 32 clients against the bare pair: the latency a machine this busy gives any endpoint
        floorP99Ms: r2(percentile(floorRun.ms, 99)),
        cpuRatioToFloor: Number((floorCpuMs / (one.nodeCpuMsPerLoad + one.pgCpuMsPerLoad)).toFixed(3)),
        ratioToFloor: Number((one.loadsPerSecond / floorPerSecond).toFixed(3)),
        workers2RatioToFloor: Number((two.loadsPerSecond / floorPerSecond).toFixed(3)),
        loadAverageStart: r2(load0),
        loadAverageEnd: r2(load1),
      };
      process.stdout.write(`${JSON.stringify(metrics, null, 2)}\n`);
      writeResults(
        'loads',
        metrics,
        `${CONCURRENCY} concurrent, ${CARDS} cards, ${SECONDS} s each with 1 then 2 workers, then the floor (one process); service, generator and PostgreSQL share the machine; load average ${load0.toFixed(1)} at start, ${load1.toFixed(1)} at the end${values.note ? `; ${values.note}` : ''}`,
      );
    } finally {
      await stopProcess(floor);
    }
  } finally {
    await pgc.end();
    if (server.exitCode === null) await stopProcess(server);
  }
});
