// Root hooks: one fresh PostgreSQL database per run, created here and dropped at the end;
// a Redis key prefix of its own for the queue, removed at the end.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { closeHarness } from './helpers/harness.ts';

const ADMIN_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `etc_test_${process.pid}_${randomBytes(4).toString('hex')}`;

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60000);
    await admin(`create database ${dbName}`);
    const u = new URL(ADMIN_URL);
    u.pathname = `/${dbName}`;
    process.env.TEST_DATABASE_URL = u.toString();
    process.env.TEST_REDIS_URL ??= 'redis://127.0.0.1:6379';
    process.env.TEST_QUEUE_PREFIX = `etc-test-${dbName}`;
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60000);
    await closeHarness();
    await admin(`drop database if exists ${dbName} with (force)`);
  },
};
