// Status-list benchmark (DESIGN §10): a list of --entries ids (10 million by default, generated in
// SQL) in a database of its own; the service in this process; the lanes' side in a child process
// (bench/statuslist/poller.ts). Measures the time and the service's peak RSS to stream a full signed
// snapshot, the p99 latency of a 1,000-change delta, and not-modified polls per second cycling
// through --lanes lanes (50,000 lanes polling once a minute need 833/s).
//   npx tsx bench/statuslist/run.ts [--entries N] [--lanes N] [--seconds S] [--concurrency C]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { createGzip } from 'node:zlib';
import { parseArgs } from 'node:util';
import type { Knex } from 'knex';
import { buildApp } from '../../src/app.ts';
import { bootstrap, shutdown } from '../../src/bootstrap.ts';
import { loadConfig } from '../../src/config.ts';
import type { AppContext } from '../../src/platform/http/context.ts';
import { seal } from '../../src/modules/statuslist/index.ts';
import { ROOT, withDatabase, writeResults } from '../lib.ts';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '10000000' },
    lanes: { type: 'string', default: '50000' },
    seconds: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '32' },
  },
});
const N = Number(values.entries);
const LANES = Number(values.lanes);
const log = (m: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);
const mb = (b: number) => Math.round(b / 2 ** 20);

// Version 1 is the whole list: 90 % own cards, 5 % own OBUs, 5 % a peer's cards (union), all in SQL.
async function generate(db: Knex, n: number): Promise<void> {
  await db.raw(
    `insert into status_list_entries (medium, medium_id, issuer, reason, version)
    select case when g % 20 = 0 then 'obu' else 'card' end,
           case when g % 20 = 0 then '3401' || lpad(g::text, 12, '0') when g % 20 = 1 then '3201' || lpad(g::text, 16, '0') else '3401' || lpad(g::text, 16, '0') end,
           case when g % 20 = 1 then '3201' else '3401' end, 1 + g % 3, 1
    from generate_series(1, ?::int) g`,
    [n],
  );
  await db.raw(
    'insert into status_list_causes (medium, medium_id, reason, issuer, since_version) select medium, medium_id, reason, issuer, 1 from status_list_entries',
  );
  const peer = Math.floor((n + 19) / 20);
  await db('status_list_versions').insert({
    version: 1,
    published_at: new Date(),
    published_by: 'bench',
    changed: n,
    entered: n,
    removed: 0,
    total: n,
    own_total: n - peer,
  });
  // the initial load has no delta rows: a lane below version 1 gets a full list
  await db('status_list_state').update({ pruned_through: 1 });
  await db.raw('vacuum analyze status_list_entries');
  await db.raw('vacuum analyze status_list_causes');
}

// 1,000 changes published by the real publisher as ten versions (2–11) of 50 leaves and 50 enters:
// the 1,000-change delta (since 1) spans ten versions, the general case (one version alone is cheaper).
async function thousandChanges(app: AppContext, n: number): Promise<number> {
  const step = 20 * Math.floor(n / (20 * 501)); // spread over the list; ≡ 2 (mod 20): own cards
  let ms = 0;
  for (let v = 0; v < 10; v++) {
    await app.db.raw(
      `insert into status_list_changes (medium, medium_id, issuer, action, reason, whole, source, state, created_at, created_by)
      select 'card', '3401' || lpad((?::int * (?::int + k) + 2)::text, 16, '0'), '3401', 'leave', null, true, 'manual', 'pending', now(), 'bench' from generate_series(1, 50) k
      union all
      select 'card', '3401' || lpad((?::int + ?::int + k)::text, 16, '0'), '3401', 'enter', 1, false, 'rule', 'pending', now(), 'bench' from generate_series(1, 50) k`,
      [step, v * 50, n, v * 50],
    );
    const t = performance.now();
    const published = await seal(app.db, app.clock.now(), 'bench', '3401');
    ms += performance.now() - t;
    if (!published || published.changed !== 100)
      throw new Error(`expected 100 changes, got ${JSON.stringify(published)}`);
  }
  return ms / 10;
}

