// Other provinces' lists (ICD §3): verified against the peer's registered certificate, merged so that
// lanes hold the union; our own list goes to peers in the same signed form.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, verify, X509Certificate } from 'node:crypto';
import request from 'supertest';
import { fingerprint, harness, loginAs, signed } from '../helpers/harness.ts';
import {
  buildPackage,
  centre,
  foreignCard,
  issueCard,
  machine,
  peerProvince,
  signedText,
  simLane,
  tick,
  type Line,
} from './statuslist-support.ts';

describe('status list: interchange with other provinces', () => {
  const xinjiang = peerProvince('6501');
  let admin: string;
  let supervisor: string;
  let clerk: string;
  let seq = 0;
  const post = async (network: string, list: string) =>
    signed(
      await machine('province', network),
      'post',
      '/api/v1/interchange/status-lists',
      { list },
      { idempotencyKey: `sl-${network}-${++seq}` },
    );
  const card = (id: string, reason = 1, action: 'enter' | 'leave' = 'enter'): Line => ({
    medium: 'card',
    id,
    issuer: id.slice(0, 4),
    reason,
    action,
  });

  before(async () => {
    await centre();
    admin = (await loginAs('admin')).auth;
    supervisor = (await loginAs('supervisor')).auth;
    clerk = (await loginAs('clerk')).auth;
  });

  it("registers a peer's certificate (admins only, a real certificate only)", async () => {
    const h = await harness();
    const before = await fingerprint();
    await request(h.http)
      .put('/api/v1/interchange/peers/6501/certificate')
      .set('Authorization', supervisor)
      .send({ certificatePem: xinjiang.certificatePem })
      .expect(403);
    const bad = await request(h.http)
      .put('/api/v1/interchange/peers/6501/certificate')
      .set('Authorization', admin)
      .send({ certificatePem: '-----BEGIN CERTIFICATE-----\n' + 'A'.repeat(200) + '\n-----END CERTIFICATE-----\n' })
      .expect(400);
    assert.equal(bad.body.error.field, 'certificatePem');
    await request(h.http)
      .put('/api/v1/interchange/peers/3401/certificate')
      .set('Authorization', admin)
      .send({ certificatePem: xinjiang.certificatePem })
      .expect(400);
    assert.deepEqual(await fingerprint(), before);
    const ok = await request(h.http)
      .put('/api/v1/interchange/peers/6501/certificate')
      .set('Authorization', admin)
      .send({ certificatePem: xinjiang.certificatePem })
      .expect(200);
    assert.equal(
      ok.body.peer.fingerprint,
      new X509Certificate(xinjiang.certificatePem).fingerprint256.replaceAll(':', '').toLowerCase(),
    );
    const peers = (await request(h.http).get('/api/v1/interchange/peers').set('Authorization', supervisor).expect(200))
      .body.peers;
    assert.ok(peers.some((p: { network: string }) => p.network === '6501'));
  });

  it("refuses a list with a bad signature, a broken digest, a stranger's line, no registered certificate or a caller not named by a network id, changing nothing", async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const lines = [card(foreignCard('6501'))];
    const lane = await machine('lane', 'L340102-02');
    await machine('province', '6301');
    await machine('province', '6501');
    const misnamed = await machine('province', 'PRV-1'); // a province client is named by its network id
    const before = await fingerprint();
    const forged = await post('6501', buildPackage(other, { kind: 'full', from: 0, version: 202611220000 }, lines));
    assert.equal(forged.status, 422);
    assert.equal(forged.body.error.code, 'list-signature-invalid');
    const good = buildPackage(xinjiang.key, { kind: 'full', from: 0, version: 202611220000 }, lines);
    const broken = await post('6501', good.replace('"reason":1', '"reason":2'));
    assert.equal(broken.body.error.code, 'list-signature-invalid');
    const stranger = await post(
      '6501',
      buildPackage(xinjiang.key, { kind: 'full', from: 0, version: 202611220000 }, [card(foreignCard('6301'))]),
    );
    assert.equal(stranger.status, 400);
    const unknownPeer = await post(
      '6301',
      buildPackage(xinjiang.key, { kind: 'full', from: 0, version: 202611220000 }, [card(foreignCard('6301'))]),
    );
    assert.equal(unknownPeer.status, 422);
    assert.equal(unknownPeer.body.error.code, 'peer-certificate-missing');
    const deltaFirst = await post(
      '6501',
      buildPackage(xinjiang.key, { kind: 'delta', from: 202611210000, version: 202611220000 }, lines),
    );
    assert.equal(deltaFirst.body.error.code, 'list-version-gap');
    const malformed = await post('6501', good.replace('"count":1', '"count":2'));
    assert.equal(malformed.status, 400);
    const asLane = await signed(
      lane,
      'post',
      '/api/v1/interchange/status-lists',
      { list: good },
      { idempotencyKey: 'lane-posing' },
    );
    assert.equal(asLane.status, 403);
    const notANetwork = await signed(
      misnamed,
      'post',
      '/api/v1/interchange/status-lists',
      { list: good },
      { idempotencyKey: 'misnamed-peer' },
    );
    assert.deepEqual([notANetwork.status, notANetwork.body.error.code], [403, 'forbidden']);
    assert.match(notANetwork.body.error.message, /4-digit network id/);
    assert.deepEqual(await fingerprint(), before);
  });

  it("merges a peer's full list and deltas so that lanes hold the union; a newer full list replaces the peer's set", async () => {
    const h = await harness();
    const lane = await simLane('L340102-02');
    const [a, b, c, d] = [foreignCard('6501'), foreignCard('6501'), foreignCard('6501'), foreignCard('6501')];
    const { cardNo: ours } = await issueCard(clerk, 23);
    await request(h.http)
      .post('/api/v1/status-list/entries')
      .set('Authorization', supervisor)
      .send({ medium: 'card', id: ours, reason: 5, note: 'ours, for the union' })
      .expect(201);
    const full = buildPackage(xinjiang.key, { kind: 'full', from: 0, version: 202611220000 }, [card(a, 1), card(b, 2)]);
    const first = await post('6501', full);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual([first.body.result, first.body.entries], [1, 2]);
    const replay = await signed(
      await machine('province', '6501'),
      'post',
      '/api/v1/interchange/status-lists',
      { list: full },
      { idempotencyKey: `sl-6501-${seq}` },
    );
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    await tick();
    await lane.sync();
    assert.deepEqual([lane.listed('card', a), lane.listed('card', b), lane.listed('card', ours)], [1, 2, 5]);

    const delta = buildPackage(xinjiang.key, { kind: 'delta', from: 202611220000, version: 202611220005 }, [
      card(b, 2, 'leave'),
      card(c, 3),
    ]);
    assert.equal((await post('6501', delta)).status, 200);
    const gap = await post(
      '6501',
      buildPackage(xinjiang.key, { kind: 'delta', from: 202611220000, version: 202611220010 }, [card(d)]),
    );
    assert.equal(gap.status, 409);
    await tick();
    await lane.sync();
    assert.deepEqual([lane.listed('card', a), lane.listed('card', b), lane.listed('card', c)], [1, undefined, 3]);

    const stale = await post(
      '6501',
      buildPackage(xinjiang.key, { kind: 'full', from: 0, version: 202611220005 }, [card(d)]),
    );
    assert.equal(stale.body.error.code, 'list-version-stale');
    assert.equal(
      (
        await post(
          '6501',
          buildPackage(xinjiang.key, { kind: 'full', from: 0, version: 202611230000 }, [card(a, 4), card(d)]),
        )
      ).status,
      200,
    );
    await tick();
    await lane.sync();
    assert.deepEqual(
      [lane.listed('card', a), lane.listed('card', c), lane.listed('card', d), lane.listed('card', ours)],
      [4, undefined, 1, 5],
    );
    const audit = await h.app
      .db('audit_log')
      .where({ action: 'status-list.import', entity_id: '6501' })
      .count({ n: '*' })
      .first();
    assert.equal(Number(audit!.n), 3);
  });

  it("gives peers our own list only (our issuer's entries), signed like the lanes' list", async () => {
    const peer = await machine('province', '6501');
    const res = await signedText(peer, '/api/v1/interchange/status-lists');
    assert.equal(res.status, 200);
    const lines = res.text.trimEnd().split('\n');
    const header = JSON.parse(lines[0]);
    const entries = lines.slice(1, -1).map((l) => JSON.parse(l));
    assert.equal(header.kind, 'full');
    assert.equal(entries.length, header.count);
    assert.ok(entries.length > 0);
    assert.ok(
      entries.every((e: { issuer: string; id: string }) => e.issuer === '3401' && e.id.startsWith('3401')),
      'no peer entries',
    );
    const { sha256, signature } = JSON.parse(lines.at(-1)!);
    assert.equal(
      sha256,
      createHash('sha256')
        .update(
          lines
            .slice(1, -1)
            .map((l) => l + '\n')
            .join(''),
        )
        .digest('hex'),
    );
    const cert = (await signedText(peer, '/api/v1/status-list/certificate')).text;
    assert.ok(
      verify(
        'sha256',
        Buffer.from(`${lines[0]}\n${sha256}`),
        new X509Certificate(cert).publicKey,
        Buffer.from(signature, 'base64'),
      ),
    );
    assert.equal((await signedText(peer, `/api/v1/interchange/status-lists?since=${header.version}`)).status, 304);
    const lane = await machine('lane', 'L340102-02');
    assert.equal((await signedText(lane, '/api/v1/interchange/status-lists')).status, 403);
  });
});
