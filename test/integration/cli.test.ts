// The command line against a database of its own: migrate, users, clients, keys, check-ledger.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { adminSql, databaseUrl } from '../helpers/admin-db.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('etc command line', function () {
  this.timeout(120000);
  const name = `etc_cli_${randomBytes(4).toString('hex')}`;
  const url = databaseUrl(name);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: url,
    ETC_KEK: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
  };
  delete env.REDIS_URL;
  const etc = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: ROOT, env, encoding: 'utf8' });
  before(() => adminSql(`create database ${name}`));
  after(() => adminSql(`drop database if exists ${name} with (force)`));

  it('migrates, then reports the schema up to date', () => {
    const first = etc('migrate');
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /migrations applied/);
    assert.match(etc('migrate').stdout, /schema is up to date/);
  });

  it('adds a user and a client, printing the password and the secret once', () => {
    const u = etc('users', 'add', '--role', 'supervisor', '--name', 'Wang Fang');
    assert.equal(u.status, 0, u.stderr);
    assert.match(u.stdout, /user wang\.fang \(supervisor\) created; password \(shown once\): \S{20,}/);
    const c = etc('clients', 'add', '--role', 'bank', '--id', 'ICBC');
    assert.match(c.stdout, /client ICBC \(bank\) created; HMAC secret \(shown once\): [0-9a-f]{64}/);
    const bad = etc('users', 'add', '--role', 'emperor', '--name', 'X');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--role must be one of/);
  });

  it('refuses a lane client for a lane that does not exist, creating nothing', async () => {
    const r = etc('clients', 'add', '--role', 'lane', '--id', 'L340199-07');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no lane L340199-07/);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const { rows } = await db.query('select id from api_clients where id = $1', ['L340199-07']);
      assert.deepEqual(rows, []);
    } finally {
      await db.end();
    }
  });

  it('lists keys by purpose, version and check value only', () => {
    const r = etc('keys', 'list');
    assert.equal(r.status, 0, r.stderr);
    for (const purpose of ['load', 'tac', 'purchase', 'maintenance', 'obu-maintenance', 'obu-vehicle'])
      assert.match(r.stdout, new RegExp(`${purpose}\\s+v1\\s+kcv [0-9A-F]{6}`));
    assert.doesNotMatch(r.stdout, /[0-9A-Fa-f]{32}/, 'no key value');
  });

  it('refuses a configuration without ETC_KEK for an external database, naming the variable', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', 'migrate'], {
      cwd: ROOT,
      env: { ...env, ETC_KEK: '' },
      encoding: 'utf8',
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /ETC_KEK/);
  });

  it('check-ledger passes on a sound ledger and fails naming the entry when one does not balance', async () => {
    const ok = etc('check-ledger');
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /ledger invariants hold/);
    // corrupt the journal the only way possible: with the balance triggers switched off
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(`set session_replication_role = replica`);
      const e = await c.query(
        `insert into journal_entries (kind, reference, actor) values ('corrupt', 'x1', 'test') returning id`,
      );
      await c.query(
        `insert into postings (entry_id, account_id, amount) select $1, id, 100 from ledger_accounts where code = 'counter-cash'`,
        [e.rows[0].id],
      );
    } finally {
      await c.end();
    }
    const bad = etc('check-ledger');
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /FAIL every journal entry sums to zero.*corrupt x1.*sum 100/);
    assert.match(bad.stdout, /FAIL the whole journal sums to zero: journal total is 100/);
  });
});
