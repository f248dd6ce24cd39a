// Replacement, reissue and cancellation move purse balances and refunds through the ledger.
import assert from 'node:assert/strict';
import request from 'supertest';
import { fingerprint, harness, loginAs, unique } from '../helpers/harness.ts';
import { customerWithVehicle } from '../helpers/fixtures.ts';
import { assertLedgerHolds, journal } from '../helpers/ledger.ts';
import { postEntry, balanceOf } from '../../src/modules/ledger/index.ts';
import { releaseDueCarries } from '../../src/modules/issuance/index.ts';

// Stands in for a confirmed online load until the top-up module exists: money in from the counter,
// onto the purse float, and the card's last known balance raised by the same amount.
async function creditPurse(cardNo: string, amount: bigint): Promise<void> {
  const h = await harness();
  await h.app.db.transaction(async (trx) => {
    await postEntry(trx, {
      kind: 'test-load',
      reference: `${cardNo}:${Date.now()}:${Math.random()}`,
      actor: 'test',
      postings: [
        { account: 'counter-cash', amount },
        { account: 'purse-float', amount: -amount },
      ],
    });
    await trx('cards').where({ card_no: cardNo }).increment('last_balance', Number(amount));
  });
}

describe('card money: balance carries and refunds', () => {
  let clerk: string;
  let supervisor: string;
  before(async () => {
    clerk = (await loginAs('clerk')).auth;
    supervisor = (await loginAs('supervisor')).auth;
  });
  afterEach(assertLedgerHolds);

  async function issued(cardType: 22 | 23) {
    const h = await harness();
    const f = await customerWithVehicle(clerk);
    const res = await request(h.http)
      .post('/api/v1/cards')
      .set('Authorization', clerk)
      .send({ customerId: f.customerId, vehicleId: f.vehicleId, cardType, payment: { method: 'cash' } })
      .expect(201);
    return { ...f, cardNo: res.body.card.cardNo as string };
  }

  it('replacing a damaged card cancels it with card and carries its purse balance at once', async () => {
    const h = await harness();
    const { cardNo, vehicleId } = await issued(22);
    await creditPurse(cardNo, 12_345n);
    const carryBefore = await balanceOf(h.app.db, 'balance-carry');
    const res = await request(h.http)
      .post(`/api/v1/cards/${cardNo}/replacement`)
      .set('Authorization', clerk)
      .send({ reason: 'chip damaged', payment: { method: 'cash' } })
      .expect(201);
    assert.equal(res.body.predecessor.status, 4);
    assert.equal(res.body.predecessor.replacedBy, res.body.card.cardNo);
    assert.equal(res.body.card.vehicleId, vehicleId);
    assert.equal(res.body.card.status, 1);
    const got = await request(h.http)
      .get(`/api/v1/cards/${res.body.card.cardNo}`)
      .set('Authorization', clerk)
      .expect(200);
    assert.deepEqual(
      got.body.carries.map((c: { amount: number; status: string; kind: string }) => [c.kind, c.amount, c.status]),
      [['replace', 12345, 'available']],
    );
    assert.equal(await balanceOf(h.app.db, 'balance-carry'), carryBefore - 12_345n);
  });

  it('reissuing after a loss report carries the balance only after the waiting period, net of late charges', async () => {
    const h = await harness();
    const { cardNo } = await issued(22);
    await creditPurse(cardNo, 8_000n);
    await request(h.http)
      .post(`/api/v1/cards/${cardNo}/reissue`)
      .set('Authorization', clerk)
      .send({ reason: 'not lost', payment: { method: 'cash' } })
      .expect(409);
    await request(h.http)
      .post(`/api/v1/cards/${cardNo}/loss-report`)
      .set('Authorization', clerk)
      .send({ reason: 'lost on the road' })
      .expect(200);
    const res = await request(h.http)
      .post(`/api/v1/cards/${cardNo}/reissue`)
      .set('Authorization', clerk)
      .send({ reason: 'lost on the road', payment: { method: 'pos' } })
      .expect(201);
    assert.equal(res.body.predecessor.status, 5);
    const carry = await h.app.db('balance_carries').where({ from_card: cardNo }).first();
    assert.equal(carry.status, 'waiting');
    assert.equal(carry.amount, null);
    // the new card's page shows the waiting carry, its amount not yet known
    const shown = await request(h.http)
      .get(`/api/v1/cards/${res.body.card.cardNo}`)
      .set('Authorization', clerk)
      .expect(200);
    assert.deepEqual(
      shown.body.carries.map((c: { amount: number | null; status: string }) => [c.amount, c.status]),
      [[null, 'waiting']],
    );
    // a late lane transaction of the lost card lowers its last known balance before release
    await h.app.db('cards').where({ card_no: cardNo }).update({ last_balance: 7_500 });
    await h.app.db.transaction((trx) =>
      postEntry(trx, {
        kind: 'test-toll',
        reference: cardNo,
        actor: 'test',
        postings: [
          { account: 'purse-float', amount: 500n },
          { account: 'counter-cash', amount: -500n },
        ],
      }),
    );
    assert.equal(await releaseDueCarries(h.app.db, h.clock), 0);
    h.clock.advance(h.app.config.reissueWaitDays * 86_400_000 + 1000);
    try {
      assert.ok((await releaseDueCarries(h.app.db, h.clock)) >= 1);
      assert.equal(await releaseDueCarries(h.app.db, h.clock), 0, 'a second run releases nothing');
    } finally {
      h.clock.advance(-(h.app.config.reissueWaitDays * 86_400_000 + 1000));
    }
    const released = await h.app.db('balance_carries').where({ from_card: cardNo }).first();
    assert.equal(released.status, 'available');
    assert.equal(released.amount, 7_500n);
    assert.deepEqual(await journal('balance-carry', `carry:${released.id}`), {
      'purse-float': 7_500n,
      'balance-carry': -7_500n,
    });
  });

  it('cancelling with a refund needs a clerk to request and a different supervisor to approve', async () => {
    const h = await harness();
    const { cardNo } = await issued(22);
    await creditPurse(cardNo, 3_210n);
    const req = await request(h.http)
      .post(`/api/v1/cards/${cardNo}/cancellation-requests`)
      .set('Authorization', clerk)
      .send({ reason: 'moving abroad', refundMethod: 'cash' })
      .expect(201);
    const dup = await request(h.http)
      .post(`/api/v1/cards/${cardNo}/cancellation-requests`)
      .set('Authorization', clerk)
      .send({ reason: 'again', refundMethod: 'cash' })
      .expect(409);
    assert.equal(dup.body.error.code, 'request-state-conflict');
    const id = req.body.request.id;
    await request(h.http)
      .post(`/api/v1/card-cancellations/${id}/approve`)
      .set('Idempotency-Key', unique('approve'))
      .set('Authorization', clerk)
      .send({ note: 'ok' })
      .expect(403);
    const approved = await request(h.http)
      .post(`/api/v1/card-cancellations/${id}/approve`)
      .set('Idempotency-Key', unique('approve'))
      .set('Authorization', supervisor)
      .send({ note: 'checked the card' })
      .expect(200);
    assert.equal(approved.body.request.status, 'approved');
    assert.equal(approved.body.request.refundAmount, 3210);
    assert.deepEqual(await journal('card-refund', `cancellation:${id}`), {
      'purse-float': 3_210n,
      'counter-cash': -3_210n,
    });
    const card = await request(h.http).get(`/api/v1/cards/${cardNo}`).set('Authorization', clerk).expect(200);
    assert.equal(card.body.card.status, 4);
    assert.equal(card.body.card.lastBalance, 0);
    const again = await request(h.http)
      .post(`/api/v1/card-cancellations/${id}/approve`)
      .set('Idempotency-Key', unique('approve'))
      .set('Authorization', supervisor)
      .send({ note: 'twice' })
      .expect(409);
    assert.equal(again.body.error.code, 'request-state-conflict');
  });

  it('a supervisor cannot approve their own request', async () => {
    const h = await harness();
    const { cardNo } = await issued(22);
    const req = await request(h.http)
      .post(`/api/v1/cards/${cardNo}/cancellation-requests`)
      .set('Authorization', supervisor)
      .send({ reason: 'own request', refundMethod: 'cash' })
      .expect(201);
    const before = await fingerprint();
    const res = await request(h.http)
      .post(`/api/v1/card-cancellations/${req.body.request.id}/approve`)
      .set('Idempotency-Key', unique('approve'))
      .set('Authorization', supervisor)
      .send({ note: 'self' })
      .expect(409);
    assert.equal(res.body.error.code, 'four-eyes-required');
    assert.deepEqual(await fingerprint(), before);
  });

  it("a debit-account card refunds the account funds by bank transfer when it is the account's last card", async () => {
    const h = await harness();
    const { cardNo, accountId } = await issued(23);
    await request(h.http)
      .post(`/api/v1/accounts/${accountId}/deposits`)
      .set('Authorization', clerk)
      .set('Idempotency-Key', `deposit-${accountId}`)
      .send({ amount: 50_000, method: 'cash' })
      .expect(201);
    const req = await request(h.http)
      .post(`/api/v1/cards/${cardNo}/cancellation-requests`)
      .set('Authorization', clerk)
      .send({ reason: 'sold the car', refundMethod: 'bank-account' })
      .expect(201);
    const approved = await request(h.http)
      .post(`/api/v1/card-cancellations/${req.body.request.id}/approve`)
      .set('Idempotency-Key', unique('approve'))
      .set('Authorization', supervisor)
      .send({ note: 'ok' })
      .expect(200);
    assert.equal(approved.body.request.refundAmount, 50000);
    assert.deepEqual(await journal('card-refund', `cancellation:${req.body.request.id}`), {
      [`customer-funds:${accountId}`]: 50_000n,
      'refunds-payable': -50_000n,
    });
    const account = await request(h.http).get(`/api/v1/accounts/${accountId}`).set('Authorization', clerk).expect(200);
    assert.equal(account.body.account.balance ?? account.body.balance, 0);
  });

  it('a stored-value card not in hand can be cancelled only after the waiting period', async () => {
    const h = await harness();
    const { cardNo } = await issued(22);
    await request(h.http)
      .post(`/api/v1/cards/${cardNo}/loss-report`)
      .set('Authorization', clerk)
      .send({ reason: 'lost' })
      .expect(200);
    const early = await request(h.http)
      .post(`/api/v1/cards/${cardNo}/cancellation-requests`)
      .set('Authorization', clerk)
      .send({ reason: 'cancel lost card', refundMethod: 'cash' })
      .expect(409);
    assert.equal(early.body.error.code, 'card-state-conflict');
    h.clock.advance(h.app.config.reissueWaitDays * 86_400_000 + 1000);
    try {
      // a week later: the sessions of before have expired, so log in again
      const [laterClerk, laterSupervisor] = [(await loginAs('clerk')).auth, (await loginAs('supervisor')).auth];
      const req = await request(h.http)
        .post(`/api/v1/cards/${cardNo}/cancellation-requests`)
        .set('Authorization', laterClerk)
        .send({ reason: 'cancel lost card', refundMethod: 'cash' })
        .expect(201);
      await request(h.http)
        .post(`/api/v1/card-cancellations/${req.body.request.id}/approve`)
        .set('Idempotency-Key', unique('approve'))
        .set('Authorization', laterSupervisor)
        .send({ note: 'ok' })
        .expect(200);
    } finally {
      h.clock.advance(-(h.app.config.reissueWaitDays * 86_400_000 + 1000));
    }
    const card = await request(h.http).get(`/api/v1/cards/${cardNo}`).set('Authorization', clerk).expect(200);
    assert.equal(card.body.card.status, 5);
  });
});
