// ETC_DB_POOL_SIZE: the PostgreSQL connections one API process keeps at most. A centre sizes it
// against the database's cores and max_connections (docs/OPERATIONS.md); a process must never open
// more, and work beyond it waits for a connection instead of failing.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import pg from 'pg';
import { closeDatabase, openDatabase } from '../../src/bootstrap.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { httpResponseFromError } from '../../src/platform/http/errors.ts';
import { adminSql, databaseUrl } from '../helpers/admin-db.ts';

type TarnPool = { numUsed(): number; numPendingAcquires(): number };

describe('the database pool size (ETC_DB_POOL_SIZE)', () => {
  const name = `etc_pool_${randomBytes(4).toString('hex')}`;
  const url = databaseUrl(name);
  const env = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
    DATABASE_URL: url,
    ETC_KEK: randomBytes(32).toString('hex'),
    ETC_DATA_DIR: join(tmpdir(), name),
    ...extra,
  });
  before(() => adminSql(`create database ${name}`));
  after(() => adminSql(`drop database if exists ${name} with (force)`));

  it('defaults to 10 and refuses what is not a count from 1 to 200', () => {
    assert.equal(loadConfig(env({})).dbPoolSize, 10);
    assert.equal(loadConfig(env({ ETC_DB_POOL_SIZE: '4' })).dbPoolSize, 4);
    for (const bad of ['0', '201', 'x', '2.5', '-3']) {
      assert.throws(() => loadConfig(env({ ETC_DB_POOL_SIZE: bad })), ConfigError, bad);
    }
  });

  it('leaves other requests a connection: ETC_LANE_BATCHES_IN_PROGRESS defaults to the pool less two and stays below it', () => {
    const batches = (extra: NodeJS.ProcessEnv) => loadConfig(env(extra)).lanes.batchesInProgress;
    assert.equal(batches({}), 8);
    assert.equal(batches({ ETC_DB_POOL_SIZE: '4' }), 2, 'a smaller pool lowers the default');
    assert.equal(batches({ ETC_DB_POOL_SIZE: '3' }), 1);
    assert.equal(batches({ ETC_DB_POOL_SIZE: '1' }), 1, 'a pool of one still lets a batch in');
    assert.equal(batches({ ETC_LANE_BATCHES_IN_PROGRESS: '9' }), 9);
    assert.equal(batches({ ETC_LANE_BATCHES_IN_PROGRESS: '3' }), 3);
    assert.equal(batches({ ETC_DB_POOL_SIZE: '20', ETC_LANE_BATCHES_IN_PROGRESS: '12' }), 12);
    for (const [bad, pool] of [
      ['10', '10'],
      ['0', '10'],
      ['x', '10'],
      ['3', '3'],
    ])
      assert.throws(
        () => loadConfig(env({ ETC_DB_POOL_SIZE: pool, ETC_LANE_BATCHES_IN_PROGRESS: bad })),
        (e: unknown) => e instanceof ConfigError && /ETC_LANE_BATCHES_IN_PROGRESS/.test(e.message),
        `${bad} of ${pool}`,
      );
  });

  it('opens no more connections than the size; the rest wait and then run', async () => {
    const db = openDatabase(loadConfig(env({ ETC_DB_POOL_SIZE: '3' })), 'test');
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    const lockKey = 4242;
    try {
      await holder.query('select pg_advisory_lock($1)', [lockKey]);
      // five statements that each wait on the holder's lock inside PostgreSQL (a knex query runs
      // when it is awaited: the async function starts each one now)
      const work = Array.from({ length: 5 }, async () =>
        db.raw('select pg_advisory_lock_shared(?) is not null as ok, pg_advisory_unlock_shared(?)', [lockKey, lockKey]),
      );
      const waiting = async () =>
        Number(
          (
            await holder.query(
              `select count(*) as n from pg_locks where locktype = 'advisory' and not granted and objid = $1`,
              [lockKey],
            )
          ).rows[0].n,
        );
      // until every connection the pool may open is waiting on the lock (bounded: 10 s)
      const deadline = Date.now() + 10_000;
      while ((await waiting()) < 3 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
      assert.equal(await waiting(), 3);
      const pool = (db.client as unknown as { pool: TarnPool }).pool;
      assert.equal(pool.numUsed(), 3);
      assert.equal(pool.numPendingAcquires(), 2);
      const backends = await holder.query(
        'select count(*)::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [name],
      );
      assert.equal(backends.rows[0].n, 3);

      await holder.query('select pg_advisory_unlock($1)', [lockKey]);
      const done = await Promise.all(work);
      assert.deepEqual(
        done.map((r) => r.rows[0].ok),
        [true, true, true, true, true],
      );
    } finally {
      await holder.end();
      await closeDatabase(db);
    }
  });

  it('answers 503 with Retry-After when no connection frees up in time, and nothing reaches the database', async () => {
    // the service's pool waits 10 s; the same pool with a 200 ms wait shows the same refusal quickly
    const db = knexFactory({
      client: 'pg',
      connection: url,
      pool: { min: 0, max: 1 },
      acquireConnectionTimeout: 200,
      log: { warn: () => {}, error: () => {}, debug: () => {}, deprecate: () => {} }, // the refusal is expected
    });
    try {
      await db.raw('create table if not exists pool_probe (n integer)');
      const trx = await db.transaction(); // holds the only connection
      const refused = await db.raw('insert into pool_probe values (1)').then(
        () => null,
        (err: unknown) => err,
      );
      await trx.rollback();
      assert.ok(refused instanceof Error, 'the insert waited for a connection and failed');
      const answer = httpResponseFromError(refused);
      assert.equal(answer.status, 503);
      assert.equal(answer.body.error.code, 'unavailable');
      assert.equal(answer.retryAfterSeconds, 1);
      assert.equal(answer.internal, true, 'logged for the operator');
      assert.doesNotMatch(answer.body.error.message, /knex|pool|acquir/i);
      const rows = await db('pool_probe').count<{ count: string }[]>('* as count');
      assert.equal(Number(rows[0].count), 0);
    } finally {
      await db.destroy();
    }
  });
});
