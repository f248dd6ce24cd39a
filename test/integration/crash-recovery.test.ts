// The real service (a child process on PostgreSQL and Redis) is killed with SIGKILL at seeded moments
// while a bank drives online loads and lanes upload trips at it; it is restarted each time and the
// clients retry what got no answer, under the same Idempotency-Key and body. Jobs are queued while it
// is down. At the end: every load the cards were credited with is confirmed at the centre exactly once
// (and nothing else is), every lane transaction the centre accepted is stored once, the queued jobs ran,
// the ledger holds, and a SIGTERM still stops it cleanly.
import assert from 'node:assert/strict';
import Bull from 'bull';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { VirtualCard, VirtualPsam, type MasterKeys } from '../../lanes-sim/card/virtual-card.ts';
import { signatureHeaders } from '../../lanes-sim/traffic/centre.ts';
import { LaneController, type LaneSpec, type WireTransaction } from '../../lanes-sim/traffic/lane.ts';
import { LaneTariff } from '../../lanes-sim/traffic/tariff.ts';
import { kcv } from '../../src/platform/crypto/pboc.ts';
import { mobile, plate, residentId } from '../helpers/generators.ts';
import {
  centreDb,
  cliClient,
  cliUser,
  login,
  startService,
  type CentreDb,
  type Service,
} from '../helpers/service-process.ts';

const SEED = Number(process.env.CRASH_SEED ?? 4242);
const OPERATIONS = Number(process.env.CRASH_OPERATIONS ?? 36);
const KILLS = Number(process.env.CRASH_KILLS ?? 4);
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// mulberry32: the seeded choices (which card, what amount, where the kills fall, how long after a send)
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Reply = { status: number; body: any };

