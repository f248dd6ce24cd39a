// Allocation of a corporate pool to vehicles: a CSV of plates and equal amounts, all-or-nothing and
// idempotent, each vehicle one entry; a stored-value card of an allocated vehicle loaded from its
// allocation at the counter and at a bank (no cash), a reversal giving it back; the daily
// replenishment and the pool-low message to the account manager; the portfolio facts.
import assert from 'node:assert/strict';
import request from 'supertest';
import { VirtualCard } from '../../lanes-sim/card/virtual-card.ts';
import { corporatePoolFacts, replenishAll } from '../../src/modules/corporate/index.ts';
import { harness, loginAs, newClient, signed, unique } from '../helpers/harness.ts';
import { assertLedgerHolds, journal } from '../helpers/ledger.ts';
import { digest } from '../helpers/digest.ts';
import { mobile, plate } from '../helpers/generators.ts';
import { initBody, nextSerial, testMasters } from '../helpers/loads.ts';

// the test's own load key version (each test file has one)
const KV = 181;
const letters = (n: number) =>
  Array.from({ length: n }, () => 'ABCDEFGHJKLMNPQRTUWXY0123456789'[Math.floor(Math.random() * 30)]).join('');

async function post(auth: string, path: string, body: object, key = unique('k')) {
  const h = await harness();
  return request(h.http).post(path).set('Authorization', auth).set('Idempotency-Key', key).send(body);
}

// a corporate customer with n vehicles and a pool paid in by transfer (CSV statement with its reference)
async function fleet(n: number, poolFen: bigint, accountManager?: string) {
  const h = await harness();
  const clerk = (await loginAs('clerk')).auth;
  const finance = (await loginAs('finance')).auth;
  const c = await request(h.http)
    .post('/api/v1/customers')
    .set('Authorization', clerk)
    .send({
      kind: 'corporate',
      name: unique('皖运快递 '),
      registrationNumber: letters(18),
      contactPerson: '王五',
      contactPhone: mobile(),
      ...(accountManager ? { accountManager } : {}),
    })
    .expect(201);
  const customerId = c.body.customer.id as number;
  const vehicles: Array<{ id: number; plate: string }> = [];
  for (let i = 0; i < n; i++) {
    const p = plate();
    const v = await request(h.http)
      .post(`/api/v1/customers/${customerId}/vehicles`)
      .set('Authorization', clerk)
      .send({ plate: p, plateColor: 0, vehicleClass: 1, seats: 5, lengthMm: 4800, widthMm: 1800, heightMm: 1500 })
      .expect(201);
    vehicles.push({ id: v.body.vehicle.id, plate: p });
  }
  const ref = await post(clerk, `/api/v1/corporate/customers/${customerId}/payment-reference`, {});
  const yuan = `${poolFen / 100n}.${String(poolFen % 100n).padStart(2, '0')}`;
  const csv = `bank,serial,date,time,direction,amount,business_reference,purpose,payer_account,payer_name\nCCB,${unique('T')},2026-12-03,09:00:00,credit,${yuan},,${ref.body.reference} 预付,9,${'车队'}\n`;
  const imp = await post(finance, '/api/v1/corporate/statements', {
    format: 'csv',
    fileName: 'ccb.csv',
    contentBase64: Buffer.from(csv).toString('base64'),
  });
  assert.equal(imp.body.byStatus.matched, 1, JSON.stringify(imp.body));
  return { customerId, accountId: c.body.account.id as number, vehicles, clerk };
}

const pool = async (auth: string, customerId: number) => {
  const h = await harness();
  return (
    await request(h.http).get(`/api/v1/corporate/customers/${customerId}/pool`).set('Authorization', auth).expect(200)
  ).body;
};

