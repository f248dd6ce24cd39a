// A PostgreSQL primary and its streaming replica (a hot standby), made for one test and removed after:
// two clusters of their own under a temporary directory, on ports the kernel chose, so that the
// machine's own server and its settings are left as they are (it admits no replication connections).
// The server refuses to run as root, so as root the clusters are made and run as `postgres`.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './service-process.ts';

const BIN = process.env.TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export type ReplicaPair = {
  primaryUrl: (database: string) => string;
  replicaUrl: (database: string) => string;
  /** SQL on a server as its superuser (database postgres unless named). */
  sql: (on: 'primary' | 'replica', text: string, database?: string) => Promise<Array<Record<string, unknown>>>;
  /** Resolves once the replica has replayed everything the primary has written so far. */
  caughtUp: () => Promise<void>;
  /** Stops the replica (fast shutdown): connections to it are refused from then on. */
  stopReplica: () => void;
  stop: () => void;
};

export async function startReplicaPair(): Promise<ReplicaPair> {
  const dir = mkdtempSync(join(tmpdir(), 'etc-replica-'));
  const asRoot = process.getuid?.() === 0;
  const uid = asRoot ? Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()) : undefined;
  const gid = asRoot ? Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()) : undefined;
  if (asRoot) chownSync(dir, uid!, gid!);
  const run = (cmd: string, ...args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(BIN, cmd), ...args], { stdio: 'pipe' })
      : execFileSync(join(BIN, cmd), args, { stdio: 'pipe' });
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const start = (data: string, port: number) =>
    run(
      'pg_ctl',
      '-D',
      data,
      '-l',
      `${data}.log`,
      '-w',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40`,
      'start',
    );
  const primary = join(dir, 'primary');
  const replica = join(dir, 'replica');
  const stop = () => {
    for (const data of [replica, primary]) {
      try {
        run('pg_ctl', '-D', data, '-m', 'immediate', 'stop');
      } catch {
        // not running
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // trust on local and 127.0.0.1, replication included (initdb's own pg_hba.conf)
    run('initdb', '-D', primary, '-A', 'trust', '-U', 'postgres', '--no-sync');
    start(primary, primaryPort);
    run('pg_basebackup', '-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', replica, '-R');
    start(replica, replicaPort);
  } catch (err) {
    stop();
    throw err;
  }
  const url = (port: number) => (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const client = async (on: 'primary' | 'replica', database = 'postgres') => {
    const c = new pg.Client({ connectionString: url(on === 'primary' ? primaryPort : replicaPort)(database) });
    await c.connect();
    return c;
  };
  const sql = async (on: 'primary' | 'replica', text: string, database?: string) => {
    const c = await client(on, database);
    try {
      return (await c.query(text)).rows;
    } finally {
      await c.end();
    }
  };
  const caughtUp = async () => {
    const [{ lsn }] = await sql('primary', 'select pg_current_wal_lsn()::text as lsn');
    const deadline = Date.now() + 30_000;
    const c = await client('replica'); // one connection for the whole wait
    try {
      for (;;) {
        const { rows } = await c.query('select pg_last_wal_replay_lsn() >= $1::pg_lsn as done', [lsn]);
        if (rows[0].done) return;
        if (Date.now() > deadline) throw new Error(`the replica has not replayed up to ${lsn} in 30 s`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      await c.end();
    }
  };
  const stopReplica = () => void run('pg_ctl', '-D', replica, '-m', 'fast', '-w', 'stop');
  return { primaryUrl: url(primaryPort), replicaUrl: url(replicaPort), sql, caughtUp, stopReplica, stop };
}
