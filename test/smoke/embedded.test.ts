// The zero-setup mode: `etc serve` with no DATABASE_URL and no REDIS_URL runs on PGlite in the data
// dir with the in-process queue, seeds the demo province on first start, and keeps data on restart.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

type Running = { child: ChildProcess; output: string };

// Starts the service and resolves once it says it is listening (or rejects if it exits first).
function embeddedEnv(dataDir: string, port: number, logLevel = 'warn'): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ETC_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: logLevel };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.ETC_KEK;
  return env;
}

// A command run to its end on the same data dir, as a second process. Asynchronously: a blocked
// event loop would miss the service closing an idle keep-alive connection, and the next fetch would
// be sent on the dead socket.
function etc(
  dataDir: string,
  port: number,
  ...args: string[]
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    env: embeddedEnv(dataDir, port),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const r = { status: null as number | null, stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (r.stdout += String(d)));
  child.stderr.on('data', (d) => (r.stderr += String(d)));
  return new Promise((resolve) => child.on('close', (code) => resolve({ ...r, status: code })));
}

function start(dataDir: string, port: number, logLevel = 'warn'): Promise<Running> {
  const env = embeddedEnv(dataDir, port, logLevel);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: Running = { child, output: '' };
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      run.output += String(d);
      if (run.output.includes('listening on')) resolve(run);
    });
    child.stderr!.on('data', (d) => {
      run.output += String(d);
    });
    child.on('exit', (code) => reject(new Error(`service exited with ${code}: ${run.output}`)));
  });
}

async function stop(run: Running): Promise<void> {
  if (run.child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    run.child.removeAllListeners('exit');
    run.child.on('exit', () => resolve());
    run.child.kill('SIGTERM');
  });
}

describe('embedded mode (PGlite + in-process queue)', function () {
  this.timeout(120000);
  const dataDir = mkdtempSync(join(tmpdir(), 'etc-embedded-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts with zero configuration, seeds the demo province, serves, and keeps data across a restart', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // info level: the JSON log stream has lines in it, and none of them may carry a demo password
    const first = await start(dataDir, port, 'info');
    let password: string;
    try {
      const file = join(dataDir, 'demo-passwords.txt');
      assert.equal(statSync(file).mode & 0o777, 0o600, 'the demo passwords file is readable by its owner only');
      const passwords = Object.fromEntries(
        [...readFileSync(file, 'utf8').matchAll(/^\S+\s+(\S+)\s+(\S{20,})$/gm)].map((m) => [m[1], m[2]]),
      );
      assert.deepEqual(Object.keys(passwords).sort(), ['admin', 'clerk', 'finance', 'supervisor']);
      password = passwords.clerk;
      assert.match(first.output, /"msg":"migrated"/, 'the log stream was written');
      assert.match(first.output, new RegExp(`their passwords are in ${file}`));
      for (const p of Object.values(passwords))
        assert.ok(!first.output.includes(p), 'no demo password in the output (JSON log lines or otherwise)');
      const health = await fetch(`${base}/healthz`).then((r) => r.json());
      assert.deepEqual(health, { status: 'ok', database: 'up', queue: 'up', queueKind: 'in-process' });
      const login = await fetch(`${base}/api/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'clerk', password }),
      });
      assert.equal(login.status, 201);
      const { token } = (await login.json()) as { token: string };
      const network = (await fetch(`${base}/api/v1/network`, { headers: { authorization: `Bearer ${token}` } }).then(
        (r) => r.json(),
      )) as { operators: unknown[]; lanes: Array<{ stationId: number }> };
      assert.ok(network.operators.length >= 3);
      assert.equal(network.lanes.length, 10);
      assert.equal(new Set(network.lanes.map((l) => l.stationId)).size, 5);
      const unauth = await fetch(`${base}/api/v1/network`);
      assert.equal(unauth.status, 401);

      // a second process on the same data dir is refused, naming the one that runs
      const pid = String(first.child.pid);
      const lockFile = join(dataDir, 'etc.lock');
      assert.equal(JSON.parse(readFileSync(lockFile, 'utf8')).pid, first.child.pid);
      const second = await etc(dataDir, await freePort(), 'serve');
      assert.equal(second.status, 3, second.stdout + second.stderr);
      assert.match(second.stderr, new RegExp(`in use by process ${pid} \\(etc serve`));
      assert.doesNotMatch(second.stdout, /listening on/);
      // an admin command is not run against the open database: the CLI says how to do it through the service
      const add = await etc(dataDir, port, 'clients', 'add', '--role', 'bank', '--id', 'ICBC');
      assert.equal(add.status, 3, add.stdout + add.stderr);
      assert.match(add.stderr, new RegExp(`the service \\(process ${pid}\\) is running`));
      assert.match(
        add.stderr,
        new RegExp(`curl -s -X POST http://localhost:${port}/api/v1/clients .*'\\{"id":"ICBC","role":"bank"\\}'`),
      );
      // ... and doing so works while it runs
      const admin = await fetch(`${base}/api/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: passwords.admin }),
      }).then((r) => r.json() as Promise<{ token: string }>);
      const auth = { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' };
      const created = await fetch(`${base}/api/v1/clients`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ id: 'ICBC', role: 'bank' }),
      });
      assert.equal(created.status, 201);
      const keys = (await fetch(`${base}/api/v1/keys`, { headers: auth }).then((r) => r.json())) as {
        keys: Array<{ purpose: string; version: number; kcv: string }>;
      };
      assert.equal(keys.keys.length, 6);
      const check = await fetch(`${base}/api/v1/ledger/check`, { headers: auth }).then((r) => r.json());
      assert.deepEqual(check, { ok: true, failures: [] });
      assert.equal((await etc(dataDir, port, 'check-ledger')).status, 3);
    } finally {
      await stop(first);
    }
    assert.ok(!existsSync(join(dataDir, 'etc.lock')), 'a stopped service leaves no lock behind');
    const direct = await etc(dataDir, port, 'clients', 'add', '--role', 'lane', '--id', 'L340102-01');
    assert.equal(direct.status, 0, direct.stdout + direct.stderr);
    assert.ok(!existsSync(join(dataDir, 'etc.lock')), 'a command leaves no lock behind');
    const second = await start(dataDir, port);
    try {
      assert.doesNotMatch(second.output, /demo users/, 'no second seeding');
      assert.doesNotMatch(second.output, /master keys/, 'no second key generation');
      const kek = readFileSync(join(dataDir, 'kek.hex'), 'utf8').trim();
      assert.match(kek, /^[0-9a-f]{64}$/, 'the KEK was generated into the data dir');
      assert.ok(!(first.output + second.output).toLowerCase().includes(kek), 'the KEK is never printed');
      const login = await fetch(`${base}/api/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'clerk', password }),
      });
      assert.equal(login.status, 201, 'the demo clerk survives a restart');
    } finally {
      await stop(second);
    }
  });
});
