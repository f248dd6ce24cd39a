import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import iconv from 'iconv-lite';
import request from 'supertest';
import { fingerprint, harness, loginAs, newClient, signed } from '../helpers/harness.ts';
import { customerWithVehicle } from '../helpers/fixtures.ts';
import { assertLedgerHolds, journal } from '../helpers/ledger.ts';
import { importKeys } from '../../src/modules/keys/index.ts';
import { diversify, kcv, mac16 } from '../../src/platform/crypto/pboc.ts';

describe('card issuance and life cycle', () => {
  let clerk: string;
  let supervisor: string;
  before(async () => {
    clerk = (await loginAs('clerk')).auth;
    supervisor = (await loginAs('supervisor')).auth;
  });
  afterEach(assertLedgerHolds);

  async function issue(cardType: 22 | 23, extra: Record<string, unknown> = {}) {
    const h = await harness();
    const f = await customerWithVehicle(clerk);
    const res = await request(h.http)
      .post('/api/v1/cards')
      .set('Authorization', clerk)
      .send({ customerId: f.customerId, vehicleId: f.vehicleId, cardType, payment: { method: 'cash' }, ...extra })
      .expect(201);
    return { ...f, card: res.body.card, res };
  }

  it('issues a stored-value card whose file 0015 carries the documented fields at the documented offsets', async () => {
    const { card, res, plate } = await issue(22);
    assert.match(card.cardNo, /^3401\d{16}$/);
    assert.equal(card.status, 1);
    const f = Buffer.from(res.body.personalisation.file0015, 'hex');
    assert.equal(f.length, 43);
    assert.equal(f.subarray(0, 8).toString('hex').toUpperCase(), 'B0B2BBD5B0B2BBD5'); // 安徽安徽 in GBK
    assert.equal(f[8], 0x16); // type 22
    assert.equal(f[9], 0x40); // 2019 card version
    assert.equal(f.subarray(10, 12).toString('hex'), '3401');
    assert.equal(f.subarray(12, 20).toString('hex'), card.cardNo.slice(4));
    assert.equal(f.subarray(20, 24).toString('hex'), card.startDate.replaceAll('-', ''));
    assert.equal(f.subarray(24, 28).toString('hex'), card.expiryDate.replaceAll('-', ''));
    const plateBytes = iconv.encode(plate, 'gbk');
    assert.deepEqual(f.subarray(28, 28 + plateBytes.length), plateBytes);
    assert.ok(f.subarray(28 + plateBytes.length, 40).every((b) => b === 0));
    assert.deepEqual([...f.subarray(40, 43)], [0, 0, 1]); // user type 0, blue plate, class 1
    const holder = Buffer.from(res.body.personalisation.file0016, 'hex');
    assert.equal(holder.length, 55);
    assert.equal(iconv.decode(holder.subarray(2, 22), 'gbk').replace(/\0+$/, ''), '张三');
  });

  it("returns the 0015 write MAC computed with the card's diversified maintenance key", async () => {
    const h = await harness();
    // a maintenance key known to this test only (generated now, never stored in a fixture)
    const mk = randomBytes(16);
    await importKeys(h.app.db, h.app.keys.hsm, {
      keys: [{ purpose: 'maintenance', version: 200, value: mk.toString('hex'), kcv: kcv(mk).toString('hex') }],
    });
    await h.app.keys.load(h.app.db);
    const challenge = randomBytes(4);
    const { card, res } = await issue(22, { challenge: challenge.toString('hex') });
    const [write] = res.body.personalisation.writes;
    assert.equal(write.keyVersion, 200);
    const command = Buffer.concat([
      Buffer.from('04D695002F', 'hex'),
      Buffer.from(res.body.personalisation.file0015, 'hex'),
    ]);
    const expected = mac16(
      diversify(mk, Buffer.from(card.cardNo.slice(4), 'hex')),
      command,
      Buffer.concat([challenge, Buffer.alloc(4)]),
    );
    assert.equal(write.mac, expected.toString('hex').toUpperCase());
    assert.equal(write.command, command.toString('hex').toUpperCase() + write.mac);
    assert.doesNotMatch(JSON.stringify(res.body), new RegExp(mk.toString('hex'), 'i'));
    // the cardholder file needed the ID number in full: that view is audited
    const views = await h.app
      .db('audit_log')
      .where({ action: 'customer.pii-view', entity_id: String(card.customerId) });
    assert.ok(views.length >= 1);
  });

  it('allows one card in service per vehicle and changes nothing when refusing a second', async () => {
    const h = await harness();
    const { customerId, vehicleId } = await issue(22);
    const before = await fingerprint();
    const res = await request(h.http)
      .post('/api/v1/cards')
      .set('Authorization', clerk)
      .send({ customerId, vehicleId, cardType: 23, payment: { method: 'cash' } })
      .expect(409);
    assert.equal(res.body.error.code, 'vehicle-has-active-card');
    assert.deepEqual(await fingerprint(), before);
  });

  it('refuses bad bodies (400, field named), the wrong role (403) and no authentication (401), changing nothing', async () => {
    const h = await harness();
    const f = await customerWithVehicle(clerk);
    const finance = (await loginAs('finance')).auth;
    const before = await fingerprint();
    const body = { customerId: f.customerId, vehicleId: f.vehicleId, cardType: 22, payment: { method: 'cash' } };
    const bad = await request(h.http)
      .post('/api/v1/cards')
      .set('Authorization', clerk)
      .send({ ...body, cardType: 24 })
      .expect(400);
    assert.equal(bad.body.error.field, 'cardType');
    const badPay = await request(h.http)
      .post('/api/v1/cards')
      .set('Authorization', clerk)
      .send({ ...body, payment: { method: 'bank-account' } })
      .expect(400);
    assert.equal(badPay.body.error.field, 'payment.method');
    const chal = await request(h.http)
      .post('/api/v1/cards')
      .set('Authorization', clerk)
      .send({ ...body, challenge: 'XYZ' })
      .expect(400);
    assert.equal(chal.body.error.field, 'challenge');
    await request(h.http).post('/api/v1/cards').set('Authorization', finance).send(body).expect(403);
    await request(h.http).post('/api/v1/cards').send(body).expect(401);
    const other = await customerWithVehicle(clerk);
    const mid = await fingerprint();
    const foreign = await request(h.http)
      .post('/api/v1/cards')
      .set('Authorization', clerk)
      .send({ ...body, vehicleId: other.vehicleId })
      .expect(400);
    assert.equal(foreign.body.error.field, 'vehicleId');
    await request(h.http)
      .post('/api/v1/cards')
      .set('Authorization', clerk)
      .send({ ...body, customerId: 999999999 })
      .expect(404);
    assert.deepEqual(await fingerprint(), mid);
    assert.notDeepEqual(before, mid);
  });

  it('walks the life cycle with an append-only event and an outbox event per change, refusing what the state forbids', async () => {
    const h = await harness();
    const { card } = await issue(23);
    const path = `/api/v1/cards/${card.cardNo}`;
    const step = async (what: string, body: Record<string, unknown>, status: number) =>
      (
        await request(h.http)
          .post(`${path}/${what}`)
          .set('Authorization', clerk)
          .send({ reason: 'customer request', ...body })
          .expect(200)
      ).body.card.status === status;
    assert.ok(await step('loss-report', {}, 6));
    const before = await fingerprint();
    const refused = await request(h.http)
      .post(`${path}/suspension`)
      .set('Authorization', clerk)
      .send({ reason: 'x-y', withCard: true })
      .expect(409);
    assert.equal(refused.body.error.code, 'card-state-conflict');
    await request(h.http).post(`${path}/resumption`).set('Authorization', clerk).send({ reason: 'x-y' }).expect(409);
    assert.deepEqual(await fingerprint(), before);
    assert.ok(await step('loss-cancellation', {}, 1));
    assert.ok(await step('suspension', { withCard: false }, 3));
    assert.ok(await step('resumption', {}, 1));
    const got = await request(h.http).get(path).set('Authorization', clerk).expect(200);
    assert.deepEqual(
      got.body.events.map((e: { action: string }) => e.action),
      ['issue', 'report-loss', 'cancel-loss', 'suspend', 'resume'],
    );
    assert.deepEqual(
      got.body.events.map((e: { toStatus: number }) => e.toStatus),
      [1, 6, 1, 3, 1],
    );
    const outbox = await h.app.db('lifecycle_outbox').where({ medium_id: card.cardNo }).orderBy('id');
    assert.deepEqual(
      outbox.map((o) => o.event),
      ['card-issued', 'card-loss-reported', 'card-loss-cancelled', 'card-suspended', 'card-resumed'],
    );
    assert.equal(outbox[1].payload.reason, 'customer request');
    const missingReason = await request(h.http)
      .post(`${path}/loss-report`)
      .set('Authorization', clerk)
      .send({})
      .expect(400);
    assert.equal(missingReason.body.error.field, 'reason');
  });

  it('two concurrent loss reports: one succeeds, the other is refused', async () => {
    const h = await harness();
    const { card } = await issue(22);
    const send = () =>
      request(h.http)
        .post(`/api/v1/cards/${card.cardNo}/loss-report`)
        .set('Authorization', clerk)
        .send({ reason: 'lost twice' });
    const statuses = (await Promise.all([send(), send()])).map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 409]);
    assert.equal((await h.app.db('card_events').where({ card_no: card.cardNo, action: 'report-loss' })).length, 1);
  });
});
