// The embedded data dir's lock: one holder at a time, named to whoever is refused; a lock whose
// process is gone is taken over; releasing removes only a lock that is still ours.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireDataDirLock, DataDirLockedError, dataDirHolder } from '../../src/platform/db/data-dir-lock.ts';

describe('data dir lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'etc-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second holder while the first is alive, naming its pid and command', () => {
    // a live process other than this one: the parent of the test run
    writeFileSync(
      join(dir, 'etc.lock'),
      JSON.stringify({ pid: process.ppid, command: 'serve', port: 8080, startedAt: '2026-12-04T10:00:00Z' }),
    );
    assert.throws(
      () => acquireDataDirLock(dir, { command: 'clients add' }),
      (err: unknown) =>
        err instanceof DataDirLockedError &&
        err.holder.pid === process.ppid &&
        err.message.includes(`in use by process ${process.ppid} (etc serve`),
    );
    assert.equal(dataDirHolder(dir)?.pid, process.ppid);
    assert.equal(JSON.parse(readFileSync(join(dir, 'etc.lock'), 'utf8')).pid, process.ppid, 'left as it was');
  });

  it('takes over a lock whose process is gone, and releases it', () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const deadPid = Number(gone.stdout);
    writeFileSync(join(dir, 'etc.lock'), JSON.stringify({ pid: deadPid, command: 'serve', startedAt: 'x' }));
    assert.equal(dataDirHolder(dir), undefined);
    const lock = acquireDataDirLock(dir, { command: 'serve', port: 9000 });
    const held = JSON.parse(readFileSync(lock.file, 'utf8'));
    assert.equal(held.pid, process.pid);
    assert.equal(held.port, 9000);
    assert.throws(() => acquireDataDirLock(dir, { command: 'seed' }), DataDirLockedError, 'not twice, even here');
    lock.release();
    assert.ok(!existsSync(lock.file));
  });

  it('release leaves alone a lock that someone else has taken since', () => {
    const lock = acquireDataDirLock(dir, { command: 'serve' });
    writeFileSync(lock.file, JSON.stringify({ pid: process.ppid, command: 'serve', startedAt: 'y' }));
    lock.release();
    assert.equal(JSON.parse(readFileSync(lock.file, 'utf8')).pid, process.ppid);
  });
});