describe(`crash recovery: SIGKILL at seeded moments (seed ${SEED})`, function () {
  this.timeout(240000);
  const prefix = `etc-crash-${randomBytes(4).toString('hex')}`;
  const keysFile = join(tmpdir(), `${prefix}-keys.json`);
  const masters: MasterKeys = { load: randomBytes(16), tac: randomBytes(16), purchase: randomBytes(16) };
  let db: CentreDb;
  let svc: Service | null = null;
  let sql: pg.Client;

  before(async () => {
    writeFileSync(
      keysFile,
      JSON.stringify({
        keys: (['load', 'tac', 'purchase'] as const).map((purpose) => ({
          purpose,
          version: 1,
          value: masters[purpose].toString('hex'),
          kcv: kcv(masters[purpose]).toString('hex'),
        })),
      }),
      { mode: 0o600 },
    );
    db = await centreDb('etc_crash', { REDIS_URL, ETC_QUEUE_PREFIX: prefix }, { keysFile });
    const seeded = db.etc('seed');
    assert.equal(seeded.status, 0, seeded.stderr);
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  });

  after(async () => {
    if (svc && svc.child.exitCode === null && svc.child.signalCode === null) svc.child.kill('SIGKILL');
    await sql?.end();
    const q = new Bull('cleanup', REDIS_URL, { prefix });
    const keys = await q.client.keys(`${prefix}:*`);
    if (keys.length) await q.client.del(...keys);
    await q.close();
    rmSync(keysFile, { force: true });
    await db?.drop();
  });

  it('loses no load, doubles none, stores every accepted lane transaction once, runs queued jobs, keeps the ledger', async () => {
    const random = rng(SEED);
    const clerk = cliUser(db, 'clerk');
    const bank = cliClient(db, 'bank', 'ICBC');
    const laneRows = (
      await sql.query(`select id, station_id, lane_no, direction from lanes where etc_enabled order by id`)
    ).rows;
    const spec = (station: number, direction: 'entry' | 'exit'): LaneSpec => {
      const r = laneRows.find((l) => l.station_id === station && l.direction === direction)!;
      return { laneId: r.id, network: '3401', station, laneNo: r.lane_no, direction };
    };
    const entry = new LaneController(
      spec(340102, 'entry'),
      new VirtualPsam(masters.purchase, { terminalId: 'C0FFEE000001' }),
    );
    const exit = new LaneController(
      spec(340104, 'exit'),
      new VirtualPsam(masters.purchase, { terminalId: 'C0FFEE000002' }),
    );
    const uploader = cliClient(db, 'lane', exit.spec.laneId);

    svc = await startService(db.env);
    const restarts: number[] = [];
    let retried = 0;
    const live = async (): Promise<Service> => {
      if (svc && svc.child.exitCode === null && svc.child.signalCode === null) return svc;
      svc = await startService(db.env);
      return svc;
    };
    // one request: a network failure (the process was killed under it) restarts the service and tries
    // again with the same bytes and key. Any answer is the answer, and a 5xx is a failure.
    const call = async (send: (base: string) => Promise<Response>, onSent?: () => void): Promise<Reply> => {
      for (let attempt = 0; attempt < 20; attempt++) {
        const s = await live();
        try {
          const pending = send(s.base);
          if (attempt === 0) onSent?.();
          const res = await pending;
          const text = await res.text();
          assert.ok(res.status < 500, `a server error after a restart: ${res.status} ${text}`);
          return { status: res.status, body: text ? JSON.parse(text) : null };
        } catch (err) {
          if (err instanceof assert.AssertionError) throw err;
          /* connection refused or reset: the process is gone */
        }
        retried++;
        // the kill was sent: wait for the exit before starting the next process
        if (s.child.killed) await s.exited;
      }
      throw new Error('no answer after 20 attempts');
    };
    const signedPost = (client: { id: string; secret: string }, path: string, body: unknown, key: string) => {
      const raw = JSON.stringify(body);
      return (base: string) =>
        fetch(base + path, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'Idempotency-Key': key,
            ...signatureHeaders(client.id, client.secret, 'POST', path, raw, Date.now()),
          },
          body: raw,
        });
    };
    let token = await login(svc.base, clerk);
    const staff = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<Reply> => {
      for (;;) {
        const r = await call((base) =>
          fetch(base + path, {
            method,
            headers: { 'content-type': 'application/json', authorization: token },
            body: body === undefined ? undefined : JSON.stringify(body),
          }),
        );
        if (r.status !== 401) return r;
        token = await login((await live()).base, clerk);
      }
    };

    // three stored-value cards issued at the counter, each a virtual card holding its own keys
    const cards: VirtualCard[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await staff('POST', '/api/v1/customers', {
        kind: 'personal',
        name: '赵六',
        idType: 1,
        idNumber: residentId(),
        phone: mobile(),
      });
      assert.equal(c.status, 201, JSON.stringify(c.body));
      const v = await staff('POST', `/api/v1/customers/${c.body.customer.id}/vehicles`, {
        plate: plate(),
        plateColor: 0,
        vehicleClass: 1,
        seats: 5,
        lengthMm: 4800,
        widthMm: 1800,
        heightMm: 1500,
      });
      const card = await staff('POST', '/api/v1/cards', {
        customerId: c.body.customer.id,
        vehicleId: v.body.vehicle.id,
        cardType: 22,
        payment: { method: 'cash' },
      });
      assert.equal(card.status, 201, JSON.stringify(card.body));
      cards.push(new VirtualCard({ cardNo: card.body.card.cardNo, masters, keyVersion: 1 }));
    }
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const network = await staff('GET', `/api/v1/network?date=${today}`);
    const discounts = await staff('GET', '/api/v1/network/discounts');
    const tariff = new LaneTariff(network.body, discounts.body);
    const toll = tariff.charge(340102, 340104, 1, true);

    // the operations and where the kills fall, all from the seed
    const killAt = new Set<number>();
    while (killAt.size < KILLS) killAt.add(1 + Math.floor(random() * (OPERATIONS - 1)));
    const credited = new Map<string, number[]>(cards.map((c) => [c.cardNo, []]));
    const answered: Array<{ terminalId: string; terminalSeq: number; disposition: string }> = [];
    let queuedWhileDown: string | null = null;
    const yesterday = new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);

    for (let op = 0; op < OPERATIONS; op++) {
      const card = cards[Math.floor(random() * cards.length)];
      const onSent = killAt.has(op)
        ? () => {
            const victim = svc!;
            // the first kill lands at once, with its request certainly unanswered; the others anywhere
            // from under the request to just after its answer
            const delay = restarts.length === 0 ? 0 : Math.floor(random() * 40);
            setTimeout(() => victim.child.kill('SIGKILL'), delay);
            restarts.push(op);
          }
        : undefined;
      if (card.balance < toll.amount || random() < 0.5) {
        const amount = 1000 + Math.floor(random() * 4000);
        const init = card.initializeForLoad(amount, '0A1B2C3D4E5F');
        const body = {
          cardNo: card.cardNo,
          amount,
          terminalId: '0A1B2C3D4E5F',
          card: init,
          payment: { method: 'bank-account' },
        };
        const r = await call(signedPost(bank, '/api/v1/channel/loads', body, `crash-init-${op}`), onSent);
        assert.equal(r.status, 201, `load ${op}: ${JSON.stringify(r.body)}`);
        const { tac } = card.creditForLoad(r.body.hostDate, r.body.hostTime, r.body.mac2);
        credited.get(card.cardNo)!.push(amount);
        const conf = await call(
          signedPost(bank, `/api/v1/channel/loads/${r.body.loadId}/confirm`, { tac }, `crash-confirm-${op}`),
        );
        assert.equal(conf.status, 200, `confirm ${op}: ${JSON.stringify(conf.body)}`);
      } else {
        const v = {
          plate: '皖A12345',
          plateColor: 0,
          vehicleClass: 1,
          obuId: '3401190220052902',
          cardType: 22 as const,
        };
        // a trip made after the card was issued; its exit within the centre's lane clock tolerance
        const at = Date.now();
        const e = entry.entry(card, v, new Date(at));
        const x = exit.exit(card, v, new Date(at + 4 * 60_000), e.point, {
          ...toll,
          sendSections: false,
        });
        const txs: WireTransaction[] = [e.tx, x];
        const path = `/api/v1/lanes/${exit.spec.laneId}/transactions`;
        const r = await call(signedPost(uploader, path, { transactions: txs }, `crash-upload-${op}`), onSent);
        assert.equal(r.status, 200, `upload ${op}: ${JSON.stringify(r.body)}`);
        for (const t of r.body.results as Array<{ terminalId: string; terminalSeq: number; disposition: string }>)
          answered.push({ terminalId: t.terminalId, terminalSeq: t.terminalSeq, disposition: t.disposition });
      }
      // after the last kill, while the service is down, a clearing run and an invariant check are queued
      // (a job a kill interrupts waits for bull's stalled-job check, 30 s, before it runs again elsewhere)
      if (onSent && restarts.length === KILLS && !queuedWhileDown) {
        const s = svc!;
        if (s.child.exitCode === null && s.child.signalCode === null) {
          s.child.kill('SIGKILL');
          await s.exited;
        }
        const clear = new Bull('clearing.clear-day', REDIS_URL, { prefix });
        const check = new Bull('invariants.check', REDIS_URL, { prefix });
        queuedWhileDown = `crash-${SEED}`;
        await clear.add({ date: yesterday }, { jobId: queuedWhileDown, attempts: 5 });
        await check.add({ trigger: 'crash-test' }, { jobId: queuedWhileDown, attempts: 5 });
        await Promise.all([clear.close(), check.close()]);
      }
    }
    assert.equal(restarts.length, KILLS, 'every kill happened');
    assert.ok(retried >= 1, `a request cut by a kill was retried (${retried} retries)`);
    assert.ok(queuedWhileDown, 'jobs were queued while the service was down');
    // the jobs queued while it was down ran after a restart (waited on through their state in Redis)
    await live();
    for (const name of ['clearing.clear-day', 'invariants.check']) {
      const q = new Bull(name, REDIS_URL, { prefix });
      try {
        const job = await q.getJob(queuedWhileDown!);
        assert.ok(job, `${name} job is known`);
        await job.finished();
        assert.equal(await job.getState(), 'completed', name);
      } finally {
        await q.close();
      }
    }
    const steps = await sql.query('select count(*)::int as n from clearing_day_steps where clearing_date = $1', [
      yesterday,
    ]);
    assert.ok(steps.rows[0].n > 0, 'the clearing of yesterday ran');
    const watched = await sql.query(`select count(*)::int as n from invariant_checks where not broken`);
    assert.ok(watched.rows[0].n > 0, 'the invariant check ran and found them holding');
    // stop it the graceful way, then compare the cards with the centre
    const last = svc!;
    last.child.kill('SIGTERM');
    assert.deepEqual(await last.exited, { code: 0, signal: null }, last.output().slice(-2000));
    for (const card of cards) {
      const loads = (
        await sql.query(
          `select status, count(*)::int as n, coalesce(sum(amount), 0)::bigint as total from loads where card_no = $1 group by status`,
          [card.cardNo],
        )
      ).rows;
      const amounts = credited.get(card.cardNo)!;
      const confirmed = loads.find((l) => l.status === 'confirmed');
      assert.deepEqual(
        [confirmed?.n ?? 0, BigInt(confirmed?.total ?? 0)],
        [amounts.length, BigInt(amounts.reduce((a, b) => a + b, 0))],
        `card ${card.cardNo}: the centre confirmed exactly the loads the card was credited with`,
      );
      assert.deepEqual(
        loads.filter((l) => l.status !== 'confirmed'),
        [],
        'no load left in flight or reversed',
      );
    }
    // every transaction the lanes were answered about is stored once, with the disposition answered
    // (the balance chain refuses some trips of this model: what matters here is that none is lost or
    // doubled across the kills, and that some were accepted and posted)
    assert.ok(answered.filter((a) => a.disposition === 'accepted').length > 0, 'lane transactions were accepted');
    const stored = (
      await sql.query(
        `select terminal_id, terminal_seq, disposition, count(*) over (partition by terminal_id, terminal_seq)::int as n
         from lane_transactions`,
      )
    ).rows;
    assert.equal(stored.length, answered.length, 'as many lane transactions stored as answered');
    for (const a of answered) {
      const row = stored.find((s) => s.terminal_id === a.terminalId && Number(s.terminal_seq) === a.terminalSeq);
      assert.deepEqual([row?.n, row?.disposition], [1, a.disposition], `${a.terminalId}/${a.terminalSeq} stored once`);
    }
    const ledger = db.etc('check-ledger');
    assert.equal(ledger.status, 0, ledger.stdout + ledger.stderr);
    assert.match(ledger.stdout, /ledger invariants hold/);
  });
});
