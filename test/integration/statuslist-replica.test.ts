// Status-list downloads from a read replica (ETC_READ_DATABASE_URL): a centre of its own on a primary
// and its hot standby made for this test (helpers/replica-pair.ts). The replica's replay is paused to
// show where a download is read from: while it lags, lanes get the last version it has, and what a
// pull writes (its delivery time, the signed delta it built) goes to the primary all the same.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { buildApp } from '../../src/app.ts';
import { bootstrap, shutdown } from '../../src/bootstrap.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { createClient } from '../../src/modules/access/index.ts';
import { listLanes } from '../../src/modules/lanes/index.ts';
import { publishNow } from '../../src/modules/statuslist/index.ts';
import { ManualClock } from '../../src/platform/clock/clock.ts';
import { stringToSign } from '../../src/platform/http/auth.ts';
import type { AppContext } from '../../src/platform/http/context.ts';
import { seedDemo } from '../../src/seed.ts';
import { startReplicaPair, type ReplicaPair } from '../helpers/replica-pair.ts';

describe('status list: downloads from a read replica', function () {
  this.timeout(120000);
  const database = `etc_replica_${randomBytes(4).toString('hex')}`;
  let pair: ReplicaPair;
  let app: AppContext;
  let http: Express;
  const clock = new ManualClock(new Date());
  const dataDir = mkdtempSync(join(tmpdir(), 'etc-replica-data-'));
  before(async () => {
    pair = await startReplicaPair();
    await pair.sql('primary', `create database ${database}`);
    const config = loadConfig({
      DATABASE_URL: pair.primaryUrl(database),
      ETC_READ_DATABASE_URL: pair.replicaUrl(database),
      ETC_KEK: randomBytes(32).toString('hex'),
      ETC_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    });
    app = await bootstrap(config, { clock, generateKeys: true });
    http = buildApp(app).express;
    await seedDemo(app);
  });
  after(async () => {
    if (app) await shutdown(app);
    pair?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a replica without a primary, or one that is not a postgres:// URL', () => {
    assert.throws(
      () => loadConfig({ ETC_READ_DATABASE_URL: 'postgres://h/db', ETC_DATA_DIR: tmpdir() }),
      (e: unknown) => e instanceof ConfigError && /ETC_READ_DATABASE_URL.*set DATABASE_URL too/.test(e.message),
    );
    assert.throws(
      () =>
        loadConfig({
          DATABASE_URL: 'postgres://h/db',
          ETC_READ_DATABASE_URL: 'mysql://h/db',
          ETC_KEK: '00'.repeat(32),
          ETC_DATA_DIR: tmpdir(),
        }),
      (e: unknown) => e instanceof ConfigError && /ETC_READ_DATABASE_URL must be a postgres:\/\/ URL/.test(e.message),
    );
    assert.equal(
      loadConfig({ DATABASE_URL: 'postgres://h/db', ETC_KEK: '00'.repeat(32), ETC_DATA_DIR: tmpdir() }).readDatabaseUrl,
      undefined,
    );
  });

  it('serves what the replica has replayed, and writes a pull’s records to the primary', async () => {
    const laneId = (await listLanes(app.db))[0].id;
    const { secret } = await createClient(app.db, app.keys.hsm, null, { id: laneId, role: 'lane' });
    const pull = (query = '') => {
      const path = `/api/v1/lanes/${laneId}/status-list${query}`;
      const ts = String(clock.now().getTime());
      const sig = createHmac('sha256', secret)
        .update(stringToSign('get', path, ts, Buffer.alloc(0)))
        .digest('hex');
      return request(http).get(path).set('X-Client-Id', laneId).set('X-Timestamp', ts).set('X-Signature', sig);
    };
    // another province's card entered by interchange: no card of ours is needed for a list entry
    let n = 0;
    const publishEntry = async () => {
      const id = `3402${String(++n).padStart(16, '0')}`;
      await app.db('status_list_changes').insert({
        medium: 'card',
        medium_id: id,
        issuer: '3402',
        action: 'enter',
        reason: 1,
        source: 'interchange',
        state: 'pending',
        created_at: clock.now(),
        created_by: 'test',
      });
      const published = await publishNow(app.db, app, null);
      assert.ok(published, 'a version is published');
      return { id, version: published.version };
    };
    const packageOf = (text: string) => {
      const lines = text.trim().split('\n');
      return { header: JSON.parse(lines[0]), ids: lines.slice(1, -1).map((l) => JSON.parse(l).id as string) };
    };

    const first = await publishEntry();
    await pair.caughtUp();
    const full = await pull();
    assert.equal(full.status, 200);
    assert.equal(packageOf(full.text).header.version, first.version);
    assert.deepEqual(packageOf(full.text).ids, [first.id]);

    // the replica stops replaying: the primary publishes a version it does not have
    await pair.sql('replica', 'select pg_wal_replay_pause()');
    const second = await publishEntry();
    clock.advance(2000); // past the second a process keeps the list's head
    const lagging = packageOf((await pull()).text);
    assert.equal(lagging.header.version, first.version, 'the full list is the replica’s');
    assert.deepEqual(lagging.ids, [first.id]);
    const current = await pull(`?since=${first.version}`);
    assert.equal(current.status, 304, 'up to date with what the replica has');
    assert.equal(current.headers['x-list-version'], String(first.version));
    const [row] = await app.db('status_list_lanes').where({ lane_id: laneId });
    assert.equal(new Date(row.pulled_at).getTime(), clock.now().getTime(), 'the pull was recorded on the primary');
    // a lane that had a newer version from the primary is not taken back by the replica
    const third = await publishEntry();
    clock.advance(2000);
    const ahead = packageOf((await pull(`?since=${second.version}`)).text);
    assert.deepEqual(
      [ahead.header.kind, ahead.header.from, ahead.header.version],
      ['delta', second.version, third.version],
    );
    assert.deepEqual(ahead.ids, [third.id]);

    await pair.sql('replica', 'select pg_wal_replay_resume()');
    await pair.caughtUp();
    clock.advance(2000);
    const delta = await pull(`?since=${first.version}`);
    assert.equal(delta.status, 200);
    const caught = packageOf(delta.text);
    assert.deepEqual([caught.header.kind, caught.header.version], ['delta', third.version]);
    assert.deepEqual(caught.ids, [second.id, third.id]);
    const stored = await app
      .db('status_list_delta_packages')
      .where({ from_version: first.version, to_version: third.version });
    assert.equal(stored.length, 1, 'the delta the replica built was stored through the primary');
    assert.deepEqual(packageOf((await pull()).text).ids, [first.id, second.id, third.id]);

    // the replica goes away: downloads are read from the primary rather than refused
    pair.stopReplica();
    const fourth = await publishEntry();
    clock.advance(2000);
    const fallback = await pull();
    assert.equal(fallback.status, 200);
    const fromPrimary = packageOf(fallback.text);
    assert.equal(fromPrimary.header.version, fourth.version);
    assert.deepEqual(fromPrimary.ids, [first.id, second.id, third.id, fourth.id]);
    const fromThird = await pull(`?since=${third.version}`);
    assert.deepEqual(packageOf(fromThird.text).ids, [fourth.id]);
  });
});
