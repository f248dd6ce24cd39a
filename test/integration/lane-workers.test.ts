// Lane workers (ETC_LANE_WORKERS, ETC_LANE_PORT): API processes of their own on a port of their own,
// where a centre points its lanes, so that lane batches do not share an event loop with the bank
// channel and the console (bench/mixed measured why). The service runs as a child process on a
// fresh database; a lane uploads through the lanes' port and a clerk works through the other.
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config.ts';
import {
  centreDb,
  cliUser,
  freePort,
  login,
  serveSync,
  startService,
  type CentreDb,
} from '../helpers/service-process.ts';

describe('lane workers on a port of their own', function () {
  this.timeout(90000);
  let db: CentreDb;
  before(async () => {
    db = await centreDb('etc_lane_workers');
  });
  after(() => db?.drop());

  it('reads the count and the port, and refuses a port without workers, workers without a port, or the main port', () => {
    const env = (extra: NodeJS.ProcessEnv) => ({ ...db.env, PORT: '8080', ...extra });
    assert.equal(loadConfig(env({})).laneWorkers, undefined);
    assert.equal(loadConfig(env({ ETC_LANE_WORKERS: '0' })).laneWorkers, undefined);
    assert.deepEqual(loadConfig(env({ ETC_LANE_WORKERS: '2', ETC_LANE_PORT: '8081' })).laneWorkers, {
      count: 2,
      port: 8081,
    });
    for (const [extra, variable] of [
      [{ ETC_LANE_PORT: '8081' }, /ETC_LANE_PORT is the lane workers' port: set ETC_LANE_WORKERS too/],
      [{ ETC_LANE_WORKERS: '1' }, /ETC_LANE_PORT must be set with ETC_LANE_WORKERS/],
      [{ ETC_LANE_WORKERS: '1', ETC_LANE_PORT: '8080' }, /ETC_LANE_PORT must differ from PORT \(8080\)/],
      [{ ETC_LANE_WORKERS: '1', ETC_LANE_PORT: '0' }, /ETC_LANE_PORT must be between 1 and 65535/],
      [{ ETC_LANE_WORKERS: '65', ETC_LANE_PORT: '8081' }, /ETC_LANE_WORKERS must be between 0 and 64/],
      [{ ETC_LANE_WORKERS: 'two', ETC_LANE_PORT: '8081' }, /ETC_LANE_WORKERS must be an integer/],
    ] as const)
      assert.throws(
        () => loadConfig(env(extra)),
        (e: unknown) => e instanceof ConfigError && variable.test(e.message),
        JSON.stringify(extra),
      );
  });

  it('refuses lane workers on the embedded database, before opening it', () => {
    const env: NodeJS.ProcessEnv = { ...db.env, ETC_LANE_WORKERS: '1', ETC_LANE_PORT: '18999' };
    delete env.DATABASE_URL;
    const r = serveSync(env);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /lane workers \(ETC_LANE_WORKERS\) need PostgreSQL \(DATABASE_URL\)/);
    assert.doesNotMatch(r.stdout, /listening on/);
  });

  it('serves the lanes’ port from workers of its own beside the main port, and stops them all on SIGTERM', async () => {
    const lanePort = await freePort();
    const svc = await startService({ ...db.env, ETC_LANE_WORKERS: '1', ETC_LANE_PORT: String(lanePort) });
    try {
      await svc.waitFor(new RegExp(`starting 1 workers on one port and 1 lane workers on port ${lanePort}`));
      // each worker prints the port it listens on: one the kernel chose, one the lanes'
      await svc.waitFor(/listening on[^]*listening on/);
      const ports = [...svc.output().matchAll(/listening on http:\/\/localhost:(\d+)/g)].map((m) => Number(m[1]));
      assert.equal(ports.length, 2);
      assert.ok(ports.includes(lanePort), `a worker listens on the lanes' port: ${ports}`);
      const other = ports.find((p) => p !== lanePort);
      assert.ok(other, `the other worker listens on a port of its own: ${ports}`);
      const main = `http://127.0.0.1:${other}`;
      const lanes = `http://127.0.0.1:${lanePort}`;
      // the same centre behind both: a clerk's session made through one port is valid through the other
      const clerk = cliUser(db, 'clerk');
      const auth = await login(main, clerk);
      const me = await fetch(`${lanes}/api/v1/me`, { headers: { authorization: auth } });
      assert.equal(me.status, 200);
      assert.equal(((await me.json()) as { username: string }).username, clerk.username);
      const unsigned = await fetch(`${lanes}/api/v1/lanes/L340102-01/transactions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"transactions":[]}',
      });
      assert.equal(unsigned.status, 401, 'the lanes’ port is as guarded as the other');
      svc.child.kill('SIGTERM');
      assert.deepEqual(await svc.exited, { code: 0, signal: null });
      assert.equal(svc.output().match(/SIGTERM: stopped/g)?.length, 2, 'both workers stopped gracefully');
      assert.match(svc.output(), /all 2 workers stopped/);
      await assert.rejects(fetch(`${lanes}/healthz`), 'nothing listens on the lanes’ port any more');
    } finally {
      if (svc.child.exitCode === null) svc.child.kill('SIGKILL');
    }
  });
});
