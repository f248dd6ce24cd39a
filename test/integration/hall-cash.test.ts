// The hall's cash: a clerk closes their till with the cash counted, a supervisor confirms it (the
// difference against the ledger is posted and raised for the hall), the day's cash goes on a deposit
// slip that someone else approves and finance banks (counter-cash → clearing-bank), and the statement
// line crediting it is reconciled. Every refusal changes nothing.
import assert from 'node:assert/strict';
import request from 'supertest';
import { customerWithVehicle } from '../helpers/fixtures.ts';
import { fingerprint, harness, loginAs, unique } from '../helpers/harness.ts';
import { assertLedgerHolds, journal } from '../helpers/ledger.ts';
import { staffGet, staffPost } from '../helpers/settlement.ts';

describe('hall cash: till close and deposit slip', () => {
  afterEach(assertLedgerHolds);

  async function refused(call: () => Promise<{ status: number; body: any }>, status: number, code: string) {
    const before = await fingerprint();
    const res = await call();
    assert.deepEqual([res.status, res.body.error?.code], [status, code], JSON.stringify(res.body));
    assert.deepEqual(await fingerprint(), before, `${code} changed nothing`);
  }

  // a clerk who took `amount` fen in cash today (a deposit at the counter)
  async function clerkWithCash(amount: number) {
    const h = await harness();
    const clerk = await loginAs('clerk');
    const f = await customerWithVehicle(clerk.auth);
    await request(h.http)
      .post(`/api/v1/accounts/${f.accountId}/deposits`)
      .set('Authorization', clerk.auth)
      .set('Idempotency-Key', unique('deposit'))
      .send({ amount, method: 'cash' })
      .expect(201);
    return clerk;
  }
  const today = async () =>
    new Date((await harness()).clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

  it('closes tills, posts a shortage for the hall, banks the counted cash and reconciles it', async () => {
    const h = await harness();
    const date = await today();
    const supervisor = await loginAs('supervisor');
    const finance = await loginAs('finance');
    const finance2 = await loginAs('finance');
    const short = await clerkWithCash(10_000);
    const exact = await clerkWithCash(2_500);

    const declared = await staffPost(short.auth, `/api/v1/tills/${date}/close`, { countedCash: 9_950 });
    assert.equal(declared.status, 201, JSON.stringify(declared.body));
    assert.deepEqual(
      [declared.body.tillClose.expectedCash, declared.body.tillClose.difference, declared.body.tillClose.state],
      [10000, -50, 'declared'],
    );
    // a clerk closes only their own till, once; the clerk does not confirm
    await refused(
      () => staffPost(short.auth, `/api/v1/tills/${date}/close`, { countedCash: 1, clerk: exact.username }),
      403,
      'forbidden',
    );
    await refused(
      () => staffPost(short.auth, `/api/v1/tills/${date}/close`, { countedCash: 10_000 }),
      409,
      'till-already-closed',
    );
    await refused(
      () => staffPost(short.auth, `/api/v1/till-closes/${declared.body.tillClose.id}/confirm`),
      403,
      'forbidden',
    );

    const confirmed = await staffPost(supervisor.auth, `/api/v1/till-closes/${declared.body.tillClose.id}/confirm`);
    assert.equal(confirmed.body.tillClose.state, 'confirmed', JSON.stringify(confirmed.body));
    assert.deepEqual(await journal('till-difference', `till:${date}:${short.username}`), {
      'counter-cash': -50n,
      'cash-over-short': 50n,
    });
    const exception = await h.app
      .db('finance_exceptions')
      .where({ kind: 'till-difference', reference: `till:${date}:${short.username}` })
      .first();
    assert.deepEqual([exception.owner, String(exception.amount)], ['hall', '-50']);
    await refused(
      () => staffPost(supervisor.auth, `/api/v1/till-closes/${declared.body.tillClose.id}/confirm`),
      409,
      'till-close-confirmed',
    );

    // a supervisor closes the other clerk's till for them, and so may not confirm it
    const second = await staffPost(supervisor.auth, `/api/v1/tills/${date}/close`, {
      countedCash: 2_500,
      clerk: exact.username,
    });
    assert.equal(second.body.tillClose.difference, 0);
    await refused(
      () => staffPost(supervisor.auth, `/api/v1/till-closes/${second.body.tillClose.id}/confirm`),
      409,
      'four-eyes-required',
    );
    await staffPost((await loginAs('supervisor')).auth, `/api/v1/till-closes/${second.body.tillClose.id}/confirm`);
    assert.deepEqual(await journal('till-difference', `till:${date}:${exact.username}`), {});

    // the deposit slip gathers both confirmed closes: the counted cash
    const slipNo = unique('S').toUpperCase();
    const made = await staffPost(supervisor.auth, '/api/v1/cash-deposit-slips', { date, slipNo });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const slip = made.body.slip;
    const mine = await staffGet(finance.auth, `/api/v1/cash-deposit-slips/${slip.id}`);
    assert.ok(mine.body.tills.length >= 2);
    assert.equal(
      slip.amount,
      mine.body.tills.reduce((s: number, t: any) => s + t.countedCash, 0),
    );
    await refused(
      () => staffPost(supervisor.auth, '/api/v1/cash-deposit-slips', { date, slipNo: unique('S') }),
      409,
      'deposit-slip-empty',
    );
    await refused(
      () => staffPost(supervisor.auth, `/api/v1/cash-deposit-slips/${slip.id}/approve`),
      409,
      'four-eyes-required',
    );
    const bank = (who: { auth: string }, bankReference: string) =>
      staffPost(who.auth, `/api/v1/cash-deposit-slips/${slip.id}/banked`, { bankReference }, unique('bank'));
    await refused(() => bank(finance, 'B1'), 409, 'deposit-slip-not-approved');
    await staffPost(finance.auth, `/api/v1/cash-deposit-slips/${slip.id}/approve`);
    await refused(
      () => staffPost(finance2.auth, `/api/v1/cash-deposit-slips/${slip.id}/approve`),
      409,
      'deposit-slip-already-approved',
    );
    await refused(() => bank(finance, 'B1'), 409, 'four-eyes-required');
    // a reference is what a person keyed from the bank's slip: no control character, no blank
    await refused(() => bank(finance2, 'CASH\t1'), 400, 'invalid-request');
    await refused(() => bank(finance2, '   '), 400, 'invalid-request');
    const banked = await bank(finance2, `CASH-${slipNo}`);
    assert.equal(banked.body.slip.state, 'banked', JSON.stringify(banked.body));
    await refused(() => bank(finance2, 'B2'), 409, 'deposit-slip-already-banked');
    assert.deepEqual(await journal('cash-deposit', `cash-deposit:${slipNo}`), {
      'clearing-bank': BigInt(slip.amount),
      'counter-cash': -BigInt(slip.amount),
    });

    // the bank statement credits the slip: matched
    const csv = `valueDate,amount,counterparty,bankReference,reference\n${date},${slip.amount},CASH,CASH-${slipNo},cash-deposit:${slipNo}\n`;
    const imported = await staffPost(finance.auth, '/api/v1/bank-statements', { fileName: `cash-${slipNo}.csv`, csv });
    assert.equal(imported.status, 201, JSON.stringify(imported.body));
    const item = await h.app.db('reconciliation_items').where({ kind: 'cash-deposit', item_key: slipNo }).first();
    assert.equal(item.outcome, 'matched');
  });

  it('refuses a slip number already used, and unknown closes and slips, changing nothing', async () => {
    const date = await today();
    const supervisor = await loginAs('supervisor');
    const clerk = await clerkWithCash(1_000);
    const close = await staffPost(clerk.auth, `/api/v1/tills/${date}/close`, { countedCash: 1_000 });
    await staffPost(supervisor.auth, `/api/v1/till-closes/${close.body.tillClose.id}/confirm`);
    const slipNo = unique('S').toUpperCase();
    const first = await staffPost(supervisor.auth, '/api/v1/cash-deposit-slips', { date, slipNo });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    // another confirmed close waiting: the same slip number is refused
    const other = await clerkWithCash(500);
    const second = await staffPost(other.auth, `/api/v1/tills/${date}/close`, { countedCash: 500 });
    await staffPost(supervisor.auth, `/api/v1/till-closes/${second.body.tillClose.id}/confirm`);
    const finance = await loginAs('finance');
    await refused(
      () => staffPost(finance.auth, '/api/v1/cash-deposit-slips', { date, slipNo }),
      409,
      'deposit-slip-exists',
    );
    await refused(
      () => staffPost(supervisor.auth, '/api/v1/till-closes/999999999/confirm'),
      404,
      'till-close-not-found',
    );
    await refused(
      () => staffGet(supervisor.auth, '/api/v1/cash-deposit-slips/999999999'),
      404,
      'deposit-slip-not-found',
    );
    await refused(
      () => staffPost(clerk.auth, `/api/v1/tills/${date}/close`, { countedCash: -1 }),
      400,
      'invalid-request',
    );
  });
});
