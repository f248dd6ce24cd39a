// /readyz names the dependency that is down (database, queue, key service); the invariant watch runs
// hourly and after each cleared day, keeps its result for /metrics, and raises a broken invariant as a
// finance exception. The watch is tried on a database of its own, broken there on purpose.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { buildApp } from '../../src/app.ts';
import { bootstrap, shutdown } from '../../src/bootstrap.ts';
import { loadConfig } from '../../src/config.ts';
import { KeyService, SoftwareHsm } from '../../src/modules/keys/index.ts';
import { registerJobs } from '../../src/modules/jobs.ts';
import { CLEAR_DAY } from '../../src/modules/clearing/index.ts';
import { CHECK_INVARIANTS } from '../../src/modules/health/index.ts';
import { createPostgresKnex } from '../../src/platform/db/knex.ts';
import { ManualClock } from '../../src/platform/clock/clock.ts';
import type { AppContext } from '../../src/platform/http/context.ts';
import { createLogger } from '../../src/platform/log/logger.ts';
import { BullQueue, type AddOptions, type JobHandler, type Queue } from '../../src/platform/queue/queue.ts';
import { adminSql, databaseUrl } from '../helpers/admin-db.ts';
import { harness } from '../helpers/harness.ts';
import { Writable } from 'node:stream';

// A queue that records what is added and lets the test run a job itself.
class RecordingQueue implements Queue {
  readonly kind = 'in-process' as const;
  readonly added: Array<{ name: string; data: Record<string, unknown>; jobId?: string }> = [];
  readonly handlers = new Map<string, JobHandler>();
  async add(name: string, data: Record<string, unknown>, opts: AddOptions = {}): Promise<void> {
    this.added.push({ name, data, jobId: opts.jobId });
  }
  process(name: string, handler: JobHandler): void {
    this.handlers.set(name, handler);
  }
  async healthy(): Promise<boolean> {
    return true;
  }
  async close(): Promise<void> {}
}

describe('readiness probe', () => {
  it('is 200 with every check up, unauthenticated', async () => {
    const h = await harness();
    const res = await request(h.http).get('/readyz').expect(200);
    assert.deepEqual(res.body, { status: 'ready', database: 'up', queue: 'up', keys: 'up' });
  });

  it('is 503 naming the queue when Redis does not answer', async function () {
    this.timeout(20000);
    const h = await harness();
    const dead = new BullQueue('redis://127.0.0.1:1', `etc-dead-${randomBytes(3).toString('hex')}`);
    try {
      const res = await request(buildApp({ ...h.app, queue: dead }).express)
        .get('/readyz')
        .expect(503);
      assert.deepEqual(res.body, { status: 'not-ready', database: 'up', queue: 'down', keys: 'up' });
    } finally {
      void dead.close().catch(() => {});
    }
  });

  it('is 503 naming the key service when the master keys do not open under its KEK, saying nothing more', async () => {
    const h = await harness();
    const wrong = new KeyService(new SoftwareHsm(randomBytes(32)));
    const res = await request(buildApp({ ...h.app, keys: wrong }).express)
      .get('/readyz')
      .expect(503);
    assert.deepEqual(res.body, { status: 'not-ready', database: 'up', queue: 'up', keys: 'down' });
  });

  it('is 503 naming the database when it does not answer', async function () {
    this.timeout(20000);
    const h = await harness();
    const dead = createPostgresKnex('postgres://postgres@127.0.0.1:1/nothing');
    // the key check reads the key store through the same database: it is down with it
    const res = await request(buildApp({ ...h.app, db: dead }).express)
      .get('/readyz')
      .expect(503);
    void dead.destroy().catch(() => {});
    assert.equal(res.body.status, 'not-ready');
    assert.equal(res.body.database, 'down');
    assert.deepEqual(res.body, { status: 'not-ready', database: 'down', queue: 'up', keys: 'down' }, 'no error text');
  });
});

