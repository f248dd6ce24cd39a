// The lane API (ICD §2) and delivery monitoring: not modified, delta or full; gzip; signatures a
// lane verifies with the served certificate; lanes acting only as themselves; a busy answer when
// every download slot is taken; lag and retention.
import assert from 'node:assert/strict';
import { createHash, verify, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import request from 'supertest';
import { ListRejected } from '../../lanes-sim/status-list/package.ts';
import { dailyRun } from '../../src/modules/statuslist/index.ts';
import { packageOptions } from '../../src/modules/statuslist/lane-api.ts';
import { openListPackage } from '../../src/modules/statuslist/packages.ts';
import { fingerprint, harness, loginAs, signed } from '../helpers/harness.ts';
import { centre, issueCard, machine, signedText, simLane, tick } from './statuslist-support.ts';

function verifyPackage(text: string, certificatePem: string) {
  const lines = text.split('\n');
  assert.equal(lines.pop(), '', 'ends with a newline');
  const header = JSON.parse(lines[0]);
  const trailer = JSON.parse(lines[lines.length - 1]);
  const entries = lines.slice(1, -1);
  assert.equal(entries.length, header.count);
  const sha = createHash('sha256')
    .update(entries.map((l) => l + '\n').join(''))
    .digest('hex');
  assert.equal(trailer.sha256, sha);
  assert.ok(
    verify(
      'sha256',
      Buffer.from(`${lines[0]}\n${sha}`),
      new X509Certificate(certificatePem).publicKey,
      Buffer.from(trailer.signature, 'base64'),
    ),
    'signature verifies',
  );
  return { header, entries: entries.map((l) => JSON.parse(l)) };
}

describe('status list: the lane API', () => {
  let clerk: string;
  let supervisor: string;
  before(async () => {
    await centre();
    clerk = (await loginAs('clerk')).auth;
    supervisor = (await loginAs('supervisor')).auth;
  });

  async function listCard(reason = 5): Promise<string> {
    const h = await harness();
    const { cardNo } = await issueCard(clerk, 23);
    await request(h.http)
      .post('/api/v1/status-list/entries')
      .set('Authorization', supervisor)
      .send({ medium: 'card', id: cardNo, reason, note: 'listed for a lane test' })
      .expect(201);
    await tick();
    return cardNo;
  }

  it('answers 304 on the current version, a delta after it, a full list for an absent, unknown or future since; gzip; signed with the served certificate, issued by the centre CA', async () => {
    const lane = await machine('lane', 'L340106-02');
    const cardNo = await listCard();
    const chain = await signedText(lane, '/api/v1/status-list/certificate');
    assert.equal(chain.status, 200);
    const [leafPem, caPem] = chain.text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!;
    assert.ok(new X509Certificate(leafPem).verify(new X509Certificate(caPem).publicKey), 'issued by the CA');
    assert.ok(new X509Certificate(caPem).verify(new X509Certificate(caPem).publicKey), 'the CA is self-signed');
    assert.doesNotMatch(chain.text, /PRIVATE KEY/);

    const full = await signedText(lane, '/api/v1/lanes/L340106-02/status-list', { gzip: true });
    assert.equal(full.status, 200);
    assert.equal(full.headers['content-encoding'], 'gzip');
    assert.match(full.headers['content-type'], /application\/x-ndjson/);
    const f = verifyPackage(full.text, leafPem);
    assert.equal(f.header.kind, 'full');
    assert.equal(f.header.from, 0);
    assert.ok(
      f.entries.some(
        (e: { id: string; reason: number; action: string }) =>
          e.id === cardNo && e.reason === 5 && e.action === 'enter',
      ),
    );
    const ids = f.entries.map((e: { medium: string; id: string }) => `${e.medium}:${e.id}`);
    assert.deepEqual(ids, [...ids].sort(), 'ordered by medium and id');
    const current = f.header.version as number;

    const same = await signedText(lane, `/api/v1/lanes/L340106-02/status-list?since=${current}`);
    assert.equal(same.status, 304);
    assert.equal(same.text, '');
    for (const since of ['', '?since=0', `?since=${current + 1000}`]) {
      const r = await signedText(lane, `/api/v1/lanes/L340106-02/status-list${since}`);
      assert.equal(verifyPackage(r.text, leafPem).header.kind, 'full', `since ${since || 'absent'} → full`);
      assert.equal(r.headers['content-encoding'], undefined, 'identity when gzip is not accepted');
    }
    const next = await listCard(6);
    const delta = await signedText(lane, `/api/v1/lanes/L340106-02/status-list?since=${current}`, { gzip: true });
    const d = verifyPackage(delta.text, leafPem);
    assert.deepEqual([d.header.kind, d.header.from, d.header.version], ['delta', current, current + 1]);
    assert.deepEqual(d.entries, [{ medium: 'card', id: next, issuer: '3401', reason: 6, action: 'enter' }]);
    const bad = await signedText(lane, '/api/v1/lanes/L340106-02/status-list?since=abc');
    assert.equal(bad.status, 400);
  });

  it('lets a lane act only as itself: X cannot pull or heartbeat as Y (403); unsigned, wrong-role and unregistered callers are refused; nothing changes', async () => {
    const h = await harness();
    const x = await machine('lane', 'L340201-01');
    const stranger = await machine('lane', 'L999999-01');
    const before = await fingerprint();
    const pull = await signedText(x, '/api/v1/lanes/L340201-02/status-list');
    assert.equal(pull.status, 403);
    assert.equal(JSON.parse(pull.text).error.code, 'forbidden');
    const hb = await signed(
      x,
      'post',
      '/api/v1/lanes/L340201-02/heartbeat',
      { listVersion: 1, appliedAt: new Date().toISOString() },
      { idempotencyKey: 'hb-as-other-lane' },
    );
    assert.equal(hb.status, 403);
    const wrongSecret = await signed(
      x,
      'post',
      '/api/v1/lanes/L340201-01/heartbeat',
      { listVersion: 1, appliedAt: new Date().toISOString() },
      { idempotencyKey: 'hb-bad-sig', secret: 'f'.repeat(64) },
    );
    assert.equal(wrongSecret.status, 401);
    await request(h.http).get('/api/v1/lanes/L340201-01/status-list').expect(401);
    await request(h.http).get('/api/v1/lanes/L340201-01/status-list').set('Authorization', clerk).expect(403);
    assert.equal((await signedText(stranger, '/api/v1/lanes/L999999-01/status-list')).status, 404);
    const future = await signed(
      x,
      'post',
      '/api/v1/lanes/L340201-01/heartbeat',
      { listVersion: 2_000_000_000, appliedAt: new Date().toISOString() },
      { idempotencyKey: 'hb-future' },
    );
    assert.equal(future.status, 400);
    assert.equal(future.body.error.field, 'listVersion');
    const unknownField = await signed(
      x,
      'post',
      '/api/v1/lanes/L340201-01/heartbeat',
      { listVersion: 1, appliedAt: new Date().toISOString(), extra: 1 },
      { idempotencyKey: 'hb-extra' },
    );
    assert.equal(unknownField.status, 400);
    // the software name is one line the monitor shows: no newline, no empty name
    for (const [software, key] of [
      ['lane-ctl 2.1\nforged: line', 'hb-newline'],
      ['', 'hb-empty'],
    ]) {
      const r = await signed(
        x,
        'post',
        '/api/v1/lanes/L340201-01/heartbeat',
        { listVersion: 1, appliedAt: new Date().toISOString(), software },
        { idempotencyKey: key },
      );
      assert.deepEqual([r.status, r.body.error.field], [400, 'software'], JSON.stringify(software));
    }
    assert.deepEqual(await fingerprint(), before);
  });

  it('lanes-sim rejects a tampered line, header or signature and keeps the list it had', async () => {
    let tamper: ((text: string) => string) | null = null;
    const relay: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (!tamper || res.status !== 200 || !(res.headers.get('content-type') ?? '').includes('ndjson')) return res;
      const headers = new Headers(res.headers);
      headers.delete('content-encoding');
      headers.delete('content-length');
      return new Response(tamper(await res.text()), { status: 200, headers });
    };
    const lane = await simLane('L340204-01', { fetch: relay });
    await lane.sync();
    const held = lane.version;
    const size = lane.entries.size;
    const cardNo = await listCard(5);
    const edits: Array<[string, (t: string) => string]> = [
      [
        'a line',
        (t) => t.replace(`"id":"${cardNo}","issuer":"3401","reason":5`, `"id":"${cardNo}","issuer":"3401","reason":1`),
      ],
      ['the header', (t) => t.replace(/"version":(\d+)/, (_m, v) => `"version":${Number(v) + 1}`)],
      ['the signature', (t) => t.replace(/"signature":"(.)/, (_m, c) => `"signature":"${c === 'A' ? 'B' : 'A'}`)],
      ['the digest', (t) => t.replace(/"sha256":"(.)/, (_m, c) => `"sha256":"${c === 'a' ? 'b' : 'a'}`)],
      [
        'a dropped line',
        (t) =>
          t
            .split('\n')
            .filter((l) => !l.includes(cardNo))
            .join('\n'),
      ],
    ];
    for (const [what, edit] of edits) {
      tamper = edit;
      await assert.rejects(lane.pull(), ListRejected, `tampered ${what} is rejected`);
      assert.equal(lane.version, held);
      assert.equal(lane.entries.size, size);
      assert.equal(lane.listed('card', cardNo), undefined);
    }
    assert.equal(lane.stats.rejected, edits.length);
    tamper = null;
    await lane.pull();
    assert.equal(lane.listed('card', cardNo), 5);
  });

  it('shows a lane that stops pulling as behind, with the right lag, in the monitor and in Prometheus gauges', async () => {
    const h = await harness();
    const admin = (await loginAs('admin')).auth;
    const steady = await simLane('L340201-01');
    const stopped = await simLane('L340201-02');
    await steady.sync();
    await stopped.sync();
    await listCard();
    await steady.sync();
    h.clock.advance(11 * 60_000);
    await steady.sync();
    const d = (
      await request(h.http).get('/api/v1/status-list/distribution').set('Authorization', supervisor).expect(200)
    ).body;
    const s = d.lanes.find((l: { laneId: string }) => l.laneId === 'L340201-01');
    const t = d.lanes.find((l: { laneId: string }) => l.laneId === 'L340201-02');
    assert.deepEqual([s.versionsBehind, s.secondsBehind, s.behind], [0, 0, false]);
    assert.deepEqual([t.versionsBehind, t.secondsBehind, t.behind], [1, 660, true]);
    assert.equal(t.appliedVersion, d.currentVersion - 1);
    assert.ok(d.summary.behind >= 1);
    assert.equal(d.summary.lanes, 10);
    assert.equal(d.thresholdSeconds, 600);
    const metrics = (await request(h.http).get('/metrics').set('Authorization', admin).expect(200)).text;
    assert.match(metrics, /etc_status_list_lane_seconds_behind\{lane="L340201-02"\} 660/);
    assert.match(metrics, /etc_status_list_lane_behind\{lane="L340201-02"\} 1/);
    assert.match(metrics, /etc_status_list_lane_versions_behind\{lane="L340201-01"\} 0/);
    assert.match(metrics, new RegExp(`etc_status_list_version ${d.currentVersion}`));
    await request(h.http).get('/api/v1/status-list/distribution').set('Authorization', clerk).expect(403);
  });

  it('refuses a download beyond the slots with 503 and Retry-After, recording no pull; the lane is served once a slot frees', async () => {
    const h = await harness();
    const lane = await machine('lane', 'L340201-02');
    const opts = packageOptions(h.app);
    // every slot held by a full list nobody reads yet
    const held: Readable[] = [];
    const release = (streams: Readable[]) =>
      Promise.all(
        streams.map((s) => {
          const closed = new Promise((r) => s.once('close', r));
          s.destroy();
          return closed;
        }),
      );
    try {
      for (let i = 0; i < opts.maxStreams; i++) {
        const pkg = await openListPackage(h.app.db, h.app.keys, { forceFull: true }, opts);
        assert.ok(!pkg.notModified);
        held.push(pkg.stream);
      }
      const before = await fingerprint();
      const refused = await signedText(lane, '/api/v1/lanes/L340201-02/status-list');
      assert.equal(refused.status, 503);
      assert.equal(JSON.parse(refused.text).error.code, 'unavailable');
      assert.equal(refused.headers['retry-after'], '5');
      assert.deepEqual(await fingerprint(), before, 'the refused pull is not recorded');
      // one slot frees: the next pull is a full, signed list, and its pull is recorded
      await release(held.splice(0, 1));
      const served = await signedText(lane, '/api/v1/lanes/L340201-02/status-list');
      assert.equal(served.status, 200);
      assert.equal(JSON.parse(served.text.split('\n')[0]).kind, 'full');
      assert.ok((await h.app.db('status_list_lanes').where({ lane_id: 'L340201-02' }).first())?.downloaded_at);
    } finally {
      // a failure above must not leave the slots taken for the tests after it
      await release(held.splice(0));
    }
  });

  it('prunes deltas past the retention, so a lane further behind gets a full list; the daily snapshot is signed', async () => {
    const h = await harness();
    const lane = await machine('lane', 'L340204-02');
    await listCard();
    const old = (await h.app.db('status_list_versions').max({ v: 'version' }).first())!.v as number;
    await listCard();
    const kept = old + 1;
    h.clock.advance(8 * 86_400_000);
    await loginAs('clerk').then((c) => {
      clerk = c.auth;
    });
    supervisor = (await loginAs('supervisor')).auth;
    await listCard();
    await dailyRun(h.app);
    const state = await h.app.db('status_list_state').first();
    assert.ok(state.pruned_through >= kept);
    assert.equal((await h.app.db('status_list_deltas').where('version', '<=', kept)).length, 0);
    const tooOld = await signedText(lane, `/api/v1/lanes/L340204-02/status-list?since=${old}`);
    assert.equal(JSON.parse(tooOld.text.split('\n')[0]).kind, 'full');
    const within = await signedText(lane, `/api/v1/lanes/L340204-02/status-list?since=${state.pruned_through}`);
    assert.equal(JSON.parse(within.text.split('\n')[0]).kind, 'delta');
    const snap = (
      await request(h.http).get('/api/v1/status-list/snapshots').set('Authorization', supervisor).expect(200)
    ).body.snapshots[0];
    assert.equal(snap.version, state.pruned_through + 1);
    assert.ok(existsSync(snap.file));
    const chain = await signedText(lane, '/api/v1/status-list/certificate');
    const full = verifyPackage((await signedText(lane, '/api/v1/lanes/L340204-02/status-list')).text, chain.text);
    assert.equal(full.header.version, snap.version);
    assert.equal(snap.entries, full.header.count);
    assert.equal(
      snap.sha256,
      createHash('sha256')
        .update(full.entries.map((e: unknown) => JSON.stringify(e) + '\n').join(''))
        .digest('hex'),
    );
  });
});
