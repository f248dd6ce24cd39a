// Shared helpers for the benchmarks: a database of their own, the machine's description, results
// written to bench/results/<name>.json and a row added to the table of bench/README.md (newest first).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { MasterKeys } from '../lanes-sim/card/virtual-card.ts';
import { kcv } from '../src/platform/crypto/pboc.ts';
import { signingString } from '../src/platform/http/auth.ts';

export const BENCH_DIR = fileURLToPath(new URL('./', import.meta.url));
export const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ADMIN_URL = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The Node options a bench starts the service with: the young generation docs/OPERATIONS recommends
 *  for a centre's API processes (a lane batch's objects live across its round trips; in a smaller
 *  one they are copied twice and then promoted). BENCH_SERVICE_NODE_OPTIONS replaces it, empty for
 *  Node's default. */
export const SERVICE_NODE_OPTIONS = process.env.BENCH_SERVICE_NODE_OPTIONS ?? '--max-semi-space-size=128';

// BENCH_SERVICE_NICE=-10: the processes startProcess starts (the service, and a bench's own floor
// server) run at that scheduling priority, as a deployment would set with systemd's Nice=. A negative
// value needs root; without it nice(1) runs them unchanged, so a bench reports the priority they
// actually had (os.getPriority), never the one asked for.
export const SERVICE_NICE = Number(process.env.BENCH_SERVICE_NICE ?? '0');
if (!Number.isInteger(SERVICE_NICE) || SERVICE_NICE < -20 || SERVICE_NICE > 19)
  throw new Error(`BENCH_SERVICE_NICE must be a whole number from -20 to 19, not ${process.env.BENCH_SERVICE_NICE}`);

/** Whether the kernel groups processes by session for scheduling (each PostgreSQL backend is its
 *  own session, so with it on a backend weighs as much as the whole service). */
export function autogroupEnabled(): boolean {
  try {
    return readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1';
  } catch {
    return false;
  }
}

/** How a row says at what priority its service ran. */
export function priorityNote(nice: number): string {
  return `service at nice ${nice}, kernel autogroup ${autogroupEnabled() ? 'on' : 'off'}`;
}

export function machine(): string {
  return `${cpus()[0]?.model.trim() ?? 'cpu'} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

// CPU time of processes, from /proc (Linux). USER_HZ is 100: /proc/<pid>/stat counts in 1/100 s.
const USER_HZ = 100;

// the fields of /proc/<pid>/stat from the state on (after the command name, which may hold spaces);
// undefined once the process has gone
function procStat(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** utime + stime of a process in seconds; undefined once it has gone. */
export function cpuSeconds(pid: number): number | undefined {
  const f = procStat(pid);
  return f && (Number(f[11]) + Number(f[12])) / USER_HZ;
}

/** utime + stime of these processes together, in seconds (one gone counts nothing). */
export const cpuOf = (pids: number[]): number => pids.reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0);

/** The machine's CPU time so far, in jiffies of all cores: busy and idle (I/O wait counted idle). */
export function machineCpu(): { busy: number; idle: number } {
  const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const n = f.map(Number); // user nice system idle iowait irq softirq steal
  const idle = n[3] + n[4];
  return { busy: n.slice(0, 8).reduce((a, b) => a + b, 0) - idle, idle };
}

/** The share of the machine's cores busy between two `machineCpu` readings, in percent. */
export function busyPercent(before: { busy: number; idle: number }, after: { busy: number; idle: number }): number {
  const busy = after.busy - before.busy;
  return (100 * busy) / Math.max(1, busy + after.idle - before.idle);
}

/** The CPU seconds of this database's PostgreSQL backends, by pid: every connection but `db`'s own. */
export async function backendCpu(db: pg.Client): Promise<Map<number, number>> {
  const { rows } = await db.query(
    'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
  );
  const cpu = new Map<number, number>();
  for (const { pid } of rows as Array<{ pid: number }>) {
    const s = cpuSeconds(pid);
    if (s !== undefined) cpu.set(pid, s);
  }
  return cpu;
}

/** CPU seconds spent between two `backendCpu` readings by the backends of the second: one that
 *  closed in between is left out (an idle connection closing), one opened in between counts whole. */
export function cpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let s = 0;
  for (const [pid, t] of after) s += t - (before.get(pid) ?? 0);
  return s;
}

/** A process and its children (cluster workers). */
export function withChildren(pid: number): number[] {
  const kids = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d) && Number(procStat(d)?.[1]) === pid)
    .map(Number);
  return [pid, ...kids];
}

/** What `etc serve` prints once each of its N API workers listens (startProcess's `ready`). */
export const everyWorkerListening = (workers: number): RegExp =>
  new RegExp(Array.from({ length: workers }, () => 'listening on').join('[^]*'));

/** A process's peak resident memory so far in kB (the kernel's high-water mark VmHWM, which only
 *  grows); undefined once it has gone. */
export function peakRssKb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The largest peak resident memory of these processes, in MB (one gone counts nothing). */
export const peakRssMb = (pids: number[]): number =>
  Math.round(Math.max(0, ...pids.map((pid) => peakRssKb(pid) ?? 0)) / 1024);

let signedSerial = 0;
/** A machine client's headers (ICD §0) for a POST to path of a body whose SHA-256 is bodySha256
 *  (hex), under an idempotency key of its own. */
export function signedHeaders(
  clientId: string,
  secret: string,
  path: string,
  bodySha256: string,
): Record<string, string> {
  const ts = String(Date.now());
  return {
    'x-client-id': clientId,
    'x-timestamp': ts,
    'x-signature': createHmac('sha256', secret)
      .update(signingString('POST', path, ts, bodySha256))
      .digest('hex'),
    'idempotency-key': `B${process.pid}-${++signedSerial}`,
  };
}

/** JSON requests to the service at base: the answer's body, or an error naming the path and status. */
export function jsonCaller(base: string) {
  return async (method: string, path: string, body: string | undefined, headers: Record<string, string>) => {
    const attempt = () =>
      fetch(base + path, {
        method,
        headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
        body,
      });
    // a pooled connection the server closed while idle (keep-alive timeout) fails before the request
    // reaches the service: send it once more
    const res = await attempt().catch(() => attempt());
    const json = (await res.json()) as any;
    if (res.status >= 300) throw new Error(`${path} ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
    return json;
  };
}