// Lanes in the registry and their machine clients (secrets sealed as the service keeps them).
async function provisionLanes(app: AppContext, count: number, file: string): Promise<void> {
  const stations = Math.ceil(count / 99);
  await app.db.raw(
    `insert into stations (id, network, name, road, kind) select 350000 + s, '3401', 'Bench ' || s, 'G99', 'toll-station' from generate_series(1, ?::int) s`,
    [stations],
  );
  await app.db.raw(
    `insert into lanes (id, station_id, lane_no, direction)
    select 'L' || (350000 + s) || '-' || lpad(k::text, 2, '0'), 350000 + s, k, case when k % 2 = 0 then 'exit' else 'entry' end
    from generate_series(1, ?::int) s, generate_series(1, 99) k order by s, k limit ?`,
    [stations, count],
  );
  const ids: string[] = await app.db('lanes').where('station_id', '>', 350000).orderBy('id').pluck('id');
  const secrets = ids.map((id) => ({ id, secret: randomBytes(16).toString('hex') }));
  for (let i = 0; i < secrets.length; i += 2000) {
    await app.db('api_clients').insert(
      secrets.slice(i, i + 2000).map((s) => ({
        id: s.id,
        role: 'lane',
        secret_sealed: app.keys.hsm.seal('client-secret', Buffer.from(s.secret)),
      })),
    );
  }
  writeFileSync(file, JSON.stringify(secrets));
}

type Event = Record<string, any>;

async function measure(
  app: AppContext,
  url: string,
  secrets: string,
  seconds: string,
  concurrency: string,
  floor: { url: string; load: (since: number) => Promise<void> },
): Promise<{ events: Event[]; peakRss: number; baseRss: number }> {
  const events: Event[] = [];
  let tracking = false;
  let baseRss = process.memoryUsage().rss;
  let peakRss = 0;
  const sampler = setInterval(() => {
    if (tracking) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/statuslist/poller.ts', url, secrets, '1', '11', seconds, concurrency, floor.url],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += String(d);
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const e = JSON.parse(buf.slice(0, i)) as Event;
      buf = buf.slice(i + 1);
      events.push(e);
      if (e.event === 'full-start') {
        baseRss = process.memoryUsage().rss;
        peakRss = baseRss;
        tracking = true;
      }
      if (e.event === 'full-end') tracking = false;
      if (e.event === 'want') {
        app.config.statusList.deltaCacheMb = e.deltaCache ? 64 : 0;
        app.config.statusList.storedDeltas = e.storedDeltas !== false;
        if (e.floorOf)
          void floor
            .load(e.floorOf.since)
            .then(() => child.stdin.write('go\n'))
            .catch((err) => child.kill() && log(String(err)));
        else child.stdin.write('go\n');
      }
      log(`poller: ${JSON.stringify(e)}`);
    }
  });
  const code = await new Promise<number>((r) => child.on('exit', (c) => r(c ?? 1)));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`the poller failed (${code})`);
  return { events, peakRss, baseRss };
}

