// Root hooks: one fresh PostgreSQL database per run, created here and dropped at the end;
// a Redis key prefix of its own for the queue, removed at the end. Before the end, every response
// and log line of the run (all files, the simulations included) is checked for key material.
import { randomBytes } from 'node:crypto';
import { adminSql as admin, databaseUrl } from './helpers/admin-db.ts';
import { closeHarness, startedHarness } from './helpers/harness.ts';
import { assertNoKeyLeak } from './helpers/key-leak.ts';

const dbName = `etc_test_${process.pid}_${randomBytes(4).toString('hex')}`;

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60000);
    await admin(`create database ${dbName}`);
    process.env.TEST_DATABASE_URL = databaseUrl(dbName);
    process.env.TEST_REDIS_URL ??= 'redis://127.0.0.1:6379';
    process.env.TEST_QUEUE_PREFIX = `etc-test-${dbName}`;
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60000);
    const started = startedHarness();
    try {
      if (started) await assertNoKeyLeak(await started);
    } finally {
      await closeHarness();
      await admin(`drop database if exists ${dbName} with (force)`);
    }
  },
};
