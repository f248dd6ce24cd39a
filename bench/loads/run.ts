// bench/loads: complete online loads (init → virtual card → confirm) over HTTP against real
// PostgreSQL, 32 concurrent, with every MAC verified and every ledger entry posted; and, in the same
// run, the floor: a bare Express + pg endpoint pair doing two single-row transactions per "load".
// Usage: npx tsx bench/loads/run.ts [--seconds 20] [--cards 256] [--concurrency 32]
import { createHmac, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { kcv } from '../../src/platform/crypto/pboc.ts';
import { stringToSign } from '../../src/platform/http/auth.ts';
import { VirtualCard, type MasterKeys } from '../../lanes-sim/card/virtual-card.ts';
import { mobile, plate, residentId } from '../../test/helpers/generators.ts';
import { etcCommand, percentile, startProcess, stopProcess, withDatabase, writeResults } from '../lib.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    cards: { type: 'string', default: '256' },
    concurrency: { type: 'string', default: '32' },
  },
});
const SECONDS = Number(values.seconds);
const CARDS = Number(values.cards);
const CONCURRENCY = Number(values.concurrency);
const KEY_VERSION = 2;
const TERMINAL = '0A1B2C3D4E5F';

// Runs `worker` on CONCURRENCY lanes for SECONDS; returns completed count and per-item latencies.
async function drive(
  worker: (lane: number, i: number) => Promise<void>,
): Promise<{ done: number; seconds: number; ms: number[] }> {
  const ms: number[] = [];
  const end = Date.now() + SECONDS * 1000;
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
  const masters: MasterKeys = { load: randomBytes(16), tac: randomBytes(16), purchase: randomBytes(16) };
  const keyFile = `/tmp/etc-bench-keys-${process.pid}.json`;
  const { writeFileSync, rmSync } = await import('node:fs');
  writeFileSync(
    keyFile,
    JSON.stringify({
      keys: (['load', 'tac', 'purchase'] as const).map((p) => ({
        purpose: p,
        version: KEY_VERSION,
        value: masters[p].toString('hex'),
        kcv: kcv(masters[p]).toString('hex'),
      })),
    }),
    { mode: 0o600 },
  );
  try {
    await etcCommand(['keys', 'import', '--file', keyFile], env);
  } finally {
    rmSync(keyFile);
  }
  const clerkPassword = /password \(shown once\): (\S+)/.exec(
    await etcCommand(['users', 'add', '--role', 'clerk', '--name', 'bench clerk', '--username', 'bench'], env),
  )![1];
  const secret = /secret \(shown once\): (\S+)/.exec(
    await etcCommand(['clients', 'add', '--role', 'bank', '--id', 'BENCH'], env),
  )![1];
  const port = 18000 + (process.pid % 1000);
  const base = `http://127.0.0.1:${port}`;
  const server = await startProcess(['src/main.ts', 'serve'], { ...env, PORT: String(port) }, 'listening on');
  try {
    const post = (path: string, body: unknown, headers: Record<string, string>) =>
      fetch(base + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const token = (
      (await (await post('/api/v1/sessions', { username: 'bench', password: clerkPassword }, {})).json()) as {
        token: string;
      }
    ).token;
    const staff = { authorization: `Bearer ${token}` };
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
    for (let i = 0; i < 64; i++) await oneLoad(i % CONCURRENCY, i); // warm-up
    const loads = await drive(oneLoad);
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
      const floorRun = await drive(async (lane, i) => {
        await fl(lane * 100 + (i % 100) + 1);
        await fl(lane * 100 + (i % 100) + 1);
      });
      const metrics = {
        loadsPerSecond: Math.round(loads.done / loads.seconds),
        p50Ms: Number(percentile(loads.ms, 50).toFixed(2)),
        p99Ms: Number(percentile(loads.ms, 99).toFixed(2)),
        floorLoadsPerSecond: Math.round(floorRun.done / floorRun.seconds),
        ratioToFloor: Number((loads.done / loads.seconds / (floorRun.done / floorRun.seconds)).toFixed(3)),
      };
      process.stdout.write(`${JSON.stringify(metrics, null, 2)}\n`);
      writeResults(
        'loads',
        metrics,
        `${CONCURRENCY} concurrent, ${CARDS} cards, ${SECONDS} s each; service, generator and PostgreSQL share the machine`,
      );
    } finally {
      await stopProcess(floor);
    }
  } finally {
    if (server.exitCode === null) await stopProcess(server);
  }
});
