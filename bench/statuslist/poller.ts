// The lanes' side of the status-list benchmark, in its own process so that its CPU is not the
// service's heap: one full signed snapshot (streamed, verified, not kept), a thousand pulls of a
// 1,000-change delta, and not-modified polls cycling through every lane as fast as the service
// answers. Prints one JSON line per event on stdout.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request, type IncomingMessage } from 'node:http';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { readPackage } from '../../lanes-sim/status-list/package.ts';
import { signatureHeaders } from '../../lanes-sim/status-list/signing.ts';

const [centre, secretsFile, deltaSince, currentVersion, seconds, concurrency, floor] = process.argv.slice(2);
const lanes = JSON.parse(readFileSync(secretsFile, 'utf8')) as Array<{ id: string; secret: string }>;
const agent = new Agent({ keepAlive: true, maxSockets: Number(concurrency) + 4 });
const emit = (o: Record<string, unknown>) => process.stdout.write(JSON.stringify(o) + '\n');

// asks the service's process to switch its delta cache (memory) and its stored deltas (database),
// and waits for its "go" on stdin
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
async function cache(on: boolean, stored = true): Promise<void> {
  emit({ event: 'want', deltaCache: on, storedDeltas: stored });
  await lines.next();
}

function get(lane: { id: string; secret: string }, path: string, gzip: boolean): Promise<IncomingMessage> {
  const headers = {
    ...signatureHeaders({ clientId: lane.id, secret: lane.secret }, 'GET', path, '', Date.now()),
    'accept-encoding': gzip ? 'gzip' : 'identity',
  };
  return new Promise((resolve, reject) =>
    request(centre + path, { method: 'GET', headers, agent }, resolve)
      .on('error', reject)
      .end(),
  );
}

async function drain(r: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function certificate() {
  const r = await get(lanes[0], '/api/v1/status-list/certificate', false);
  return new X509Certificate((await drain(r)).toString()).publicKey;
}

const body = (r: IncomingMessage): AsyncIterable<Uint8Array> =>
  r.headers['content-encoding'] === 'gzip' ? r.pipe(createGunzip()) : r;

async function main() {
  const key = await certificate();
  // 1. the full signed snapshot, gzip as lanes ask for it; verified while it streams
  emit({ event: 'full-start' });
  let t = performance.now();
  const full = await get(lanes[0], `/api/v1/lanes/${lanes[0].id}/status-list`, true);
  const gz = full.headers['content-encoding'] === 'gzip';
  const read = await readPackage(body(full), key);
  emit({
    event: 'full-end',
    seconds: (performance.now() - t) / 1000,
    entries: read.entries,
    version: read.header.version,
    gzip: gz,
  });

  // 2. the 1,000-change delta (ten versions), then a one-version delta: one lane after another
  const deltas = async (since: number, event: string) => {
    const path = (lane: { id: string }) => `/api/v1/lanes/${lane.id}/status-list?since=${since}`;
    const check = await get(lanes[1], path(lanes[1]), true);
    const d = await readPackage(body(check), key);
    const samples: number[] = [];
    for (let i = 0; i < 1050; i++) {
      const lane = lanes[i % lanes.length];
      const t0 = performance.now();
      const r = await get(lane, path(lane), true);
      await drain(r);
      if (r.statusCode !== 200) throw new Error(`delta answered ${r.statusCode}`);
      if (i >= 50) samples.push(performance.now() - t0); // the first 50 warm the connection and caches
    }
    samples.sort((a, b) => a - b);
    emit({
      event,
      lines: d.entries,
      kind: d.header.kind,
      from: d.header.from,
      version: d.header.version,
      p50: samples[Math.floor(samples.length * 0.5)],
      p99: samples[Math.ceil(samples.length * 0.99) - 1],
      max: samples.at(-1),
    });
  };
  // from the database every time (the figure reported: the signed package kept there by the first
  // pull), then built and signed at every pull (no stored package: what a first pull costs), then
  // as lanes really get it: the same delta for every lane after a publish, from the memory cache
  await cache(false);
  await deltas(Number(deltaSince), 'delta');
  await deltas(Number(currentVersion) - 1, 'delta-single');
  // the floor: the same bytes from a bare HTTP server in the service's process (no signature check,
  // no database, gzip as the service does it)
  emit({ event: 'want', deltaCache: false, storedDeltas: true, floorOf: { since: Number(deltaSince) } });
  await lines.next();
  const bare: number[] = [];
  for (let i = 0; i < 1050; i++) {
    const t0 = performance.now();
    const r = await new Promise<IncomingMessage>((resolve, reject) =>
      request(floor, { headers: { 'accept-encoding': 'gzip' }, agent }, resolve)
        .on('error', reject)
        .end(),
    );
    await drain(r);
    if (i >= 50) bare.push(performance.now() - t0);
  }
  bare.sort((a, b) => a - b);
  emit({ event: 'floor', p50: bare[Math.floor(bare.length * 0.5)], p99: bare[Math.ceil(bare.length * 0.99) - 1] });
  await cache(false, false);
  await deltas(Number(deltaSince), 'delta-built');
  await cache(true);
  await deltas(Number(deltaSince), 'delta-cached');

  // 3. not modified: every lane in turn polls with the current version
  let next = 0;
  let done = 0;
  let errors = 0;
  const lat: number[] = [];
  const until = performance.now() + Number(seconds) * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const lane = lanes[next++ % lanes.length];
      const s = performance.now();
      const r = await get(lane, `/api/v1/lanes/${lane.id}/status-list?since=${currentVersion}`, true);
      await drain(r);
      if (r.statusCode === 304) done++;
      else errors++;
      if (lat.length < 200_000) lat.push(performance.now() - s);
    }
  };
  t = performance.now();
  await Promise.all(Array.from({ length: Number(concurrency) }, worker));
  const elapsed = (performance.now() - t) / 1000;
  lat.sort((a, b) => a - b);
  emit({
    event: 'not-modified',
    perSecond: done / elapsed,
    requests: done,
    errors,
    lanesCovered: Math.min(next, lanes.length),
    p99: lat[Math.ceil(lat.length * 0.99) - 1],
  });
  agent.destroy();
  process.stdin.destroy();
}

main().catch((err) => {
  emit({ event: 'error', message: String(err?.stack ?? err) });
  process.exitCode = 1;
});
