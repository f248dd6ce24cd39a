// The status list from the counter to the lane: rules, holds, manual entries, publish now.
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import request from 'supertest';
import { SoftwareHsm } from '../../src/modules/keys/index.ts';
import { emitAccountOverdraft } from '../../src/modules/issuance/index.ts';
import { fingerprint, harness, loginAs } from '../helpers/harness.ts';
import { cardStep, issueCard, simLane, tick } from './statuslist-support.ts';

describe('status list: rules and holds', () => {
  let clerk: string;
  let supervisor: string;
  before(async () => {
    clerk = (await loginAs('clerk')).auth;
    supervisor = (await loginAs('supervisor')).auth;
  });

  it('a loss report is published within one publisher tick and a simulated lane has it; cancelling the loss takes it off', async () => {
    const h = await harness();
    const lane = await simLane('L340102-01');
    await lane.sync();
    assert.notEqual(lane.version, null, lane.lastError);
    const { cardNo } = await issueCard(clerk, 23);
    await cardStep(clerk, cardNo, 'loss-report');
    const published = await tick();
    assert.ok(published, 'the tick published a version');
    const first = await lane.pull();
    assert.equal(lane.listed('card', cardNo), 1, 'listed as reported lost');
    assert.equal(first.version, published.version);
    await lane.heartbeat();
    const row = await h.app.db('status_list_lanes').where({ lane_id: 'L340102-01' }).first();
    assert.equal(row.applied_version, published.version);

    await cardStep(clerk, cardNo, 'loss-cancellation');
    await tick();
    const second = await lane.pull();
    assert.equal(second.kind, 'delta');
    assert.equal(lane.listed('card', cardNo), undefined, 'left the list');
    const entry = await request(h.http)
      .get(`/api/v1/status-list/entries/card/${cardNo}`)
      .set('Authorization', clerk)
      .expect(200);
    assert.equal(entry.body.entry.listed, false);
    assert.deepEqual(
      entry.body.entry.changes.map((c: { action: string; state: string }) => `${c.action}:${c.state}`),
      ['leave:published', 'enter:published'],
    );
  });

  it('keeps the reason of highest priority while several hold: a suspended card reported lost stays listed when the loss is cancelled', async () => {
    const lane = await simLane('L340102-01');
    await lane.sync();
    const { cardNo } = await issueCard(clerk, 23);
    await cardStep(clerk, cardNo, 'suspension', { withCard: false });
    await cardStep(clerk, cardNo, 'loss-report');
    await tick();
    await lane.pull();
    assert.equal(lane.listed('card', cardNo), 1, 'lost outranks suspended');
    await cardStep(clerk, cardNo, 'loss-cancellation');
    await tick();
    await lane.pull();
    assert.equal(lane.listed('card', cardNo), 2, 'still suspended');
  });

  it('a debit account past its credit limit lists its cards as overdrawn (outbox from lane ingest); covered again, they leave', async () => {
    const h = await harness();
    const lane = await simLane('L340102-01');
    await lane.sync();
    const { cardNo } = await issueCard(clerk, 23);
    const card = await h.app.db('cards').where({ card_no: cardNo }).first('account_id');
    const emit = (overdrawn: boolean) =>
      h.app.db.transaction((trx) =>
        emitAccountOverdraft(trx, {
          accountId: card.account_id,
          overdrawn,
          at: h.clock.now(),
          balance: overdrawn ? -5000n : 0n,
          creditLimit: 0n,
        }),
      );
    await emit(true);
    await tick();
    await lane.pull();
    assert.equal(lane.listed('card', cardNo), 4);
    await emit(false);
    await tick();
    await lane.pull();
    assert.equal(lane.listed('card', cardNo), undefined);
  });

  it('a held customer: nothing is published until a supervisor confirms; a discarded entry never is; all of it audited', async () => {
    const h = await harness();
    const lane = await simLane('L340104-01');
    await lane.sync();
    const a = await issueCard(clerk);
    const b = await issueCard(clerk);
    for (const c of [a, b]) {
      await request(h.http)
        .post(`/api/v1/customers/${c.customerId}/hold`)
        .set('Authorization', supervisor)
        .send({ holdAutoList: true, reason: 'fleet of the provincial government' })
        .expect(200);
      await cardStep(clerk, c.cardNo, 'loss-report');
    }
    await tick();
    await lane.sync();
    assert.equal(lane.listed('card', a.cardNo), undefined);
    assert.equal(lane.listed('card', b.cardNo), undefined);
    const heldOf = async (customerId: number) =>
      (
        await request(h.http)
          .get(`/api/v1/status-list/changes?state=held&customerId=${customerId}`)
          .set('Authorization', supervisor)
          .expect(200)
      ).body.changes;
    const [heldA] = await heldOf(a.customerId);
    const [heldB] = await heldOf(b.customerId);
    assert.equal(heldA.mediumId, a.cardNo);
    assert.equal(heldB.reason, 1);
    const holdAudit = await h.app
      .db('audit_log')
      .where({ action: 'status-list.hold', entity_id: String(heldA.id) })
      .first();
    assert.equal(holdAudit.actor_kind, 'system');

    // a clerk may not decide; a refusal changes nothing
    const before = await fingerprint();
    await request(h.http)
      .post(`/api/v1/status-list/changes/${heldA.id}/confirm`)
      .set('Authorization', clerk)
      .send({})
      .expect(403);
    await request(h.http)
      .post(`/api/v1/status-list/changes/${heldA.id}/discard`)
      .set('Authorization', supervisor)
      .send({})
      .expect(400);
    await request(h.http)
      .post('/api/v1/status-list/changes/999999999/confirm')
      .set('Authorization', supervisor)
      .send({})
      .expect(404);
    assert.deepEqual(await fingerprint(), before);

    await request(h.http)
      .post(`/api/v1/status-list/changes/${heldA.id}/confirm`)
      .set('Authorization', supervisor)
      .send({ note: 'confirmed with the fleet manager' })
      .expect(200);
    const discarded = await request(h.http)
      .post(`/api/v1/status-list/changes/${heldB.id}/discard`)
      .set('Authorization', supervisor)
      .send({ note: 'card found in the office' })
      .expect(200);
    assert.equal(discarded.body.change.state, 'discarded');
    const again = await request(h.http)
      .post(`/api/v1/status-list/changes/${heldB.id}/confirm`)
      .set('Authorization', supervisor)
      .send({})
      .expect(409);
    assert.equal(again.body.error.code, 'list-change-decided');
    await tick();
    await tick();
    await lane.sync();
    assert.equal(lane.listed('card', a.cardNo), 1, 'confirmed: published');
    assert.equal(lane.listed('card', b.cardNo), undefined, 'discarded: never published');
    const actions = await h.app
      .db('audit_log')
      .whereIn('entity_id', [String(heldA.id), String(heldB.id)])
      .where({ entity: 'status-list-change' })
      .orderBy('id')
      .pluck('action');
    assert.deepEqual(actions, ['status-list.hold', 'status-list.hold', 'status-list.confirm', 'status-list.discard']);
  });

  it('a loss cancelled before a supervisor decided discards the held entry by itself', async () => {
    const h = await harness();
    const c = await issueCard(clerk);
    await request(h.http)
      .post(`/api/v1/customers/${c.customerId}/hold`)
      .set('Authorization', supervisor)
      .send({ holdAutoList: true, reason: 'important customer' })
      .expect(200);
    await cardStep(clerk, c.cardNo, 'loss-report');
    await cardStep(clerk, c.cardNo, 'loss-cancellation');
    await tick();
    const changes = (
      await request(h.http)
        .get(`/api/v1/status-list/changes?customerId=${c.customerId}`)
        .set('Authorization', supervisor)
        .expect(200)
    ).body.changes;
    assert.deepEqual(
      changes.map((x: { state: string; decidedBy: string }) => `${x.state}:${x.decidedBy}`),
      ['discarded:system'],
    );
  });
});

