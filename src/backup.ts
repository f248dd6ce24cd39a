// `etc backup` / `etc restore`: on PostgreSQL a pg_dump custom-format archive restored by pg_restore
// into an empty database; in embedded mode a tar of the data dir, taken only while no process holds
// the database (the data dir's lock is taken for the copy, so none starts meanwhile). The KEK is not
// in a PostgreSQL archive (it is in the environment): keep it apart, or the archive is unreadable
// ciphertext where it matters (master keys, PII). An embedded archive holds the generated kek.hex.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { acquireDataDirLock } from './platform/db/data-dir-lock.ts';

export class BackupRefused extends Error {}

export type Storage = { databaseUrl: string | undefined; dataDir: string };

type Print = (line: string) => void;

// pg tools get the password through the environment, not their command line (visible to `ps`)
function pgTarget(databaseUrl: string): { url: string; env: NodeJS.ProcessEnv } {
  const u = new URL(databaseUrl);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (u.password) {
    env.PGPASSWORD = decodeURIComponent(u.password);
    u.password = '';
  }
  return { url: u.toString(), env };
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += String(d)));
    child.on('error', (e) => reject(new BackupRefused(`${cmd}: ${e.message}`)));
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new BackupRefused(`${cmd} failed (exit ${code}): ${err.trim()}`)),
    );
  });
}

// Written beside the target and renamed when complete: a failed run leaves no half archive behind.
async function writeOnce(out: string, write: (partial: string) => Promise<void>): Promise<number> {
  if (existsSync(out)) throw new BackupRefused(`${out} exists: a backup never overwrites a file`);
  const partial = `${out}.partial`;
  rmSync(partial, { force: true });
  try {
    await write(partial);
    chmodSync(partial, 0o600);
    renameSync(partial, out);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  return statSync(out).size;
}

export async function backup(storage: Storage, out: string, print: Print): Promise<void> {
  if (storage.databaseUrl) {
    const { url, env } = pgTarget(storage.databaseUrl);
    const size = await writeOnce(out, (partial) =>
      run('pg_dump', ['--format=custom', `--file=${partial}`, `--dbname=${url}`], env),
    );
    print(`backup of the PostgreSQL database written to ${out} (${size} bytes; pg_dump custom format)`);
    print('keep ETC_KEK apart from it: without that key the master keys and personal data in it cannot be read');
    return;
  }
  if (!existsSync(join(storage.dataDir, 'pgdata')))
    throw new BackupRefused(`there is no embedded database in ${storage.dataDir}`);
  // refused (exit 3) while the service or another command holds the database
  const lock = acquireDataDirLock(storage.dataDir, { command: 'backup' });
  try {
    const size = await writeOnce(out, (partial) =>
      run('tar', ['-czf', partial, '-C', storage.dataDir, '--exclude=./etc.lock', '--exclude=./*.partial', '.']),
    );
    print(`backup of the stopped embedded database in ${storage.dataDir} written to ${out} (${size} bytes; tar.gz)`);
    print('it holds kek.hex, the key that opens the master keys and personal data: store it as you would that key');
  } finally {
    lock.release();
  }
}

async function publicTables(databaseUrl: string): Promise<number> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const r = await c.query(`select count(*)::int as n from information_schema.tables where table_schema = 'public'`);
    return r.rows[0].n;
  } finally {
    await c.end();
  }
}

export async function restore(storage: Storage, file: string, print: Print): Promise<void> {
  if (!existsSync(file)) throw new BackupRefused(`${file} does not exist`);
  if (storage.databaseUrl) {
    // into an empty database only: a restore never merges into or overwrites a live centre
    const tables = await publicTables(storage.databaseUrl);
    if (tables) throw new BackupRefused(`the target database is not empty (${tables} tables): restore into a new one`);
    const { url, env } = pgTarget(storage.databaseUrl);
    await run(
      'pg_restore',
      ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${url}`, file],
      env,
    );
    print(`restored ${file} into the database; check it with \`etc check-ledger\` (same ETC_KEK as the source)`);
    return;
  }
  mkdirSync(storage.dataDir, { recursive: true });
  const lock = acquireDataDirLock(storage.dataDir, { command: 'restore' });
  try {
    for (const held of ['pgdata', 'kek.hex'])
      if (existsSync(join(storage.dataDir, held)))
        throw new BackupRefused(
          `${storage.dataDir} already holds ${held}: restore into an empty data dir (move the old one aside first)`,
        );
    await run('tar', ['-xzf', file, '-C', storage.dataDir, '--exclude=./etc.lock']);
    print(`restored ${file} into ${storage.dataDir}; check it with \`etc check-ledger\``);
  } finally {
    lock.release();
  }
}
