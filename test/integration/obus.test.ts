import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { fingerprint, harness, loginAs, newClient, signed } from '../helpers/harness.ts';
import { customerWithVehicle, mobile, plate, residentId } from '../helpers/fixtures.ts';
import { assertLedgerHolds, journal } from '../helpers/ledger.ts';
import { consumeLifecycle, type LifecycleEvent } from '../../src/modules/issuance/index.ts';
import { decodeObuSystemInfo, decodeObuVehicleInfo } from '../../src/modules/issuance/obu-files.ts';

describe('OBU issuance, activation and life cycle', () => {
  let clerk: string;
  before(async () => {
    clerk = (await loginAs('clerk')).auth;
  });
  afterEach(assertLedgerHolds);

  it('issues an OBU at half its list price, with its files and write MACs', async () => {
    const h = await harness();
    const f = await customerWithVehicle(clerk);
    const res = await request(h.http)
      .post('/api/v1/obus')
      .set('Authorization', clerk)
      .send({
        customerId: f.customerId,
        vehicleId: f.vehicleId,
        payment: { method: 'cash' },
        challenge: randomBytes(4).toString('hex'),
        vehicleChallenge: randomBytes(4).toString('hex'),
      })
      .expect(201);
    const { obu, fee, personalisation } = res.body;
    assert.match(obu.obuNo, /^3401\d{12}$/);
    assert.deepEqual([fee.listPrice, fee.price], [40000, 20000]);
    assert.deepEqual(await journal('issuance-fee', `obu:${obu.obuNo}`), {
      'counter-cash': 20_000n,
      discounts: 20_000n,
      'fee-revenue': -40_000n,
    });
    const system = decodeObuSystemInfo(Buffer.from(personalisation.systemFile, 'hex'));
    assert.equal(system.contractSerial, obu.obuNo);
    assert.equal(system.activated, false);
    const vehicle = decodeObuVehicleInfo(Buffer.from(personalisation.vehicleFile, 'hex'));
    assert.equal(vehicle.plate, f.plate);
    assert.equal(vehicle.vehicleClass, 1);
    assert.deepEqual(
      personalisation.writes.map((w: { file: string; command: string }) => [w.file, w.command.slice(0, 10)]),
      [
        ['system', '04D681001F'],
        ['vehicle', '04D6810053'],
      ],
    );
    const second = await request(h.http)
      .post('/api/v1/obus')
      .set('Authorization', clerk)
      .send({ customerId: f.customerId, vehicleId: f.vehicleId, payment: { method: 'cash' } })
      .expect(409);
    assert.equal(second.body.error.code, 'vehicle-has-active-obu');
  });

  it('activates with a one-byte tamper-flag write; a tamper report lists it until re-activation', async () => {
    const h = await harness();
    const f = await customerWithVehicle(clerk);
    const { body } = await request(h.http)
      .post('/api/v1/obus')
      .set('Authorization', clerk)
      .send({ customerId: f.customerId, vehicleId: f.vehicleId, payment: { method: 'pos' } })
      .expect(201);
    const no = body.obu.obuNo;
    const act = await request(h.http)
      .post(`/api/v1/obus/${no}/activation`)
      .set('Authorization', clerk)
      .send({ challenge: 'A1B2C3D4' })
      .expect(200);
    assert.match(act.body.write.command, /^04D6811A0501[0-9A-F]{8}$/);
    assert.ok(act.body.obu.activatedAt);
    const again = await request(h.http)
      .post(`/api/v1/obus/${no}/activation`)
      .set('Authorization', clerk)
      .send({ challenge: 'A1B2C3D4' })
      .expect(409);
    assert.equal(again.body.error.code, 'obu-state-conflict');
    await request(h.http)
      .post(`/api/v1/obus/${no}/tamper-report`)
      .set('Authorization', clerk)
      .send({ reason: 'removed from windscreen' })
      .expect(200);
    await request(h.http)
      .post(`/api/v1/obus/${no}/activation`)
      .set('Authorization', clerk)
      .send({ challenge: '01020304' })
      .expect(200);
    const events = await h.app.db('lifecycle_outbox').where({ medium_id: no }).orderBy('id').pluck('event');
    assert.deepEqual(events, ['obu-issued', 'obu-activated', 'obu-tampered', 'obu-activated']);
  });

  it('walks loss, suspension and cancellation, refusing what the state forbids', async () => {
    const h = await harness();
    const f = await customerWithVehicle(clerk);
    const { body } = await request(h.http)
      .post('/api/v1/obus')
      .set('Authorization', clerk)
      .send({ customerId: f.customerId, vehicleId: f.vehicleId, payment: { method: 'cash' } })
      .expect(201);
    const path = `/api/v1/obus/${body.obu.obuNo}`;
    assert.equal(
      (
        await request(h.http)
          .post(`${path}/loss-report`)
          .set('Authorization', clerk)
          .send({ reason: 'lost' })
          .expect(200)
      ).body.obu.status,
      6,
    );
    const before = await fingerprint();
    await request(h.http)
      .post(`${path}/cancellation`)
      .set('Authorization', clerk)
      .send({ reason: 'x-y', withObu: true })
      .expect(409);
    assert.deepEqual(await fingerprint(), before);
    assert.equal(
      (
        await request(h.http)
          .post(`${path}/cancellation`)
          .set('Authorization', clerk)
          .send({ reason: 'gone', withObu: false })
          .expect(200)
      ).body.obu.status,
      5,
    );
    // the vehicle can have a new OBU once the old one is out of service
    await request(h.http)
      .post('/api/v1/obus')
      .set('Authorization', clerk)
      .send({ customerId: f.customerId, vehicleId: f.vehicleId, payment: { method: 'cash' } })
      .expect(201);
  });
});