const dataDir = mkdtempSync(join(tmpdir(), 'etc-bench-statuslist-'));
let metrics: Record<string, number> = {};
let note = '';
try {
  await withDatabase('etc_bench_statuslist', async (url) => {
    const app = await bootstrap(
      loadConfig({
        DATABASE_URL: url,
        ETC_KEK: randomBytes(32).toString('hex'),
        ETC_DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        ETC_LIST_MAX_STREAMS: '8',
      }),
      { generateKeys: true },
    );
    try {
      let t = performance.now();
      log(`generating ${N.toLocaleString('en')} entries in SQL…`);
      await generate(app.db, N);
      const genSeconds = (performance.now() - t) / 1000;
      log(`generated in ${genSeconds.toFixed(1)} s`);
      const publishMs = await thousandChanges(app, N);
      log(`published 10 versions of 100 changes, ${publishMs.toFixed(0)} ms each`);
      t = performance.now();
      await provisionLanes(app, LANES, join(dataDir, 'lanes.json'));
      log(
        `${LANES.toLocaleString('en')} lanes and clients provisioned in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
      await app.keys.ensurePki(app.db, { network: '3401', now: new Date() });
      const server = buildApp(app).express.listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      // the floor's server: the 1,000-change delta's very bytes, gzipped per request like the service
      let floorBytes = Buffer.alloc(0);
      const loadFloor = async (since: number) => {
        const { rows } = await app.db.raw(
          'select bytes from status_list_delta_packages where from_version = ? and to_version = 11',
          [since],
        );
        if (!rows[0]) throw new Error('no stored delta for the floor');
        floorBytes = rows[0].bytes;
      };
      const floorServer = createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' });
        pipeline(Readable.from([floorBytes]), createGzip({ level: 1 }), res, () => {});
      }).listen(0, '127.0.0.1');
      await new Promise((r) => floorServer.once('listening', r));
      try {
        const load = loadavg()[0].toFixed(1); // other work on the machine skews every figure: say how much
        const { events, peakRss, baseRss } = await measure(
          app,
          base,
          join(dataDir, 'lanes.json'),
          values.seconds!,
          values.concurrency!,
          { url: `http://127.0.0.1:${(floorServer.address() as AddressInfo).port}/`, load: loadFloor },
        );
        const full = events.find((e) => e.event === 'full-end')!;
        const delta = events.find((e) => e.event === 'delta')!;
        const single = events.find((e) => e.event === 'delta-single')!;
        const built = events.find((e) => e.event === 'delta-built')!;
        const hot = events.find((e) => e.event === 'delta-cached')!;
        const bare = events.find((e) => e.event === 'floor')!;
        const nm = events.find((e) => e.event === 'not-modified')!;
        if (full.entries !== N) throw new Error(`the full snapshot had ${full.entries} entries, not ${N}`);
        metrics = {
          fullSnapshotSeconds: full.seconds,
          fullSnapshotPeakRssMb: mb(peakRss),
          deltaP50Ms: delta.p50,
          deltaP99Ms: delta.p99,
          deltaBuiltP99Ms: built.p99,
          floorP99Ms: bare.p99,
          deltaRatioToFloor: delta.p99 / bare.p99,
          notModifiedPerSecond: nm.perSecond,
        };
        const loadEnd = loadavg()[0].toFixed(1);
        note =
          `${N.toLocaleString('en')} entries (generated in ${genSeconds.toFixed(0)} s); full gzip, verified by the lane side; RSS ${mb(baseRss)} MB before the full, peak ${mb(peakRss)} MB; ` +
          `publish of a 100-change version ${publishMs.toFixed(0)} ms; delta of ${delta.lines} changes over 10 versions from the database (the signed package stored by its first pull) p50 ${delta.p50.toFixed(1)} ms, p99 ${delta.p99.toFixed(1)} ms; built and signed at every pull (no stored package, as a first pull) p50 ${built.p50.toFixed(1)} ms, p99 ${built.p99.toFixed(1)} ms; floor (the same bytes from a bare node:http server in the same process, gzip level 1 per request) p50 ${bare.p50.toFixed(1)} ms, p99 ${bare.p99.toFixed(1)} ms: delta p99 ${(delta.p99 / bare.p99).toFixed(2)}× the floor's; one-version delta of ${single.lines} changes p99 ${single.p99.toFixed(1)} ms; the 1,000-change delta from the cache (as lanes get it after a publish) p99 ${hot.p99.toFixed(1)} ms; ` +
          `304 over ${nm.lanesCovered.toLocaleString('en')} of ${LANES.toLocaleString('en')} lanes at concurrency ${values.concurrency}: ${Math.round(nm.perSecond)}/s (${(nm.perSecond / (LANES / 60)).toFixed(1)}× the ${Math.round(LANES / 60)}/s needed), p99 ${nm.p99.toFixed(1)} ms, ${nm.errors} errors; load average ${load} when measuring began, ${loadEnd} at the end`;
      } finally {
        server.close();
        floorServer.close();
        floorServer.closeAllConnections();
        server.closeAllConnections();
      }
    } finally {
      await shutdown(app);
    }
  });
  writeResults('statuslist', metrics, note);
  log(`results: ${JSON.stringify(metrics)}`);
  log(note);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
