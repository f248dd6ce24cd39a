// The real service as a child process (`node --import tsx src/main.ts serve`) on a PostgreSQL
// database of its own (and, when asked, Redis under a key prefix of its own), for the tests that
// signal or kill it. Synchronisation is by its output and exit, never by sleeping.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { adminSql, databaseUrl } from './admin-db.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type CentreDb = {
  name: string;
  url: string;
  env: NodeJS.ProcessEnv;
  /** Runs a command of the CLI to its end (synchronously). */
  etc: (...args: string[]) => { status: number | null; stdout: string; stderr: string };
  drop: () => Promise<void>;
};

/** A fresh database, migrated, with master keys; `env` is what the service and the CLI run with. */
export async function centreDb(
  prefix: string,
  extra: NodeJS.ProcessEnv = {},
  opts: { keysFile?: string } = {},
): Promise<CentreDb> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await adminSql(`create database ${name}`);
  const url = databaseUrl(name);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: url,
    ETC_KEK: randomBytes(32).toString('hex'),
    ETC_DATA_DIR: `${process.env.TMPDIR ?? '/tmp'}/${name}`,
    LOG_LEVEL: 'warn',
    ...extra,
  };
  delete env.REDIS_URL;
  if (extra.REDIS_URL) env.REDIS_URL = extra.REDIS_URL;
  const etc = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: ROOT, env, encoding: 'utf8' });
  const steps = [
    ['migrate'],
    ...(opts.keysFile ? [['keys', 'import', '--file', opts.keysFile]] : []),
    ['keys', 'init'],
  ];
  for (const cmd of steps) {
    const r = etc(...cmd);
    if (r.status !== 0) throw new Error(`etc ${cmd.join(' ')}: ${r.stdout}${r.stderr}`);
  }
  return { name, url, env, etc, drop: () => adminSql(`drop database if exists ${name} with (force)`) };
}

/** A user made by the CLI: its username and the password printed once. */
export function cliUser(db: CentreDb, role: string): { username: string; password: string } {
  const name = `${role}.${randomBytes(3).toString('hex')}`;
  const r = db.etc('users', 'add', '--role', role, '--name', name);
  const m = /user (\S+) \(\w+\) created; password \(shown once\): (\S+)/.exec(r.stdout);
  if (!m) throw new Error(`users add: ${r.stdout}${r.stderr}`);
  return { username: m[1], password: m[2] };
}

/** A machine client made by the CLI: its id and HMAC secret. */
export function cliClient(db: CentreDb, role: string, id: string): { id: string; secret: string } {
  const r = db.etc('clients', 'add', '--role', role, '--id', id);
  const m = /HMAC secret \(shown once\): ([0-9a-f]{64})/.exec(r.stdout);
  if (!m) throw new Error(`clients add: ${r.stdout}${r.stderr}`);
  return { id, secret: m[1] };
}

export type Service = {
  child: ChildProcess;
  base: string;
  output: () => string;
  /** Resolves when the output (stdout and stderr) matches. */
  waitFor: (re: RegExp) => Promise<RegExpExecArray>;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/** Starts `etc serve` on a free port and resolves once it listens. */
export async function startService(env: NodeJS.ProcessEnv): Promise<Service> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
    cwd: ROOT,
    env: { ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters: Array<{ re: RegExp; resolve: (m: RegExpExecArray) => void; reject: (e: Error) => void }> = [];
  const check = () => {
    for (const w of [...waiters]) {
      const m = w.re.exec(output);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      for (const w of waiters.splice(0))
        w.reject(new Error(`service exited (${code ?? signal}) before ${w.re}: ${output}`));
      resolve({ code, signal });
    }),
  );
  child.stdout!.on('data', (d) => {
    output += String(d);
    check();
  });
  child.stderr!.on('data', (d) => {
    output += String(d);
    check();
  });
  const waitFor = (re: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const m = re.exec(output);
      if (m) return resolve(m);
      if (child.exitCode !== null || child.signalCode !== null)
        return reject(new Error(`service is not running, ${re} not seen: ${output}`));
      waiters.push({ re, resolve, reject });
    });
  const m = await waitFor(/listening on http:\/\/localhost:(\d+)/);
  return { child, base: `http://127.0.0.1:${m[1]}`, output: () => output, waitFor, exited };
}

/** Runs `etc serve` to its end (for a start that is refused before it listens). */
export function serveSync(env: NodeJS.ProcessEnv, ...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve', ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
}

/** Logs a user in over HTTP and returns the Authorization header value. */
export async function login(base: string, user: { username: string; password: string }): Promise<string> {
  const res = await fetch(`${base}/api/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
  if (res.status !== 201) throw new Error(`login ${res.status}: ${await res.text()}`);
  return `Bearer ${((await res.json()) as { token: string }).token}`;
}

/** A port nothing listens on now (the kernel's choice, released before the service takes it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