describe('corporate allocations', () => {
  it('allocates a CSV of plates all-or-nothing, once per Idempotency-Key, each vehicle one entry', async function () {
    this.timeout(60000);
    const h = await harness();
    const am = await loginAs('account-manager');
    const f = await fleet(3, 100000n);
    const path = `/api/v1/corporate/customers/${f.customerId}/allocations`;
    const finance = (await loginAs('finance')).auth;
    const before = await digest(h.app.db);
    // an unknown plate, a bad amount, more than the pool: refused, nothing changed
    for (const [csv, status, code] of [
      [`plate,amount\n${f.vehicles[0].plate},100.00\n皖Z00000,1.00\n`, 422, 'allocation-file-malformed'],
      [`plate,amount\n${f.vehicles[0].plate},1.005\n`, 422, 'allocation-file-malformed'],
      [`plate,amount\n${f.vehicles[0].plate},600.00\n${f.vehicles[1].plate},500.00\n`, 409, 'allocation-exceeds-pool'],
    ] as const) {
      const r = await post(am.auth, path, { csv });
      assert.deepEqual([r.status, r.body.error?.code], [status, code], JSON.stringify(r.body));
    }
    assert.equal((await post(finance, path, { csv: 'plate,amount\n' })).status, 403);
    assert.deepEqual(await digest(h.app.db), before);

    const key = unique('alloc');
    const csv = `plate,amount\n${f.vehicles[0].plate},300.00\n${f.vehicles[1].plate},200.50\n`;
    const r = await post(am.auth, path, { csv }, key);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual([r.body.vehicles, r.body.total, r.body.poolAfter], [2, 50050, 49950]);
    const again = await post(am.auth, path, { csv }, key);
    assert.equal(again.status, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.body.batchId, r.body.batchId);
    assert.deepEqual(await journal('corporate-allocation', `${r.body.batchId}:${f.vehicles[1].id}`), {
      [`customer-funds:${f.accountId}`]: 20050n,
      [`vehicle-allocation:${f.vehicles[1].id}`]: -20050n,
    });
    // equal amounts to chosen vehicles, by a clerk
    const eq = await post(f.clerk, path, { vehicleIds: [f.vehicles[1].id, f.vehicles[2].id], amount: 1000 });
    assert.equal(eq.status, 201, JSON.stringify(eq.body));
    const p = await pool(am.auth, f.customerId);
    assert.deepEqual(
      [p.pool, p.allocated, p.vehicles.map((v: any) => v.balance)],
      [47950, 52050, [30000, 21050, 1000]],
    );
    const facts = await corporatePoolFacts(h.app.db, [String(f.customerId)]);
    assert.deepEqual(facts.get(String(f.customerId)), { poolFen: 47950n, allocatedFen: 52050n, vehicles: 3 });
    await assertLedgerHolds();
  });

  it("a stored-value card loads from its vehicle's allocation at the counter and a bank; a reversal gives it back", async function () {
    this.timeout(60000);
    const h = await harness();
    const f = await fleet(1, 200000n);
    const v = f.vehicles[0];
    const am = await loginAs('account-manager');
    await post(am.auth, `/api/v1/corporate/customers/${f.customerId}/allocations`, {
      vehicleIds: [v.id],
      amount: 50000,
    });
    const issued = await request(h.http)
      .post('/api/v1/cards')
      .set('Authorization', f.clerk)
      .send({ customerId: f.customerId, vehicleId: v.id, cardType: 22, payment: { method: 'cash' } })
      .expect(201);
    const card = new VirtualCard({ cardNo: issued.body.card.cardNo, masters: await testMasters(KV), keyVersion: KV });
    const cashBefore = await h.app.db.raw(
      `select coalesce(sum(p.amount),0)::bigint as b from postings p join ledger_accounts a on a.id = p.account_id where a.code = 'counter-cash'`,
    );
    // more than the allocation: refused, nothing changed
    const snap = await digest(h.app.db);
    const tooMuch = await post(f.clerk, '/api/v1/channel/loads', initBody(card, 50001, 'allocation'));
    assert.deepEqual([tooMuch.status, tooMuch.body.error.code], [409, 'allocation-insufficient']);
    assert.deepEqual(await digest(h.app.db), snap);

    const init = await post(f.clerk, '/api/v1/channel/loads', initBody(card, 30000, 'allocation'));
    assert.equal(init.status, 201, JSON.stringify(init.body));
    assert.deepEqual(await journal('load-authorise', init.body.loadId), {
      [`vehicle-allocation:${v.id}`]: 30000n,
      'loads-in-flight': -30000n,
    });
    const { tac } = card.creditForLoad(init.body.hostDate, init.body.hostTime, init.body.mac2);
    await post(f.clerk, `/api/v1/channel/loads/${init.body.loadId}/confirm`, { tac }).then((r) =>
      assert.equal(r.status, 200, JSON.stringify(r.body)),
    );
    assert.equal((await pool(am.auth, f.customerId)).vehicles[0].balance, 20000);

    // a bank branch loads from the allocation too; the bank reverses it (card not credited)
    const bank = await newClient('bank');
    const binit = await signed(bank, 'post', '/api/v1/channel/loads', initBody(card, 20000, 'allocation'), {
      idempotencyKey: nextSerial(bank),
    });
    assert.equal(binit.status, 201, JSON.stringify(binit.body));
    assert.equal((await pool(am.auth, f.customerId)).vehicles[0].balance, 0);
    const rev = await signed(
      bank,
      'post',
      `/api/v1/channel/loads/${binit.body.loadId}/reverse`,
      { reason: 'card left the reader', card: { balance: card.balance, onlineSeq: card.onlineSeq } },
      { idempotencyKey: nextSerial(bank) },
    );
    assert.equal(rev.status, 200, JSON.stringify(rev.body));
    assert.equal((await pool(am.auth, f.customerId)).vehicles[0].balance, 20000);
    const cashAfter = await h.app.db.raw(
      `select coalesce(sum(p.amount),0)::bigint as b from postings p join ledger_accounts a on a.id = p.account_id where a.code = 'counter-cash'`,
    );
    assert.equal(BigInt(cashAfter.rows[0].b), BigInt(cashBefore.rows[0].b), 'no cash moved');
    // a torn load from the allocation: the card's next init (sequence unchanged) reverses it and the
    // allocation is whole again before the new load reserves from it
    const torn = await post(f.clerk, '/api/v1/channel/loads', initBody(card, 5000, 'allocation'));
    assert.equal(torn.status, 201, JSON.stringify(torn.body));
    assert.equal((await pool(am.auth, f.customerId)).vehicles[0].balance, 15000);
    const next = await post(f.clerk, '/api/v1/channel/loads', initBody(card, 20000, 'allocation'));
    assert.equal(next.status, 201, JSON.stringify(next.body));
    assert.equal((await h.app.db('loads').where({ id: torn.body.loadId }).first()).status, 'reversed');
    assert.equal((await pool(am.auth, f.customerId)).vehicles[0].balance, 0);
    const t2 = card.creditForLoad(next.body.hostDate, next.body.hostTime, next.body.mac2);
    assert.equal((await post(f.clerk, `/api/v1/channel/loads/${next.body.loadId}/confirm`, t2)).status, 200);
    // a vehicle with no allocation cannot pay so
    const other = await fleet(1, 100n);
    const c2 = await request(h.http)
      .post('/api/v1/cards')
      .set('Authorization', f.clerk)
      .send({
        customerId: other.customerId,
        vehicleId: other.vehicles[0].id,
        cardType: 22,
        payment: { method: 'cash' },
      })
      .expect(201);
    const card2 = new VirtualCard({ cardNo: c2.body.card.cardNo, masters: await testMasters(KV), keyVersion: KV });
    const none = await post(f.clerk, '/api/v1/channel/loads', initBody(card2, 100, 'allocation'));
    assert.deepEqual([none.status, none.body.error.code], [404, 'allocation-not-found']);
    await assertLedgerHolds();
  });

  it('replenishes vehicles below the threshold daily, once a day, and tells the account manager when the pool runs low', async function () {
    this.timeout(60000);
    const h = await harness();
    const am = await loginAs('account-manager');
    const f = await fleet(2, 30000n, am.username);
    const path = `/api/v1/corporate/customers/${f.customerId}/allocations`;
    await post(am.auth, path, { vehicleIds: [f.vehicles[0].id], amount: 500 });
    await post(am.auth, path, { vehicleIds: [f.vehicles[1].id], amount: 8000 });
    const rule = await post(am.auth, `/api/v1/corporate/customers/${f.customerId}/replenishment-rule`, {
      threshold: 1000,
      target: 10000,
      poolFloor: 15000,
      active: true,
    });
    assert.equal(rule.status, 200, JSON.stringify(rule.body));
    const bad = await post(am.auth, `/api/v1/corporate/customers/${f.customerId}/replenishment-rule`, {
      threshold: 1000,
      target: 1000,
      poolFloor: 0,
      active: true,
    });
    assert.deepEqual([bad.status, bad.body.error.field], [400, 'target']);
    const at = new Date('2026-12-05T00:00:00Z');
    await replenishAll(h.app.db, at);
    let p = await pool(am.auth, f.customerId);
    // only the first vehicle was below 10.00 yuan: topped up to 100.00; the pool 300 - 5 - 80 - 95 = 120 yuan < floor 150
    assert.deepEqual([p.vehicles.map((v: any) => v.balance), p.pool], [[10000, 8000], 12000]);
    const msgs = await h.app.db('notifications').where('dedupe_key', 'like', `corporate-pool-low:${f.customerId}:%`);
    assert.equal(msgs.length, 1);
    assert.equal(msgs[0].template, 'corporate-pool-low');
    assert.equal(String(msgs[0].user_id), String(am.userId));
    // the same day again changes nothing
    const snap = await digest(h.app.db);
    await replenishAll(h.app.db, at);
    assert.deepEqual(await digest(h.app.db), snap);
    await assertLedgerHolds();
  });
});