describe('bank branches issue through the same endpoints', () => {
  afterEach(assertLedgerHolds);

  it('a signed, idempotent OBU issuance paid from the bank settlement account; a replay returns the first answer', async () => {
    const h = await harness();
    const bank = await newClient('bank');
    // the branch opens the account itself: a bank acts only on the customers it opened
    const c = await signed(
      bank,
      'post',
      '/api/v1/customers',
      { kind: 'personal', name: '李四', idType: 1, idNumber: residentId(), phone: mobile() },
      { idempotencyKey: `${bank.id}-c1` },
    );
    assert.equal(c.status, 201);
    const v = await signed(
      bank,
      'post',
      `/api/v1/customers/${c.body.customer.id}/vehicles`,
      { plate: plate(), plateColor: 0, vehicleClass: 1 },
      { idempotencyKey: `${bank.id}-v1` },
    );
    assert.equal(v.status, 201);
    const f = { customerId: c.body.customer.id, vehicleId: v.body.vehicle.id };
    const body = { customerId: f.customerId, vehicleId: f.vehicleId, payment: { method: 'bank-account' } };
    const key = `${bank.id}-20261122-000001`;
    const first = await signed(bank, 'post', '/api/v1/obus', body, { idempotencyKey: key });
    assert.equal(first.status, 201);
    const replays = await Promise.all(
      Array.from({ length: 5 }, () => signed(bank, 'post', '/api/v1/obus', body, { idempotencyKey: key })),
    );
    for (const r of replays) {
      assert.equal(r.status, 201);
      assert.deepEqual(r.body, first.body);
    }
    assert.equal((await h.app.db('obus').where({ vehicle_id: f.vehicleId })).length, 1);
    assert.deepEqual(await journal('issuance-fee', `obu:${first.body.obu.obuNo}`), {
      [`bank-settlement:${bank.id}`]: 20_000n,
      discounts: 20_000n,
      'fee-revenue': -40_000n,
    });
    const conflict = await signed(
      bank,
      'post',
      '/api/v1/obus',
      { ...body, challenge: '00000000' },
      { idempotencyKey: key },
    );
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.error.code, 'idempotency-conflict');
    const noKey = await signed(bank, 'post', '/api/v1/obus', body);
    assert.equal(noKey.status, 400);
    assert.equal(noKey.body.error.code, 'idempotency-key-required');
    const cash = await signed(
      bank,
      'post',
      '/api/v1/obus',
      { ...body, payment: { method: 'cash' } },
      { idempotencyKey: `${key}-cash` },
    );
    assert.equal(cash.status, 400);
    assert.equal(cash.body.error.field, 'payment.method');
    // a customer opened by the service hall is not this bank's to act on
    const clerk = (await loginAs('clerk')).auth;
    const other = await customerWithVehicle(clerk);
    const foreign = await signed(
      bank,
      'post',
      '/api/v1/cards',
      { customerId: other.customerId, vehicleId: other.vehicleId, cardType: 22, payment: { method: 'bank-account' } },
      { idempotencyKey: `${key}-foreign` },
    );
    assert.equal(foreign.status, 404);
  });

  it('lanes cannot issue (403)', async () => {
    const lane = await newClient('lane');
    const res = await signed(
      lane,
      'post',
      '/api/v1/cards',
      { customerId: 1, vehicleId: 1, cardType: 22, payment: { method: 'bank-account' } },
      { idempotencyKey: 'k1' },
    );
    assert.equal(res.status, 403);
  });
});

describe('the life-cycle outbox', () => {
  it("hands each event to a consumer once, in order, recorded in the consumer's transaction", async () => {
    const h = await harness();
    const clerk = (await loginAs('clerk')).auth;
    const f = await customerWithVehicle(clerk);
    const card = (
      await request(h.http)
        .post('/api/v1/cards')
        .set('Authorization', clerk)
        .send({ customerId: f.customerId, vehicleId: f.vehicleId, cardType: 22, payment: { method: 'cash' } })
        .expect(201)
    ).body.card;
    await request(h.http)
      .post(`/api/v1/cards/${card.cardNo}/loss-report`)
      .set('Authorization', clerk)
      .send({ reason: 'lost' })
      .expect(200);
    const consumer = `test-${card.cardNo}`;
    const seen: LifecycleEvent[] = [];
    // a consumer whose own effect fails consumes nothing
    await assert.rejects(
      consumeLifecycle(h.app.db, consumer, 10_000, async () => {
        throw new Error('consumer failed');
      }),
    );
    while (
      (await consumeLifecycle(h.app.db, consumer, 50, async (_trx, events) => {
        seen.push(...events);
      })) > 0
    );
    const mine = seen.filter((e) => e.mediumId === card.cardNo);
    assert.deepEqual(
      mine.map((e) => e.event),
      ['card-issued', 'card-loss-reported'],
    );
    assert.deepEqual(
      mine.map((e) => e.toStatus),
      [1, 6],
    );
    const ids = seen.map((e) => e.id);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => (a < b ? -1 : 1)),
    );
    assert.equal(await consumeLifecycle(h.app.db, consumer, 50, async () => {}), 0, 'nothing is handed out twice');
  });
});
