// The embedded database admits one process: two PGlite instances on the same directory each keep
// their own view of it, so the second one's writes are lost or the files end up corrupt. Whoever
// opens ETC_DATA_DIR's database first holds `etc.lock` (created with O_EXCL, so two starting at once
// cannot both win); a second process is refused naming the holder. A lock left by a process that is
// gone (a crash, a kill -9) is taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export type LockHolder = { pid: number; command: string; port?: number; startedAt: string };

export class DataDirLockedError extends Error {
  readonly file: string;
  readonly holder: LockHolder;
  constructor(file: string, holder: LockHolder) {
    super(
      `the embedded database in ${file.replace(/\/etc\.lock$/, '')} is in use by ` +
        (holder.pid ? `process ${holder.pid} (etc ${holder.command}, since ${holder.startedAt})` : 'another process') +
        `; only one process may open it at a time. ` +
        `If no such process runs, remove ${file}.`,
    );
    this.name = 'DataDirLockedError';
    this.file = file;
    this.holder = holder;
  }
}

export type DataDirLock = { file: string; release: () => void };

// the lock files this process holds: our own pid in a file we do not hold is a previous life of
// this process (a container restarts as pid 1), not us
const heldHere = new Set<string>();

function alive(pid: number, file: string): boolean {
  if (pid === process.pid) return heldHere.has(file);
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    return Number.isInteger(h?.pid) && h.pid > 0 ? h : undefined;
  } catch {
    return undefined;
  }
}

// Reads the lock without taking it: who holds the directory, if anyone alive does.
export function dataDirHolder(dataDir: string): LockHolder | undefined {
  const file = join(dataDir, 'etc.lock');
  const h = readHolder(file);
  return h && alive(h.pid, file) ? h : undefined;
}

export function acquireDataDirLock(dataDir: string, who: { command: string; port?: number }): DataDirLock {
  const file = join(dataDir, 'etc.lock');
  const me: LockHolder = { pid: process.pid, ...who, startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify(me) + '\n');
      } finally {
        closeSync(fd);
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readHolder(file);
      // a holder still writing its file reads as empty: treat it as alive rather than steal the lock
      if (holder === undefined && attempt === 0) {
        const raw = safeRead(file);
        if (raw === '') throw new DataDirLockedError(file, { pid: 0, command: '(starting)', startedAt: '' });
      }
      if (holder && alive(holder.pid, file)) throw new DataDirLockedError(file, holder);
      if (attempt >= 2) throw new DataDirLockedError(file, holder ?? { pid: 0, command: '?', startedAt: '' });
      // stale: the process that wrote it is gone; remove it and race for it again (O_EXCL decides)
      try {
        unlinkSync(file);
      } catch {
        /* someone else removed it first */
      }
    }
  }
  let held = true;
  heldHere.add(file);
  const release = () => {
    if (!held) return;
    held = false;
    heldHere.delete(file);
    process.removeListener('exit', release);
    // remove it only while it is still ours
    if (readHolder(file)?.pid === process.pid) {
      try {
        unlinkSync(file);
      } catch {
        /* already gone */
      }
    }
  };
  process.on('exit', release);
  return { file, release };
}

function safeRead(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