describe('invariant watch', function () {
  this.timeout(60000);
  const name = `etc_watch_${randomBytes(4).toString('hex')}`;
  const queue = new RecordingQueue();
  const clock = new ManualClock('2026-11-20T10:00:00+08:00');
  const log: string[] = [];
  let app: AppContext;
  before(async () => {
    await adminSql(`create database ${name}`);
    const config = loadConfig({
      DATABASE_URL: databaseUrl(name),
      ETC_KEK: randomBytes(32).toString('hex'),
      ETC_DATA_DIR: `${process.env.TMPDIR ?? '/tmp'}/${name}`,
    });
    const sink = new Writable({
      write(chunk, _e, cb) {
        log.push(String(chunk));
        cb();
      },
    });
    app = await bootstrap(config, { clock, queue, generateKeys: true, log: createLogger('info', sink) });
  });
  after(async () => {
    if (app) await shutdown(app);
    await adminSql(`drop database if exists ${name} with (force)`);
  });

  const metricsText = () => buildApp(app).metrics.registry.metrics();

  it('is scheduled hourly with one job id per hour', () => {
    const schedules = registerJobs(app);
    const s = schedules.find((x) => x.name === CHECK_INVARIANTS);
    assert.ok(s, 'the watch is scheduled');
    assert.equal(s.cron, '7 * * * *');
    assert.equal(s.slot(new Date('2026-11-20T02:07:00Z')), s.slot(new Date('2026-11-20T02:59:59Z')));
    assert.notEqual(s.slot(new Date('2026-11-20T02:07:00Z')), s.slot(new Date('2026-11-20T03:07:00Z')));
  });

  it('holds on a sound ledger: every gauge 0, the time of the check exported, no exception', async () => {
    await queue.handlers.get(CHECK_INVARIANTS)!({ trigger: 'hourly' });
    const rows = await app.db('invariant_checks').select('name', 'broken');
    assert.ok(rows.length >= 5, `invariants checked: ${rows.length}`);
    assert.ok(rows.every((r) => r.broken === false));
    const text = await metricsText();
    assert.match(text, /etc_invariant_broken\{name="the whole journal sums to zero"\} 0/);
    assert.match(text, new RegExp(`etc_invariant_last_check_timestamp ${Math.floor(clock.now().getTime() / 1000)}`));
    assert.equal((await app.db('finance_exceptions').where({ kind: 'invariant-broken' })).length, 0);
  });

  it('after a cleared day, queues a check once for that day', async () => {
    const handler = queue.handlers.get(CLEAR_DAY)!;
    queue.added.length = 0;
    await handler({ date: '2026-11-19' });
    const checks = queue.added.filter((a) => a.name === CHECK_INVARIANTS);
    assert.deepEqual(checks, [
      {
        name: CHECK_INVARIANTS,
        data: { trigger: 'clearing-day:2026-11-19' },
        jobId: `${CHECK_INVARIANTS}:day:2026-11-19`,
      },
    ]);
    // run again: the day is already cleared, so nothing new is queued for it
    queue.added.length = 0;
    await handler({ date: '2026-11-19' });
    assert.deepEqual(
      queue.added.filter((a) => a.name === CHECK_INVARIANTS),
      [],
    );
  });

  it('finds a break made on purpose: gauge 1, a finance exception once per invariant and day, the others still 0', async () => {
    // an unbalanced entry, past the ledger's own triggers (as a bad manual repair would be)
    await app.db.transaction(async (trx) => {
      await trx.raw('set local session_replication_role = replica');
      const [acct] = await trx('ledger_accounts').select('id').limit(1);
      const [entry] = await trx('journal_entries')
        .insert({ kind: 'manual-repair', reference: 'broken-on-purpose', actor: 'test', created_at: clock.now() })
        .returning('id');
      await trx('postings').insert({ entry_id: entry.id, account_id: acct.id, amount: 123n });
    });
    await queue.handlers.get(CHECK_INVARIANTS)!({ trigger: 'hourly' });
    clock.advance(3_600_000);
    await queue.handlers.get(CHECK_INVARIANTS)!({ trigger: 'hourly' });
    const text = await metricsText();
    assert.match(text, /etc_invariant_broken\{name="the whole journal sums to zero"\} 1/);
    assert.match(text, /etc_invariant_broken\{name="every journal entry sums to zero with at least two postings"\} 1/);
    // the repair went past the triggers, so the running balance no longer follows the postings either
    assert.match(
      text,
      /etc_invariant_broken\{name="every account's running balance equals the sum of its postings"\} 1/,
    );
    assert.match(
      text,
      /etc_invariant_broken\{name="account balances equal the sum of their postings in every entry"\} 0/,
    );
    const raised = await app.db('finance_exceptions').where({ kind: 'invariant-broken' }).orderBy('reference');
    assert.deepEqual(
      raised.map((r) => [r.reference, r.source, r.status]),
      [
        ["every account's running balance equals the sum of its postings:2026-11-20", 'invariant-watch', 'open'],
        ['every journal entry sums to zero with at least two postings:2026-11-20', 'invariant-watch', 'open'],
        ['the whole journal sums to zero:2026-11-20', 'invariant-watch', 'open'],
      ],
      'raised once per invariant and day, though checked twice',
    );
    assert.match(JSON.stringify(raised[2].detail), /journal total is 123/);
    assert.ok(log.some((l) => l.includes('ledger invariants broken')));
  });
});
