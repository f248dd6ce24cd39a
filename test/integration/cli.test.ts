// The command line against a database of its own: migrate, users, clients, keys, check-ledger.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { kcv } from '../../src/platform/crypto/pboc.ts';
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

  const masterKeyRows = async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(`select purpose, version, kcv from master_keys order by purpose, version`)).rows;
    } finally {
      await c.end();
    }
  };

  it('makes no master keys as a side effect: a centre has none until keys init or keys import', async () => {
    assert.deepEqual(await masterKeyRows(), [], 'users add, clients add and migrate made no keys');
    const list = etc('keys', 'list');
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /no master keys yet: `etc keys init`/);
    assert.equal(etc('check-ledger').status, 0, 'a command that needs no keys just works');
    // the service needs keys: on PostgreSQL it refuses to start without them, naming the ceremony
    const serve = etc('serve');
    assert.equal(serve.status, 2, serve.stdout + serve.stderr);
    assert.match(serve.stderr, /no master keys; run `etc keys init`.*`etc keys import --file F`/);
    assert.deepEqual(await masterKeyRows(), [], 'the refused start made none either');
  });

  it('imports a version-1 key set from an older system on a centre without keys, then keys init adds the rest', async () => {
    const values = { load: '00112233445566778899AABBCCDDEEFF', tac: '0123456789ABCDEFFEDCBA9876543210' };
    const file = join(tmpdir(), `etc-cli-keys-${randomBytes(4).toString('hex')}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        keys: Object.entries(values).map(([purpose, value]) => ({
          purpose,
          version: 1,
          value,
          kcv: kcv(Buffer.from(value, 'hex')).toString('hex'),
        })),
      }),
      { mode: 0o600 },
    );
    try {
      const imp = etc('keys', 'import', '--file', file);
      assert.equal(imp.status, 0, imp.stdout + imp.stderr);
      assert.match(imp.stdout, /imported 2 master keys/);
      const expected = Object.fromEntries(
        Object.entries(values).map(([p, v]) => [p, kcv(Buffer.from(v, 'hex')).toString('hex').toUpperCase()]),
      );
      const init = etc('keys', 'init');
      assert.equal(init.status, 0, init.stderr);
      assert.match(init.stdout, /generated 4 master keys/);
      const rows = await masterKeyRows();
      assert.equal(rows.length, 6);
      for (const r of rows) {
        assert.equal(r.version, 1);
        if (r.purpose in expected) assert.equal(r.kcv, expected[r.purpose], `${r.purpose} kept the imported key`);
      }
      const again = etc('keys', 'import', '--file', file);
      assert.equal(again.status, 0, again.stderr);
      assert.match(again.stdout, /imported 0 master keys/);
      assert.match(etc('keys', 'init').stdout, /every purpose already has a master key/);
    } finally {
      rmSync(file, { force: true });
    }
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
