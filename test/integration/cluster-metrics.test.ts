// `/metrics` under node:cluster: two API workers sharing the port and a lane worker on a port of its
// own. A scrape reaches one worker; it must answer for all of them (counts summed, the database's
// figures and per-process settings once), on either port. The service runs as a child process on a
// fresh database.
import assert from 'node:assert/strict';
import pg from 'pg';
import { centreDb, cliUser, freePort, login, startService, type CentreDb } from '../helpers/service-process.ts';

// the one sample of `name` whose labels include every one given (the text format, one per line)
function sample(text: string, name: string, labels: Record<string, string>): number {
  const found = text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .filter((l) => Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  assert.equal(found.length, 1, `one ${name} sample with ${JSON.stringify(labels)}: ${found.join(' | ')}`);
  return Number(found[0].slice(found[0].lastIndexOf(' ') + 1));
}

describe('metrics of a service of several workers', function () {
  this.timeout(90000);
  let db: CentreDb;
  before(async () => {
    db = await centreDb('etc_cluster_metrics');
    const seeded = db.etc('seed'); // the demo network: its lanes are what the delivery gauges count
    assert.equal(seeded.status, 0, seeded.stderr);
  });
  after(() => db?.drop());

  it('answers a scrape on either port for every worker: counts summed, shared figures once', async () => {
    const lanePort = await freePort();
    const svc = await startService({
      ...db.env,
      ETC_WORKERS: '2',
      ETC_LANE_WORKERS: '1',
      ETC_LANE_PORT: String(lanePort),
      ETC_LANE_BATCHES_IN_PROGRESS: '3',
    });
    try {
      await svc.waitFor(/listening on[^]*listening on[^]*listening on/);
      const ports = [...svc.output().matchAll(/listening on http:\/\/localhost:(\d+)/g)].map((m) => Number(m[1]));
      const mainPort = ports.find((p) => p !== lanePort)!;
      const main = `http://127.0.0.1:${mainPort}`;
      const lanes = `http://127.0.0.1:${lanePort}`;
      const auth = await login(main, cliUser(db, 'admin'));
      // requests spread over the two workers of the main port (handed out in turn), and the lane worker
      const get = (base: string) => fetch(`${base}/api/v1/me`, { headers: { authorization: auth } });
      for (let i = 0; i < 8; i++) assert.equal((await get(main)).status, 200);
      for (let i = 0; i < 3; i++) assert.equal((await get(lanes)).status, 200);

      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      const registered = Number((await client.query('select count(*) as n from lanes')).rows[0].n);
      await client.end();
      assert.ok(registered > 0, 'the demo network has lanes');
      for (const base of [main, main, lanes]) {
        const res = await fetch(`${base}/metrics`, { headers: { authorization: auth } });
        assert.equal(res.status, 200);
        const text = await res.text();
        const me = { method: 'get', route: '/api/v1/me', status: '200' };
        assert.equal(sample(text, 'etc_http_request_duration_seconds_count', me), 11, `every worker's count (${base})`);
        // a database figure every worker reads alike: reported once, not three times
        assert.equal(sample(text, 'etc_status_list_lanes', { state: 'never_reported' }), registered);
        // each process's own setting: the largest, not the sum
        assert.equal(sample(text, 'etc_http_gate_limit', { route: '/api/v1/lanes/:laneId/transactions' }), 3);
      }
      const unauthorised = await fetch(`${main}/metrics`);
      assert.equal(unauthorised.status, 401, 'the gathered metrics are as guarded as one process’s');
      svc.child.kill('SIGTERM');
      assert.deepEqual(await svc.exited, { code: 0, signal: null });
      assert.match(svc.output(), /all 3 workers stopped/);
    } finally {
      if (svc.child.exitCode === null) svc.child.kill('SIGKILL');
    }
  });
});
