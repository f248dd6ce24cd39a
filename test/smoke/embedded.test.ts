// The zero-setup mode: `etc serve` with no DATABASE_URL and no REDIS_URL runs on PGlite in the data
// dir with the in-process queue, seeds the demo province on first start, and keeps data on restart.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
function start(dataDir: string, port: number): Promise<Running> {
  const env: NodeJS.ProcessEnv = { ...process.env, ETC_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.ETC_KEK;
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
    const first = await start(dataDir, port);
    let password: string;
    try {
      const m = /clerk\s+clerk\s+(\S+)/.exec(first.output);
      assert.ok(m, `demo clerk password printed: ${first.output}`);
      password = m[1];
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
    } finally {
      await stop(first);
    }
    const second = await start(dataDir, port);
    try {
      assert.doesNotMatch(second.output, /demo users/, 'no second seeding');
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
