// The online load protocol (ICD §1, ETC-REFERENCE §2) against real PostgreSQL, with virtual cards.
import assert from 'node:assert/strict';
import request from 'supertest';
import { fingerprint, harness, loginAs, newClient, signed, unique, type TestClient } from '../helpers/harness.ts';
import { assertLedgerHolds, journal } from '../helpers/ledger.ts';
import {
  bankConfirm,
  bankInit,
  bankLoad,
  counterInit,
  initBody,
  nextSerial,
  storedValueCard,
} from '../helpers/loads.ts';
import { balanceOf } from '../../src/modules/ledger/index.ts';
import { CardRemovedError } from '../../lanes-sim/card/virtual-card.ts';

const KV = 120;

describe('online load', () => {
  let clerk: string;
  let bank: TestClient;
  before(async () => {
    clerk = (await loginAs('clerk')).auth;
    bank = await newClient('bank');
  });
  afterEach(assertLedgerHolds);

  async function centreCard(cardNo: string) {
    const h = await harness();
    return (await request(h.http).get(`/api/v1/cards/${cardNo}`).set('Authorization', clerk).expect(200)).body.card;
  }

  it('loads through the bank channel: MAC1 → MAC2 → card credit → TAC confirm; card and centre agree', async () => {
    const h = await harness();
    const card = await storedValueCard(clerk, KV);
    const settlementBefore = await balanceOf(h.app.db, `bank-settlement:${bank.id}`);
    const init = await bankInit(bank, card, 10_000, 'REF-1');
    assert.equal(init.status, 201, JSON.stringify(init.body));
    assert.deepEqual(Object.keys(init.body).sort(), ['hostDate', 'hostTime', 'loadId', 'mac2', 'status']);
    assert.match(init.body.mac2, /^[0-9A-F]{8}$/);
    const stored = await h.app.db('loads').where({ id: init.body.loadId }).first();
    assert.equal(stored.mac2, init.body.mac2, 'MAC2 was persisted');
    const { tac } = card.creditForLoad(init.body.hostDate, init.body.hostTime, init.body.mac2);
    const conf = await bankConfirm(bank, init.body.loadId, tac);
    assert.equal(conf.status, 200);
    assert.deepEqual(conf.body, { loadId: init.body.loadId, status: 'confirmed', balance: 10000 });
    assert.equal(card.balance, 10_000);
    const c = await centreCard(card.cardNo);
    assert.deepEqual([c.lastBalance, c.lastOnlineSeq], [card.balance, card.onlineSeq]);
    assert.equal(await balanceOf(h.app.db, `bank-settlement:${bank.id}`), settlementBefore + 10_000n);
    assert.deepEqual(await journal('load-confirm', init.body.loadId), {
      'loads-in-flight': 10_000n,
      'purse-float': -10_000n,
    });
    const got = await signed(bank, 'get', `/api/v1/channel/loads/${init.body.loadId}`);
    assert.deepEqual(
      got.body.history.map((x: { to: string }) => x.to),
      ['requested', 'authorised', 'confirmed'],
    );
    assert.equal(got.body.load.bankReference, 'REF-1');
  });

  it('loads at the counter for cash and by card terminal', async () => {
    const card = await storedValueCard(clerk, KV);
    for (const [method, amount] of [
      ['cash', 5000],
      ['pos', 2500],
    ] as const) {
      const init = await counterInit(clerk, card, amount, method);
      assert.equal(init.status, 201, JSON.stringify(init.body));
      const { tac } = card.creditForLoad(init.body.hostDate, init.body.hostTime, init.body.mac2);
      const h = await harness();
      await request(h.http)
        .post(`/api/v1/channel/loads/${init.body.loadId}/confirm`)
        .set('Idempotency-Key', unique('approve'))
        .set('Authorization', clerk)
        .send({ tac })
        .expect(200);
      assert.deepEqual(await journal('load-authorise', init.body.loadId), {
        [method === 'cash' ? 'counter-cash' : 'counter-pos']: BigInt(amount),
        'loads-in-flight': -BigInt(amount),
      });
    }
    assert.equal(card.balance, 7500);
    assert.equal((await centreCard(card.cardNo)).lastBalance, 7500);
  });

  it('refuses a wrong MAC1 (422) and changes nothing', async () => {
    const card = await storedValueCard(clerk, KV);
    const body = initBody(card, 1000);
    const before = await fingerprint();
    const res = await signed(
      bank,
      'post',
      '/api/v1/channel/loads',
      { ...body, card: { ...body.card, balance: body.card.balance + 1 } },
      { idempotencyKey: nextSerial(bank) },
    );
    assert.equal(res.status, 422);
    assert.equal(res.body.error.code, 'mac1-invalid');
    const forged = await signed(
      bank,
      'post',
      '/api/v1/channel/loads',
      { ...body, amount: 2000 },
      { idempotencyKey: nextSerial(bank) },
    );
    assert.equal(forged.body.error.code, 'mac1-invalid', 'the amount is under MAC1 too');
    assert.deepEqual(await fingerprint(), before);
  });

  it('refuses lost, cancelled and debit-account cards (409) and amounts out of range (422), changing nothing', async () => {
    const h = await harness();
    const lost = await storedValueCard(clerk, KV);
    await request(h.http)
      .post(`/api/v1/cards/${lost.cardNo}/loss-report`)
      .set('Authorization', clerk)
      .send({ reason: 'lost' })
      .expect(200);
    const replaced = await storedValueCard(clerk, KV);
    await request(h.http)
      .post(`/api/v1/cards/${replaced.cardNo}/replacement`)
      .set('Authorization', clerk)
      .send({ reason: 'damaged', payment: { method: 'cash' } })
      .expect(201);
    const debit = await storedValueCard(clerk, KV);
    await h.app.db('cards').where({ card_no: debit.cardNo }).update({ card_type: 23 }); // a debit-account card has no purse to load
    const ok = await storedValueCard(clerk, KV);
    const before = await fingerprint();
    for (const card of [lost, replaced, debit]) {
      const r1 = await bankInit(bank, card, 1000);
      assert.deepEqual([r1.status, r1.body.error.code], [409, 'card-not-loadable']);
    }
    for (const amount of [0, -5, 500_001]) {
      const body = initBody(ok, Math.max(amount, 1));
      const r = await signed(
        bank,
        'post',
        '/api/v1/channel/loads',
        { ...body, amount },
        { idempotencyKey: nextSerial(bank) },
      );
      assert.deepEqual([r.status, r.body.error.code], [422, 'amount-out-of-range'], `amount ${amount}`);
    }
    const over = initBody(ok, 1000);
    const r3 = await signed(
      bank,
      'post',
      '/api/v1/channel/loads',
      { ...over, card: { ...over.card, balance: 999_500 } },
      { idempotencyKey: nextSerial(bank) },
    );
    assert.deepEqual([r3.status, r3.body.error.code], [422, 'amount-out-of-range']);
    const r4 = await signed(
      bank,
      'post',
      '/api/v1/channel/loads',
      { ...initBody(ok, 1000), cardNo: '34019999999999999999' },
      { idempotencyKey: nextSerial(bank) },
    );
    assert.deepEqual([r4.status, r4.body.error.code], [404, 'card-not-found']);
    const r5 = await signed(
      bank,
      'post',
      '/api/v1/channel/loads',
      { ...initBody(ok, 1000), payment: { method: 'cash' } },
      { idempotencyKey: nextSerial(bank) },
    );
    assert.deepEqual([r5.status, r5.body.error.field], [400, 'payment.method']);
    assert.deepEqual(await fingerprint(), before);
  });

  it('a wrong TAC is refused (422), the load stays authorised and is flagged for review', async () => {
    const h = await harness();
    const card = await storedValueCard(clerk, KV);
    const init = await bankInit(bank, card, 3000);
    const { tac } = card.creditForLoad(init.body.hostDate, init.body.hostTime, init.body.mac2);
    const wrong = tac === '00000000' ? '11111111' : '00000000';
    const res = await bankConfirm(bank, init.body.loadId, wrong);
    assert.deepEqual([res.status, res.body.error.code], [422, 'tac-invalid']);
    const load = await h.app.db('loads').where({ id: init.body.loadId }).first();
    assert.deepEqual([load.status, load.review_flag], ['authorised', 'tac-invalid']);
    const ex = await h.app
      .db('finance_exceptions')
      .where({ kind: 'load-tac-invalid', reference: init.body.loadId })
      .first();
    assert.equal(ex.status, 'open');
    assert.equal((await bankConfirm(bank, init.body.loadId, tac)).status, 200, 'the right TAC still confirms');
  });

  describe('torn loads: exactly one credit after recovery', () => {
    it('torn after init (card never saw MAC2): the next init reverses it from the evidence', async () => {
      const h = await harness();
      const card = await storedValueCard(clerk, KV);
      const first = await bankInit(bank, card, 4000);
      const settlement = await balanceOf(h.app.db, `bank-settlement:${bank.id}`);
      const id = await bankLoad(bank, card, 4000);
      const torn = await h.app.db('loads').where({ id: first.body.loadId }).first();
      assert.deepEqual([torn.status, torn.resolution], ['reversed', 'evidence-reversal']);
      assert.equal(card.balance, 4000);
      assert.equal(await balanceOf(h.app.db, `bank-settlement:${bank.id}`), settlement, 'refunded once, charged once');
      assert.equal((await h.app.db('loads').where({ id }).first()).status, 'confirmed');
    });

    it('torn after MAC2, before the card write: reversed at the next init', async () => {
      const h = await harness();
      const card = await storedValueCard(clerk, KV);
      const first = await bankInit(bank, card, 2500);
      card.failNext('credit-before-write');
      assert.throws(
        () => card.creditForLoad(first.body.hostDate, first.body.hostTime, first.body.mac2),
        CardRemovedError,
      );
      await bankLoad(bank, card, 2500);
      assert.equal((await h.app.db('loads').where({ id: first.body.loadId }).first()).status, 'reversed');
      assert.equal(card.balance, 2500);
      assert.equal((await centreCard(card.cardNo)).lastBalance, 2500);
    });

    it('torn after the card write, before confirm: confirmed from the evidence at the next init', async () => {
      const h = await harness();
      const card = await storedValueCard(clerk, KV);
      const first = await bankInit(bank, card, 6000);
      card.failNext('credit-after-write');
      assert.throws(
        () => card.creditForLoad(first.body.hostDate, first.body.hostTime, first.body.mac2),
        CardRemovedError,
      );
      assert.equal(card.balance, 6000, 'the card took the credit');
      await bankLoad(bank, card, 1000);
      const torn = await h.app.db('loads').where({ id: first.body.loadId }).first();
      assert.deepEqual([torn.status, torn.resolution], ['confirmed', 'evidence']);
      assert.match(torn.tac, /^[0-9A-F]{8}$/);
      assert.equal(card.balance, 7000);
      assert.equal((await centreCard(card.cardNo)).lastBalance, 7000);
      assert.deepEqual(await journal('load-confirm', first.body.loadId), {
        'loads-in-flight': 6000n,
        'purse-float': -6000n,
      });
    });

    it('the same card session sent again under a new serial is refused while in flight (409)', async () => {
      const card = await storedValueCard(clerk, KV);
      const body = initBody(card, 1500);
      const a = await signed(bank, 'post', '/api/v1/channel/loads', body, { idempotencyKey: nextSerial(bank) });
      assert.equal(a.status, 201);
      const b = await signed(bank, 'post', '/api/v1/channel/loads', body, { idempotencyKey: nextSerial(bank) });
      assert.deepEqual([b.status, b.body.error.code], [409, 'load-in-flight']);
    });

    it('at the counter a torn load is re-authorised without a second payment', async () => {
      const h = await harness();
      const card = await storedValueCard(clerk, KV);
      const cash = await balanceOf(h.app.db, 'counter-cash');
      const first = await counterInit(clerk, card, 8000, 'cash');
      card.failNext('credit-before-write');
      assert.throws(
        () => card.creditForLoad(first.body.hostDate, first.body.hostTime, first.body.mac2),
        CardRemovedError,
      );
      const second = await counterInit(clerk, card, 8000, 'cash');
      assert.equal(second.status, 201);
      const { tac } = card.creditForLoad(second.body.hostDate, second.body.hostTime, second.body.mac2);
      await request(h.http)
        .post(`/api/v1/channel/loads/${second.body.loadId}/confirm`)
        .set('Idempotency-Key', unique('approve'))
        .set('Authorization', clerk)
        .send({ tac })
        .expect(200);
      const [a, b] = await Promise.all(
        [first, second].map((r) => h.app.db('loads').where({ id: r.body.loadId }).first()),
      );
      assert.deepEqual(
        [a.status, a.resolution, b.payment_method, b.funded_by],
        ['reversed', 'reauthorised', 'reauthorisation', a.id],
      );
      assert.equal(await balanceOf(h.app.db, 'counter-cash'), cash + 8000n, 'the customer paid once');
      assert.equal(card.balance, 8000);
    });
  });

  it('a bank reversal returns the payment when the card was not credited, and is refused when it was', async () => {
    const h = await harness();
    const card = await storedValueCard(clerk, KV);
    const settlement = await balanceOf(h.app.db, `bank-settlement:${bank.id}`);
    const init = await bankInit(bank, card, 1200);
    const rev = await signed(
      bank,
      'post',
      `/api/v1/channel/loads/${init.body.loadId}/reverse`,
      { reason: 'card-write-failed', card: { balance: card.balance, onlineSeq: card.onlineSeq } },
      { idempotencyKey: nextSerial(bank) },
    );
    assert.deepEqual([rev.status, rev.body.status], [200, 'reversed']);
    assert.equal(await balanceOf(h.app.db, `bank-settlement:${bank.id}`), settlement);
    const late = await bankConfirm(bank, init.body.loadId, '00000000');
    assert.deepEqual([late.status, late.body.error.code], [409, 'load-reversed']);
    const init2 = await bankInit(bank, card, 1300);
    card.creditForLoad(init2.body.hostDate, init2.body.hostTime, init2.body.mac2);
    const before = await fingerprint();
    const refused = await signed(
      bank,
      'post',
      `/api/v1/channel/loads/${init2.body.loadId}/reverse`,
      { reason: 'claims failure', card: { balance: card.balance, onlineSeq: card.onlineSeq } },
      { idempotencyKey: nextSerial(bank) },
    );
    assert.deepEqual([refused.status, refused.body.error.code], [409, 'card-credited']);
    assert.deepEqual(await fingerprint(), before);
  });
});
