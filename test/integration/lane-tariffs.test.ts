// Tariff administration and tariff versions by date: a new version takes effect on its day and only
// from then — for what lanes must charge, what ingest accepts and how clearing splits.
import assert from 'node:assert/strict';
import request from 'supertest';
import { harness, loginAs, newClient, type TestClient } from '../helpers/harness.ts';
import { assertLedgerHolds } from '../helpers/ledger.ts';
import { bankLoad, storedValueCard, testMasters } from '../helpers/loads.ts';
import { controller, dayTariff, testLanes, tripTxs, upload } from '../helpers/lanes.ts';
import type { MasterKeys } from '../../lanes-sim/card/virtual-card.ts';
import type { LaneSpec } from '../../lanes-sim/traffic/lane.ts';

const KV = 135;
const DAY = 86_400_000;
const at = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00+08:00`);
const plus = (date: string, days: number) =>
  new Date(new Date(`${date}T00:00:00Z`).getTime() + days * DAY).toISOString().slice(0, 10);

describe('tariff versions', () => {
  let bank: TestClient;
  let masters: MasterKeys;
  let lanes: LaneSpec[];
  let realNow: Date;
  let today: string;
  let E: string; // the day the new tariff takes effect

  before(async () => {
    const h = await harness();
    realNow = h.clock.now();
    today = new Date(realNow.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    E = plus(today, 80);
    bank = await newClient('bank');
    masters = await testMasters(KV);
    lanes = await testLanes();
  });
  after(async () => (await harness()).clock.set(realNow));
  afterEach(assertLedgerHolds);

  const lane = (station: number, direction: 'entry' | 'exit') =>
    controller(
      lanes.find((l) => l.station === station && l.direction === direction)!,
      masters,
    );

  it('adds a version for a future day only, never twice, with known sections; lists versions and discounts', async () => {
    const h = await harness();
    const admin = (await loginAs('admin')).auth;
    const clerk = (await loginAs('clerk')).auth;
    const post = (body: unknown, auth = admin) =>
      request(h.http)
        .post('/api/v1/network/tariffs')
        .set('Authorization', auth)
        .send(body as object);
    const tolls = [
      { sectionId: 'G40-03', vehicleClass: 1, toll: 5000 },
      { sectionId: 'G40-03', vehicleClass: 2, toll: 7000 },
    ];
    const added = await post({ effectiveFrom: E, reason: 'G40 Hefei east widening', tolls });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.deepEqual([added.body.version.effectiveFrom, added.body.version.tolls], [E, 2]);
    assert.deepEqual(
      [(await post({ effectiveFrom: E, reason: 'again', tolls })).body.error.code],
      ['tariff-version-exists'],
    );
    const past = await post({ effectiveFrom: today, reason: 'too late', tolls });
    assert.deepEqual([past.status, past.body.error.code], [422, 'tariff-date-passed']);
    const unknown = await post({
      effectiveFrom: plus(E, 1),
      reason: 'typo',
      tolls: [{ sectionId: 'G99-01', vehicleClass: 1, toll: 100 }],
    });
    assert.deepEqual([unknown.status, unknown.body.error.field], [400, 'tolls[0].sectionId']);
    const twice = await post({ effectiveFrom: plus(E, 1), reason: 'twice', tolls: [tolls[0], tolls[0]] });
    assert.equal(twice.status, 400);
    assert.equal(
      (await post({ effectiveFrom: plus(E, 1), reason: 'x', tolls: [{ ...tolls[0], toll: 0 }] })).status,
      400,
    );
    assert.equal((await post({ effectiveFrom: plus(E, 1), reason: 'x', tolls }, clerk)).status, 403);
    const versions = (await request(h.http).get('/api/v1/network/tariffs').set('Authorization', clerk).expect(200)).body
      .versions;
    assert.deepEqual(
      versions.find((v: { effectiveFrom: string }) => v.effectiveFrom === E),
      {
        effectiveFrom: E,
        tolls: 2,
        reason: 'G40 Hefei east widening',
        createdBy: added.body.version.createdBy,
        createdAt: added.body.version.createdAt,
      },
    );
    const discount = await request(h.http)
      .post('/api/v1/network/discounts')
      .set('Authorization', admin)
      .send({ effectiveFrom: plus(E, 1), percent: '10', reason: 'promotion' });
    assert.equal(discount.status, 201, JSON.stringify(discount.body));
    assert.equal(
      (
        await request(h.http)
          .post('/api/v1/network/discounts')
          .set('Authorization', admin)
          .send({ effectiveFrom: plus(E, 2), percent: 5.5, reason: 'float' })
      ).status,
      400,
    );
    const list = (await request(h.http).get('/api/v1/network/discounts').set('Authorization', clerk).expect(200)).body
      .discounts;
    assert.deepEqual(
      list.map((d: { effectiveFrom: string; percent: string }) => [d.effectiveFrom, d.percent]),
      [
        ['2000-01-01', '5.00'],
        [plus(E, 1), '10.00'],
      ],
    );
  });

  it('applies a tariff change only from its day: fee, accepted amount and operator split', async () => {
    const h = await harness();
    const before = plus(E, -1);
    await h.clock.set(at(before, '06:00'));
    const clerk = (await loginAs('clerk')).auth;
    const card = await storedValueCard(clerk, KV);
    await bankLoad(bank, card, 100_000);
    const [oldTariff, newTariff, promo] = [
      await dayTariff(clerk, before),
      await dayTariff(clerk, E),
      await dayTariff(clerk, plus(E, 1)),
    ];
    const oldFee = oldTariff.charge(340102, 340106, 1, true);
    const newFee = newTariff.charge(340102, 340106, 1, true);
    assert.ok(newFee.fee > oldFee.fee, 'G40-03 costs more from E');
    assert.equal(newFee.operators.get('OP-HFCE'), 5000 + oldTariff.charge(340104, 340105, 1, true).fee);
    const a = tripTxs(
      card,
      lane(340102, 'entry'),
      lane(340106, 'exit'),
      oldTariff,
      at(before, '22:00'),
      at(before, '23:50'),
    );
    const b = tripTxs(card, lane(340106, 'entry'), lane(340102, 'exit'), newTariff, at(E, '08:00'), at(E, '10:00'));
    const c = tripTxs(card, lane(340102, 'entry'), lane(340106, 'exit'), oldTariff, at(E, '11:00'), at(E, '13:00')); // the old fee on the new day
    const d = tripTxs(
      card,
      lane(340106, 'entry'),
      lane(340102, 'exit'),
      promo,
      at(plus(E, 1), '08:00'),
      at(plus(E, 1), '10:00'),
    );
    assert.equal(
      d[1].amount,
      d[1].fee - Math.floor((d[1].fee * 10 + 50) / 100),
      '10 % from the day after E, rounded half up',
    );
    await h.clock.set(at(plus(E, 1), '11:00'));
    const res = await upload('L340102-02', [...a, ...b, ...c, ...d]);
    assert.deepEqual(
      res.body.results.map((r: { code?: number }) => r.code),
      [undefined, undefined, undefined, undefined, undefined, 6, undefined, undefined],
    );
    await h.clock.set(at(plus(E, 2), '01:00'));
    const finance = (await loginAs('finance')).auth;
    for (const day of [before, E, plus(E, 1)])
      await request(h.http).post(`/api/v1/clearing/days/${day}/run`).set('Authorization', finance).expect(200);
    const splitOf = async (t: { terminalId: string; terminalSeq: number }) => {
      const row = await h.app
        .db('lane_transactions')
        .where({ terminal_id: t.terminalId, terminal_seq: t.terminalSeq })
        .first();
      const rows = await h.app
        .db('clearing_splits')
        .where({ transaction_id: row.id, clearing_date: row.clearing_date })
        .orderBy('operator_id');
      return Object.fromEntries(rows.map((r) => [r.operator_id, Number(r.amount)])) as Record<string, number>;
    };
    const sa = await splitOf(a[1]);
    const sb = await splitOf(b[1]);
    // the same trip, a day apart: Hefei's share grows with its toll only from E
    assert.ok(sb['OP-HFCE'] / b[1].amount > sa['OP-HFCE'] / a[1].amount);
    assert.equal(
      Object.values(sa).reduce((x, y) => x + y, 0),
      a[1].amount,
    );
    assert.equal(
      Object.values(sb).reduce((x, y) => x + y, 0),
      b[1].amount,
    );
  });
});
