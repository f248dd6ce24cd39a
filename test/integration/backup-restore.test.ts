// The backup and restore drill: a centre with money in it is backed up with `etc backup`, restored
// with `etc restore` into a fresh database, and found the same (every table's digest) with its ledger
// holding; a restore never lands on a database or data dir that holds data. Embedded mode: refused
// while a process holds the data dir, a copy of the stopped one otherwise.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresKnex } from '../../src/platform/db/knex.ts';
import { adminSql, databaseUrl } from '../helpers/admin-db.ts';
import { digest } from '../helpers/digest.ts';
import { harness, loginAs, newClient } from '../helpers/harness.ts';
import { bankLoad, storedValueCard } from '../helpers/loads.ts';
import { ROOT } from '../helpers/service-process.ts';

const etc = (env: NodeJS.ProcessEnv, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: ROOT, env, encoding: 'utf8' });

describe('backup and restore drill', function () {
  this.timeout(180000);
  const dir = mkdtempSync(join(tmpdir(), 'etc-backup-'));
  const target = `etc_restore_${randomBytes(4).toString('hex')}`;
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await adminSql(`drop database if exists ${target} with (force)`);
  });

  it('PostgreSQL: backup, restore into a fresh database, same table digests, the ledger holds', async () => {
    const h = await harness();
    // money in it: a card issued at the counter for cash, and a bank load onto it
    const clerk = (await loginAs('clerk')).auth;
    const card = await storedValueCard(clerk, 130);
    await bankLoad(await newClient('bank'), card, 12_345);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: process.env.TEST_DATABASE_URL,
      ETC_KEK: h.kek.toString('hex'),
      LOG_LEVEL: 'warn',
    };
    delete env.REDIS_URL;
    const file = join(dir, 'centre.dump');
    const source = await digest(h.app.db);
    const b = etc(env, 'backup', '--out', file);
    assert.equal(b.status, 0, b.stderr);
    assert.match(b.stdout, /backup of the PostgreSQL database written to .*centre\.dump \(\d+ bytes/);
    assert.equal(statSync(file).mode & 0o777, 0o600, 'the archive is readable by its owner only');
    assert.ok(!b.stdout.includes(h.kek.toString('hex')) && !b.stderr.includes(h.kek.toString('hex')));
    const again = etc(env, 'backup', '--out', file);
    assert.equal(again.status, 2, 'an existing file is never overwritten');
    assert.match(again.stderr, /exists: a backup never overwrites a file/);

    await adminSql(`create database ${target}`);
    const r = etc(env, 'restore', '--file', file, '--database-url', databaseUrl(target));
    assert.equal(r.status, 0, r.stderr);
    const restored = createPostgresKnex(databaseUrl(target), 2);
    try {
      assert.deepEqual(await digest(restored), source, 'every table as it was');
      const check = etc({ ...env, DATABASE_URL: databaseUrl(target) }, 'check-ledger');
      assert.equal(check.status, 0, check.stdout + check.stderr);
      assert.match(check.stdout, /ledger invariants hold/);
      const keys = etc({ ...env, DATABASE_URL: databaseUrl(target) }, 'keys', 'list');
      assert.match(keys.stdout, /load\s+v130/, 'the master keys came along and open under the same KEK');

      // a second restore onto the now non-empty database is refused and changes nothing
      const before = await digest(restored);
      const twice = etc(env, 'restore', '--file', file, '--database-url', databaseUrl(target));
      assert.equal(twice.status, 2);
      assert.match(twice.stderr, /the target database is not empty/);
      assert.deepEqual(await digest(restored), before);
    } finally {
      await restored.destroy();
    }
  });

  it('embedded: refused while the data dir is in use, a copy of the stopped one otherwise, restored into an empty dir', async () => {
    const source = join(dir, 'embedded-source');
    const env = (dataDir: string): NodeJS.ProcessEnv => {
      const e: NodeJS.ProcessEnv = { ...process.env, ETC_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
      delete e.DATABASE_URL;
      delete e.REDIS_URL;
      delete e.ETC_KEK;
      return e;
    };
    const m = etc(env(source), 'migrate');
    assert.equal(m.status, 0, m.stderr);
    const file = join(dir, 'embedded.tar.gz');
    // a live process holds the data dir (this test's own pid stands in for a running service)
    writeFileSync(
      join(source, 'etc.lock'),
      JSON.stringify({ pid: process.pid, command: 'serve', port: 8080, startedAt: new Date().toISOString() }),
    );
    const busy = etc(env(source), 'backup', '--out', file);
    assert.equal(busy.status, 3, busy.stdout + busy.stderr);
    assert.match(busy.stderr, new RegExp(`in use by process ${process.pid} \\(etc serve`));
    assert.ok(!existsSync(file), 'no archive was written');
    rmSync(join(source, 'etc.lock'));

    const b = etc(env(source), 'backup', '--out', file);
    assert.equal(b.status, 0, b.stderr);
    assert.match(b.stdout, /backup of the stopped embedded database .* \(\d+ bytes; tar\.gz\)/);
    assert.ok(!existsSync(join(source, 'etc.lock')), 'the lock taken for the copy was released');

    const copy = join(dir, 'embedded-copy');
    const r = etc(env(copy), 'restore', '--file', file);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(etc(env(copy), 'migrate').stdout.trim(), 'schema is up to date', 'the database came back whole');
    const check = etc(env(copy), 'check-ledger');
    assert.equal(check.status, 0, check.stdout + check.stderr);
    const onto = etc(env(copy), 'restore', '--file', file);
    assert.equal(onto.status, 2);
    assert.match(onto.stderr, /already holds pgdata: restore into an empty data dir/);
  });
});
