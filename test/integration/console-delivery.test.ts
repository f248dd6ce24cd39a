// The delivery map: every station with its lanes, how far each is behind the current list version,
// and when it last pulled, downloaded and reported.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { fingerprint, harness, loginAs, newClient, signed } from '../helpers/harness.ts';
import { testLanes } from '../helpers/lanes.ts';
import { cardStep, issueCard, machine, simLane, tick } from './statuslist-support.ts';
import { deliveryResponse } from '../../src/modules/statuslist/index.ts';

const LANE = 'L340106-01';

describe('console reads: status-list delivery map', () => {
  let clerk: string;
  let supervisor: string;
  let realNow: Date;

  before(async () => {
    const h = await harness();
    realNow = h.clock.now();
    await testLanes();
    clerk = (await loginAs('clerk')).auth;
    supervisor = (await loginAs('supervisor')).auth;
  });
  after(async () => (await harness()).clock.set(realNow));

  const map = async () => {
    const h = await harness();
    const res = await request(h.http).get('/api/v1/status-list/delivery').set('Authorization', supervisor);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    deliveryResponse.parse(res.body);
    return res.body;
  };
  const laneOf = (body: any, laneId: string) =>
    body.stations.flatMap((s: { lanes: unknown[] }) => s.lanes).find((l: { laneId: string }) => l.laneId === laneId);

  it('shows each lane behind the new version until it downloads and applies it, grouped by station', async () => {
    const h = await harness();
    const lane = await simLane(LANE);
    await lane.sync();
    const { cardNo } = await issueCard(clerk, 23);
    await cardStep(clerk, cardNo, 'loss-report');
    const published = await tick();
    assert.ok(published, 'a version was published');

    const behind = await map();
    assert.equal(behind.currentVersion, published.version);
    const before = laneOf(behind, LANE);
    assert.ok(before.appliedVersion < published.version);
    assert.equal(before.versionsBehind, published.version - before.appliedVersion);
    // every lane of the registry appears once, under its station, in lane order
    const registry = await h.app.db('lanes').select('id', 'station_id');
    const shown = behind.stations.flatMap((s: { stationId: number; lanes: Array<{ laneId: string }> }) =>
      s.lanes.map((l) => [l.laneId, s.stationId]),
    );
    assert.deepEqual(shown.map(([id]: [string]) => id).sort(), registry.map((r) => r.id).sort());
    for (const [id, station] of shown) assert.equal(registry.find((r) => r.id === id)!.station_id, station);
    assert.equal(behind.summary.lanes, registry.length);
    for (const s of behind.stations) {
      assert.equal(s.maxVersionsBehind, Math.max(...s.lanes.map((l: { versionsBehind: number }) => l.versionsBehind)));
      const nos = s.lanes.map((l: { laneNo: number }) => l.laneNo);
      assert.deepEqual(
        nos,
        [...nos].sort((a, b) => a - b),
      );
      for (const l of s.lanes) assert.equal(l.versionsBehind, behind.currentVersion - (l.appliedVersion ?? 0));
    }
    assert.deepEqual(
      behind.stations.map((s: { stationId: number }) => s.stationId),
      [...behind.stations.map((s: { stationId: number }) => s.stationId)].sort((a, b) => a - b),
    );

    // seconds behind grow with the clock until the lane has the version
    h.clock.set(new Date(h.clock.now().getTime() + 90_000));
    const later = laneOf(await map(), LANE);
    assert.ok(later.secondsBehind >= 90, `seconds behind: ${later.secondsBehind}`);

    // the lane downloads the version (recorded), then reports it applied
    await lane.pull();
    const downloaded = laneOf(await map(), LANE);
    assert.equal(downloaded.lastDownloadVersion, published.version);
    assert.equal(downloaded.lastDownloadAt, h.clock.now().toISOString());
    assert.equal(downloaded.appliedVersion, before.appliedVersion, 'not applied until the heartbeat says so');
    await lane.heartbeat();
    const current = laneOf(await map(), LANE);
    assert.deepEqual(
      [current.appliedVersion, current.versionsBehind, current.secondsBehind, current.behind],
      [published.version, 0, 0, false],
    );
    assert.equal(current.lastHeartbeatAt, h.clock.now().toISOString());

    // a pull with nothing new is recorded as a pull, not as a download
    h.clock.set(new Date(h.clock.now().getTime() + 60_000));
    await lane.pull();
    const again = laneOf(await map(), LANE);
    assert.equal(again.lastPullAt, h.clock.now().toISOString());
    assert.equal(again.lastDownloadAt, current.lastDownloadAt);
  });

  it('reads a lane clock running ahead as now, and refuses a time it could not give back (year 10000 UTC)', async () => {
    const h = await harness();
    const lane = await machine('lane', LANE);
    const version = laneOf(await map(), LANE).appliedVersion ?? 0;
    const heartbeat = (appliedAt: string, key: string) =>
      signed(
        lane,
        'post',
        `/api/v1/lanes/${LANE}/heartbeat`,
        { listVersion: version, appliedAt },
        { idempotencyKey: key },
      );
    const ahead = await heartbeat(new Date(h.clock.now().getTime() + 3_600_000).toISOString(), 'hb-hour-ahead');
    assert.equal(ahead.status, 204, JSON.stringify(ahead.body));
    const shown = laneOf(await map(), LANE);
    assert.equal(shown.appliedAt, h.clock.now().toISOString());
    assert.equal(shown.lastHeartbeatAt, h.clock.now().toISOString());
    // a time behind the clock is the lane's word, kept as it said
    const earlier = new Date(h.clock.now().getTime() - 600_000).toISOString();
    assert.equal((await heartbeat(earlier, 'hb-earlier')).status, 204);
    assert.equal(laneOf(await map(), LANE).appliedAt, earlier);
    // 9999-12-31T23:59:59-12:00 is in year 10000 in UTC: stored, it broke the map for every lane
    const before = await fingerprint();
    const far = await heartbeat('9999-12-31T23:59:59-12:00', 'hb-year-10000');
    assert.deepEqual([far.status, far.body.error?.code, far.body.error?.field], [400, 'invalid-request', 'appliedAt']);
    assert.deepEqual(await fingerprint(), before);
    assert.equal(laneOf(await map(), LANE).appliedAt, earlier);
  });

  it('streams the map as server-sent events, the first event at once, until the client goes away', async () => {
    const h = await harness();
    const server = h.http.listen(0);
    try {
      const { port } = server.address() as AddressInfo;
      const abort = new AbortController();
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/status-list/delivery/stream?interval=60`, {
        headers: { Authorization: supervisor },
        signal: abort.signal,
      });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
      const reader = res.body!.getReader();
      let text = '';
      while (!/event: delivery\ndata: .*\n\n/.test(text)) {
        const { value, done } = await reader.read();
        assert.ok(!done, 'the stream stays open');
        text += new TextDecoder().decode(value);
      }
      assert.match(text, /^retry: 60000\n\n/);
      const data = JSON.parse(/event: delivery\ndata: (.*)\n\n/.exec(text)![1]);
      deliveryResponse.parse(data);
      assert.deepEqual(data, { ...(await map()), at: data.at });
      abort.abort();
      await reader.cancel().catch(() => {});
      const bad = await request(h.http)
        .get('/api/v1/status-list/delivery/stream?interval=1')
        .set('Authorization', supervisor);
      assert.deepEqual([bad.status, bad.body.error.code], [400, 'invalid-request']);
      const refused = await request(h.http).get('/api/v1/status-list/delivery/stream').set('Authorization', clerk);
      assert.equal(refused.status, 403);
    } finally {
      server.close();
    }
  });

  it('is for supervisors (and auditors, admins): clerks, banks and lanes are refused, nothing changes', async () => {
    const h = await harness();
    const bank = await newClient('bank');
    const laneClient = await machine('lane', LANE);
    const auditor = (await loginAs('auditor')).auth;
    const before = await fingerprint();
    const asClerk = await request(h.http).get('/api/v1/status-list/delivery').set('Authorization', clerk);
    assert.deepEqual([asClerk.status, asClerk.body.error.code], [403, 'forbidden']);
    for (const c of [bank, laneClient]) {
      const r = await signed(c, 'get', '/api/v1/status-list/delivery');
      assert.deepEqual([r.status, r.body.error.code], [403, 'forbidden']);
    }
    const asAuditor = await request(h.http).get('/api/v1/status-list/delivery').set('Authorization', auditor);
    assert.equal(asAuditor.status, 200);
    const bad = await request(h.http).get('/api/v1/status-list/delivery?x=1').set('Authorization', supervisor);
    assert.equal(bad.status, 400);
    assert.deepEqual(await fingerprint(), before);
  });
});