/** Posts prepared bytes over kept-alive connections (node:http), answering the parsed JSON. A lane
 *  controller sends its batch from a machine of its own; here the sender shares the cores with the
 *  service, so it sends bytes made before the clock starts, and through node:http, whose CPU per
 *  half-megabyte batch is a fraction of fetch's. A POST that fails on a kept-alive connection the
 *  server had just closed is sent once more (the idempotency key makes that safe). */
export function bytesPoster(base: string, sockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const { hostname, port } = new URL(base);
  const once = (path: string, body: Buffer, headers: Record<string, string>) =>
    new Promise<any>((resolve, reject) => {
      const req = http.request(
        {
          host: hostname,
          port,
          path,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': String(body.length), ...headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if ((res.statusCode ?? 500) >= 300)
              return reject(new Error(`${path} ${res.statusCode} ${text.slice(0, 300)}`));
            try {
              resolve(JSON.parse(text));
            } catch (err) {
              reject(err);
            }
          });
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
      req.end(body);
    });
  return (path: string, body: Buffer, headers: Record<string, string>) =>
    once(path, body, headers).catch((err) => {
      if (err.reusedSocket && err.code === 'ECONNRESET') return once(path, body, headers);
      throw err;
    });
}

export async function withDatabase<T>(name: string, fn: (url: string) => Promise<T>): Promise<T> {
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`drop database if exists ${name} with (force)`);
  await admin(`create database ${name}`);
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  try {
    return await fn(u.toString());
  } finally {
    await admin(`drop database if exists ${name} with (force)`);
  }
}

// a fixed pool of simultaneous tasks over a list
export async function pool<T, R>(items: T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return 0;
  return sortedMs[Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1)];
}

export function writeResults(name: string, metrics: Record<string, number>, note: string): void {
  const date = new Date().toISOString();
  writeFileSync(
    `${BENCH_DIR}results/${name}.json`,
    JSON.stringify({ date, machine: machine(), metrics }, null, 2) + '\n',
  );
  const readme = `${BENCH_DIR}README.md`;
  if (!existsSync(readme)) {
    writeFileSync(
      readme,
      '# Benchmarks\n\nEach script measures one target of DESIGN §10, writes `bench/results/<name>.json` ({date, machine, metrics}) and appends a row here. They are never part of `npm test`.\n\n| date | bench | machine | figures | note |\n|---|---|---|---|---|\n',
    );
  }
  const figures = Object.entries(metrics)
    .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(2)}`)
    .join(', ');
  // newest first, right under the table's header (the prose below it stays in one piece)
  const row = `| ${date.slice(0, 16).replace('T', ' ')} | ${name} | ${machine()} | ${figures} | ${note} |\n`;
  const text = readFileSync(readme, 'utf8');
  const header = '|---|---|---|---|---|\n';
  const at = text.indexOf(header);
  writeFileSync(readme, at < 0 ? text + row : text.slice(0, at + header.length) + row + text.slice(at + header.length));
}

// Starts a script of this repo in a child process (tsx) and resolves once it prints `ready` (or matches it).
// BENCH_PROFILE=dir adds a CPU profile; BENCH_STDERR=1 passes its stderr through.
export function startProcess(script: string[], env: NodeJS.ProcessEnv, ready: string | RegExp): Promise<ChildProcess> {
  const prof = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const node = [process.execPath, ...prof, '--import', 'tsx', ...script];
  const [command, ...args] = SERVICE_NICE === 0 ? node : ['nice', '-n', String(SERVICE_NICE), ...node];
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (typeof ready === 'string' ? out.includes(ready) : ready.test(out)) resolve(child);
    });
    child.stderr!.on('data', (d) => {
      out += d;
      if (process.env.BENCH_STDERR) process.stderr.write(d);
    });
    child.on('exit', (code) => reject(new Error(`${script.join(' ')} exited ${code}: ${out}`)));
  });
}

export function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

// Runs one `etc` command to completion and returns what it printed.
export function etcCommand(cmd: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...cmd], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(out))));
  });
}

/** Fresh random load, TAC and purchase master keys of one version, imported with `etc keys import`
 *  from a file of mode 0600 that is removed at once; the bench's virtual cards derive from them. */
export async function importMasterKeys(env: NodeJS.ProcessEnv, version: number): Promise<MasterKeys> {
  const masters: MasterKeys = { load: randomBytes(16), tac: randomBytes(16), purchase: randomBytes(16) };
  const keyFile = `/tmp/etc-bench-keys-${process.pid}.json`;
  writeFileSync(
    keyFile,
    JSON.stringify({
      keys: (['load', 'tac', 'purchase'] as const).map((p) => ({
        purpose: p,
        version,
        value: masters[p].toString('hex'),
        kcv: kcv(masters[p]).toString('hex'),
      })),
    }),
    { mode: 0o600 },
  );
  try {
    await etcCommand(['keys', 'import', '--file', keyFile], env);
  } finally {
    rmSync(keyFile);
  }
  return masters;
}
