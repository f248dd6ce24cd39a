// The bank channel around the load: idempotency on the bank serial, ownership between banks,
// stuck loads, carried balances at the counter, and the daily reconciliation.
import assert from 'node:assert/strict';
import request from 'supertest';
import { harness, loginAs, newClient, signed, unique, type TestClient } from '../helpers/harness.ts';
import { assertLedgerHolds } from '../helpers/ledger.ts';
import {
  bankInit,
  bankLoad,
  counterInit,
  initBody,
  nextSerial,
  storedValueCard,
  testMasters,
} from '../helpers/loads.ts';
import { VirtualCard } from '../../lanes-sim/card/virtual-card.ts';
import { balanceOf } from '../../src/modules/ledger/index.ts';
import { sweepStuckLoads } from '../../src/modules/topup/index.ts';
import { localDate } from '../../src/platform/clock/clock.ts';

const KV = 121;

describe('bank channel', () => {
  let clerk: string;
  let bankA: TestClient;
  let bankB: TestClient;
  before(async () => {
    clerk = (await loginAs('clerk')).auth;
    bankA = await newClient('bank');
    bankB = await newClient('bank');
  });
  afterEach(assertLedgerHolds);

  it('the same bank serial sent 100 times concurrently makes one load; a different body under it is refused', async () => {
    const h = await harness();
    const card = await storedValueCard(clerk, KV);
    const body = initBody(card, 2000);
    const key = nextSerial(bankA);
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => signed(bankA, 'post', '/api/v1/channel/loads', body, { idempotencyKey: key })),
    );
    assert.deepEqual([...new Set(answers.map((a) => a.status))], [201]);
    assert.equal(new Set(answers.map((a) => a.body.loadId)).size, 1);
    assert.equal((await h.app.db('loads').where({ card_no: card.cardNo })).length, 1);
    const other = await signed(
      bankA,
      'post',
      '/api/v1/channel/loads',
      { ...body, payment: { method: 'bank-account', reference: 'changed' } },
      { idempotencyKey: key },
    );
    assert.deepEqual([other.status, other.body.error.code], [409, 'idempotency-conflict']);
  });

  it("bank A can neither read, confirm nor reverse bank B's load (403)", async () => {
    const card = await storedValueCard(clerk, KV);
    const init = await bankInit(bankB, card, 1000);
    assert.equal((await signed(bankA, 'get', `/api/v1/channel/loads/${init.body.loadId}`)).status, 403);
    assert.equal(
      (
        await signed(
          bankA,
          'post',
          `/api/v1/channel/loads/${init.body.loadId}/confirm`,
          { tac: '00000000' },
          { idempotencyKey: nextSerial(bankA) },
        )
      ).status,
      403,
    );
    const rev = await signed(
      bankA,
      'post',
      `/api/v1/channel/loads/${init.body.loadId}/reverse`,
      { reason: 'not mine', card: { balance: 0, onlineSeq: 0 } },
      { idempotencyKey: nextSerial(bankA) },
    );
    assert.deepEqual([rev.status, rev.body.error.code], [403, 'forbidden']);
    assert.equal((await signed(bankB, 'get', `/api/v1/channel/loads/${init.body.loadId}`)).status, 200);
    assert.equal(
      (await signed(bankB, 'get', '/api/v1/channel/loads/00000000-0000-4000-8000-000000000000')).status,
      404,
    );
  });

  it('refuses a stale timestamp or a wrong signature (401) on the channel', async () => {
    const h = await harness();
    const card = await storedValueCard(clerk, KV);
    const stale = await signed(bankA, 'post', '/api/v1/channel/loads', initBody(card, 100), {
      idempotencyKey: nextSerial(bankA),
      timestamp: h.clock.now().getTime() - 400_000,
    });
    assert.deepEqual([stale.status, stale.body.error.code], [401, 'stale-timestamp']);
    const wrong = await signed(bankA, 'post', '/api/v1/channel/loads', initBody(card, 100), {
      idempotencyKey: nextSerial(bankA),
      secret: bankB.secret,
    });
    assert.deepEqual([wrong.status, wrong.body.error.code], [401, 'bad-signature']);
  });

  it('lists loads stuck in flight for finance and raises one exception each', async () => {
    const h = await harness();
    const card = await storedValueCard(clerk, KV);
    const init = await bankInit(bankA, card, 700);
    h.clock.advance((h.app.config.stuckLoadMinutes + 1) * 60_000);
    try {
      const fresh = (await loginAs('finance')).auth;
      const list = await request(h.http).get('/api/v1/finance/stuck-loads').set('Authorization', fresh).expect(200);
      assert.ok(list.body.loads.some((l: { loadId: string }) => l.loadId === init.body.loadId));
      assert.ok((await sweepStuckLoads(h.app.db, h.clock, h.app.config.stuckLoadMinutes)) >= 1);
      assert.equal(await sweepStuckLoads(h.app.db, h.clock, h.app.config.stuckLoadMinutes), 0, 'no second exception');
      const ex = await request(h.http)
        .get('/api/v1/finance/exceptions?status=open&kind=load-stuck')
        .set('Authorization', fresh)
        .expect(200);
      assert.ok(ex.body.exceptions.some((e: { reference: string }) => e.reference === init.body.loadId));
    } finally {
      h.clock.advance(-(h.app.config.stuckLoadMinutes + 1) * 60_000);
    }
    await request(h.http).get('/api/v1/finance/stuck-loads').set('Authorization', clerk).expect(403);
  });

  it('a replaced card receives its carried balance at the counter without payment', async () => {
    const h = await harness();
    const old = await storedValueCard(clerk, KV);
    await bankLoad(bankA, old, 9_900);
    const carryBefore = await balanceOf(h.app.db, 'balance-carry');
    const rep = await request(h.http)
      .post(`/api/v1/cards/${old.cardNo}/replacement`)
      .set('Authorization', clerk)
      .send({ reason: 'damaged', payment: { method: 'cash' } })
      .expect(201);
    const fresh = new VirtualCard({ cardNo: rep.body.card.cardNo, masters: await testMasters(KV), keyVersion: KV });
    const wrongAmount = await counterInit(clerk, fresh, 5_000, 'carry-over');
    assert.deepEqual([wrongAmount.status, wrongAmount.body.error.code], [422, 'amount-out-of-range']);
    const init = await counterInit(clerk, fresh, 9_900, 'carry-over');
    assert.equal(init.status, 201, JSON.stringify(init.body));
    const { tac } = fresh.creditForLoad(init.body.hostDate, init.body.hostTime, init.body.mac2);
    await request(h.http)
      .post(`/api/v1/channel/loads/${init.body.loadId}/confirm`)
      .set('Idempotency-Key', unique('approve'))
      .set('Authorization', clerk)
      .send({ tac })
      .expect(200);
    assert.equal(fresh.balance, 9_900);
    assert.equal(await balanceOf(h.app.db, 'balance-carry'), carryBefore, 'the carry is used up');
    const again = await counterInit(clerk, fresh, 9_900, 'carry-over');
    assert.deepEqual([again.status, again.body.error.code], [409, 'carry-not-available']);
  });

  it('reconciles a bank day file: matched, centre-only, bank-only and mismatches become finance exceptions once', async () => {
    const h = await harness();
    const bank = await newClient('bank');
    const cards = await Promise.all([1, 2, 3].map(() => storedValueCard(clerk, KV)));
    const ids = [
      await bankLoad(bank, cards[0], 1000, 'R-1'),
      await bankLoad(bank, cards[1], 2000, 'R-2'),
      await bankLoad(bank, cards[2], 3000, 'R-3'),
    ];
    const date = localDate(h.clock.now());
    const centre = await signed(bank, 'get', `/api/v1/channel/reconciliation/${date}`);
    assert.deepEqual(
      centre.body.loads.map((l: { loadId: string }) => l.loadId),
      ids,
    );
    const time = new Date().toISOString();
    const lines = [
      { bankReference: 'R-1', cardNo: cards[0].cardNo, amount: 1000, status: 'confirmed', time },
      { bankReference: 'R-2', loadId: ids[1], cardNo: cards[1].cardNo, amount: 2500, status: 'confirmed', time },
      { bankReference: 'R-9', cardNo: cards[2].cardNo, amount: 500, status: 'confirmed', time },
    ];
    const res = await signed(
      bank,
      'post',
      `/api/v1/channel/reconciliation/${date}`,
      { lines },
      { idempotencyKey: nextSerial(bank) },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.matched, 1);
    assert.deepEqual(
      res.body.centreOnly.map((c: { loadId: string }) => c.loadId),
      [ids[2]],
    );
    assert.deepEqual(
      res.body.bankOnly.map((b: { bankReference: string }) => b.bankReference),
      ['R-9'],
    );
    assert.equal(res.body.amountMismatch.length, 1);
    assert.equal(res.body.exceptions, 3);
    const again = await signed(
      bank,
      'post',
      `/api/v1/channel/reconciliation/${date}`,
      { lines },
      { idempotencyKey: nextSerial(bank) },
    );
    assert.equal(again.body.exceptions, 0, 'the same findings are not raised twice');
    const finance = (await loginAs('finance')).auth;
    const open = await request(h.http)
      .get('/api/v1/finance/exceptions?status=open')
      .set('Authorization', finance)
      .expect(200);
    const mine = open.body.exceptions.filter((e: { source: string }) => e.source === `bank:${bank.id}`);
    assert.deepEqual(mine.map((e: { kind: string }) => e.kind).sort(), [
      'reconciliation-amount-mismatch',
      'reconciliation-bank-only',
      'reconciliation-centre-only',
    ]);
    const resolved = await request(h.http)
      .post(`/api/v1/finance/exceptions/${mine[0].id}/resolve`)
      .set('Authorization', finance)
      .send({ note: 'bank corrected its file' })
      .expect(200);
    assert.equal(resolved.body.exception.status, 'resolved');
    await request(h.http)
      .post(`/api/v1/finance/exceptions/${mine[0].id}/resolve`)
      .set('Authorization', finance)
      .send({ note: 'twice' })
      .expect(409);
    await request(h.http)
      .post(`/api/v1/finance/exceptions/${mine[1].id}/resolve`)
      .set('Authorization', clerk)
      .send({ note: 'not mine' })
      .expect(403);
    // a bad line refuses the file, naming the field: a fractional amount, a control character in the
    // reference, a time the centre could not give back (year 10000 in UTC)
    for (const [change, field] of [
      [{ amount: 1.5 }, 'lines[0].amount'],
      [{ bankReference: 'R\t1' }, 'lines[0].bankReference'],
      [{ time: '9999-12-31T23:00:00-12:00' }, 'lines[0].time'],
    ] as const) {
      const bad = await signed(
        bank,
        'post',
        `/api/v1/channel/reconciliation/${date}`,
        { lines: [{ ...lines[0], ...change }] },
        { idempotencyKey: nextSerial(bank) },
      );
      assert.deepEqual([bad.status, bad.body.error.field], [400, field], JSON.stringify(change));
    }
  });
});