describe('status list: supervisors by hand', () => {
  let clerk: string;
  let supervisor: string;
  before(async () => {
    clerk = (await loginAs('clerk')).auth;
    supervisor = (await loginAs('supervisor')).auth;
  });

  it('adds and removes an entry with a reason, publishes now, and refuses clerks, strangers and bad input changing nothing', async () => {
    const h = await harness();
    const lane = await simLane('L340104-02');
    await lane.sync();
    const { cardNo } = await issueCard(clerk, 23);
    const body = { medium: 'card', id: cardNo, reason: 5, note: 'blacklisted by the partner bank' };
    const before = await fingerprint();
    await request(h.http).post('/api/v1/status-list/entries').set('Authorization', clerk).send(body).expect(403);
    await request(h.http).post('/api/v1/status-list/entries').send(body).expect(401);
    const bad = await request(h.http)
      .post('/api/v1/status-list/entries')
      .set('Authorization', supervisor)
      .send({ ...body, reason: 104 })
      .expect(400);
    assert.equal(bad.body.error.field, 'reason');
    const short = await request(h.http)
      .post('/api/v1/status-list/entries')
      .set('Authorization', supervisor)
      .send({ ...body, id: cardNo.slice(4) })
      .expect(400);
    assert.equal(short.body.error.field, 'id');
    const foreign = await request(h.http)
      .post('/api/v1/status-list/entries')
      .set('Authorization', supervisor)
      .send({ ...body, id: '3201' + cardNo.slice(4) })
      .expect(400);
    assert.equal(foreign.body.error.field, 'id');
    await request(h.http)
      .post('/api/v1/status-list/entries')
      .set('Authorization', supervisor)
      .send({ ...body, id: '3401' + '9'.repeat(16) })
      .expect(404);
    await request(h.http).post('/api/v1/status-list/publications').set('Authorization', clerk).send({}).expect(403);
    await request(h.http)
      .post('/api/v1/status-list/lanes/L340104-02/full-list')
      .set('Authorization', clerk)
      .send({ note: 'resend' })
      .expect(403);
    await request(h.http)
      .post(`/api/v1/status-list/entries/card/${cardNo}/removal`)
      .set('Authorization', supervisor)
      .send({ note: 'not listed yet' })
      .expect(409);
    assert.deepEqual(await fingerprint(), before);

    const added = await request(h.http)
      .post('/api/v1/status-list/entries')
      .set('Authorization', supervisor)
      .send(body)
      .expect(201);
    assert.equal(added.body.change.state, 'pending');
    const dup = await request(h.http)
      .post('/api/v1/status-list/entries')
      .set('Authorization', supervisor)
      .send(body)
      .expect(409);
    assert.equal(dup.body.error.code, 'list-state-conflict');
    const pub = await request(h.http)
      .post('/api/v1/status-list/publications')
      .set('Authorization', supervisor)
      .send({})
      .expect(201);
    assert.ok(pub.body.published.version >= 1);
    await lane.sync();
    assert.equal(lane.listed('card', cardNo), 5);
    await request(h.http)
      .post(`/api/v1/status-list/entries/card/${cardNo}/removal`)
      .set('Authorization', supervisor)
      .send({ note: 'partner lifted it' })
      .expect(201);
    await request(h.http)
      .post('/api/v1/status-list/publications')
      .set('Authorization', supervisor)
      .send({})
      .expect(201);
    await lane.sync();
    assert.equal(lane.listed('card', cardNo), undefined);
    // nothing pending: no empty version
    await tick();
    const none = await request(h.http)
      .post('/api/v1/status-list/publications')
      .set('Authorization', supervisor)
      .send({})
      .expect(200);
    assert.equal(none.body.published, null);
    const audited = await h.app
      .db('audit_log')
      .where({ action: 'status-list.manual-add', entity_id: String(added.body.change.id) })
      .first();
    assert.equal(audited.detail.note, 'blacklisted by the partner bank');
  });

  it('forces a lane to take a full list on its next pull, until it reports that version', async () => {
    const h = await harness();
    const lane = await simLane('L340106-01');
    await lane.sync();
    assert.equal((await lane.pull()).kind, 'not-modified');
    await request(h.http)
      .post('/api/v1/status-list/lanes/L340106-01/full-list')
      .set('Authorization', supervisor)
      .send({ note: 'lane controller replaced' })
      .expect(200);
    await request(h.http)
      .post('/api/v1/status-list/lanes/L999999-01/full-list')
      .set('Authorization', supervisor)
      .send({ note: 'x-y' })
      .expect(404);
    assert.equal((await lane.pull()).kind, 'full');
    assert.equal((await lane.pull()).kind, 'full', 'still forced until the lane reports the version');
    await lane.heartbeat();
    assert.equal((await lane.pull()).kind, 'not-modified');
    const audit = await h.app
      .db('audit_log')
      .where({ entity: 'lane', entity_id: 'L340106-01' })
      .orderBy('id')
      .pluck('action');
    assert.deepEqual(audit.slice(-2), ['status-list.force-full', 'status-list.full-applied']);
  });
});

describe('status list: the signing keys stay in the key service', () => {
  it('no PKI private key appears in any response or log line of the run', async () => {
    const h = await harness();
    const hsm = new SoftwareHsm(h.kek);
    const rows = await h.app.db('pki_keys').select('name', 'wrapped_private_key');
    assert.deepEqual(rows.map((r) => r.name).sort(), ['ca', 'status-list']);
    const haystack = h.responses.join('\n') + '\n' + h.logLines.join('\n');
    for (const r of rows) {
      const pem = hsm.open('master-key', r.wrapped_private_key).toString('utf8');
      const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
      for (let i = 0; i + 48 <= body.length; i += 200)
        assert.ok(!haystack.includes(body.slice(i, i + 48)), `a piece of the ${r.name} private key leaked`);
      const d = createPrivateKey(pem).export({ format: 'jwk' }).d!;
      assert.ok(!haystack.includes(d.slice(0, 40)), `the ${r.name} private exponent leaked`);
    }
    assert.doesNotMatch(haystack, /PRIVATE KEY/);
  });
});
