// SIGTERM stops the service gracefully: it refuses new connections at once, lets the request in
// flight finish and answer, closes its pools and exits 0; past ETC_SHUTDOWN_TIMEOUT_SECONDS it exits 1.
// The request is held in flight by a table lock this test takes (a real operation waiting on the
// database), and everything is synchronised on the service's output, its exit and the database's
// own view of who waits for a lock.
import assert from 'node:assert/strict';
import pg from 'pg';
import { mobile, residentId } from '../helpers/generators.ts';
import { centreDb, cliUser, login, serveSync, startService, type CentreDb } from '../helpers/service-process.ts';

async function untilWaitingOnLock(c: pg.Client, db: string): Promise<void> {
  for (;;) {
    const r = await c.query(
      `select count(*)::int as n from pg_stat_activity where datname = $1 and wait_event_type = 'Lock'`,
      [db],
    );
    if (r.rows[0].n > 0) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function registerCustomer(base: string, auth: string): Promise<Response> {
  return fetch(`${base}/api/v1/customers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: auth },
    body: JSON.stringify({ kind: 'personal', name: '李四', idType: 1, idNumber: residentId(), phone: mobile() }),
  });
}

describe('graceful shutdown on SIGTERM', function () {
  this.timeout(90000);
  let db: CentreDb;
  let clerk: { username: string; password: string };
  before(async () => {
    db = await centreDb('etc_shutdown');
    clerk = cliUser(db, 'clerk');
  });
  after(() => db?.drop());

  it('refuses new connections, finishes the request in flight, exits 0', async () => {
    const svc = await startService(db.env);
    const auth = await login(svc.base, clerk);
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table customers in exclusive mode');
      const inFlight = registerCustomer(svc.base, auth);
      await untilWaitingOnLock(locker, db.name);
      svc.child.kill('SIGTERM');
      await svc.waitFor(/SIGTERM: stopping/);
      await assert.rejects(fetch(`${svc.base}/healthz`), 'a new connection is refused while stopping');
      assert.equal(svc.child.exitCode, null, 'still running: a request is in flight');
      await locker.query('commit');
      const res = await inFlight;
      assert.equal(res.status, 201, 'the request in flight was answered');
      const body = (await res.json()) as { customer: { id: number } };
      assert.deepEqual(await svc.exited, { code: 0, signal: null });
      assert.match(svc.output(), /SIGTERM: stopped/);
      const row = await locker.query('select id from customers where id = $1', [body.customer.id]);
      assert.equal(row.rowCount, 1, 'what it answered is stored');
    } finally {
      await locker.end();
      if (svc.child.exitCode === null) svc.child.kill('SIGKILL');
    }
  });

  it('with two workers sharing the port: SIGTERM stops both after the request in flight, exits 0', async () => {
    const svc = await startService({ ...db.env, ETC_WORKERS: '2' });
    const auth = await login(svc.base, clerk);
    await svc.waitFor(/listening on[^]*listening on/);
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table customers in exclusive mode');
      const inFlight = registerCustomer(svc.base, auth);
      await untilWaitingOnLock(locker, db.name);
      svc.child.kill('SIGTERM');
      await svc.waitFor(/SIGTERM: stopping 2 workers/);
      // the idle worker stops at once; the other waits for its request
      await svc.waitFor(/SIGTERM: stopped/);
      assert.equal(svc.child.exitCode, null, 'still running: a request is in flight');
      await locker.query('commit');
      const res = await inFlight;
      assert.equal(res.status, 201, 'the request in flight was answered');
      const body = (await res.json()) as { customer: { id: number } };
      assert.deepEqual(await svc.exited, { code: 0, signal: null });
      assert.equal(svc.output().match(/SIGTERM: stopped/g)?.length, 2, 'both workers stopped gracefully');
      assert.match(svc.output(), /all 2 workers stopped/);
      await assert.rejects(fetch(`${svc.base}/healthz`), 'nothing listens any more');
      const row = await locker.query('select id from customers where id = $1', [body.customer.id]);
      assert.equal(row.rowCount, 1, 'what it answered is stored');
    } finally {
      await locker.end();
      if (svc.child.exitCode === null) svc.child.kill('SIGKILL');
    }
  });

  it('refuses several workers on the embedded database, before opening it', () => {
    const env: NodeJS.ProcessEnv = { ...db.env, ETC_WORKERS: '2' };
    delete env.DATABASE_URL;
    const r = serveSync(env);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /2 workers need PostgreSQL \(DATABASE_URL\); the embedded database admits one process/);
    const bad = serveSync(db.env, '--workers', 'two');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--workers N: N must be an integer from 1 to 64/);
  });

  it('exits 1 when what is in flight outlasts ETC_SHUTDOWN_TIMEOUT_SECONDS', async () => {
    const svc = await startService({ ...db.env, ETC_SHUTDOWN_TIMEOUT_SECONDS: '1' });
    const auth = await login(svc.base, clerk);
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table customers in exclusive mode');
      const before = (await locker.query('select count(*)::int as n from customers')).rows[0].n;
      const inFlight = registerCustomer(svc.base, auth).then(
        (r) => r.status,
        () => 'cut',
      );
      await untilWaitingOnLock(locker, db.name);
      svc.child.kill('SIGTERM');
      assert.deepEqual(await svc.exited, { code: 1, signal: null });
      assert.match(svc.output(), /shutdown did not finish within 1 s/);
      assert.equal(await inFlight, 'cut', 'the request was not answered');
      await locker.query('commit');
      const after = (await locker.query('select count(*)::int as n from customers')).rows[0].n;
      assert.equal(after, before, 'the unanswered request stored nothing');
    } finally {
      await locker.end();
      if (svc.child.exitCode === null) svc.child.kill('SIGKILL');
    }
  });
});
