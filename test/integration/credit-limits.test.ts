// A debit account's credit limit after opening: a debit-account card needs one; a supervisor sets it
// with a reason, within bounds, kept as history and audited; the status list reacts at the next
// publish when a change makes the account overdrawn or covered again. Refusals change nothing.
import assert from 'node:assert/strict';
import request from 'supertest';
import { customerFundsCode, postEntry } from '../../src/modules/ledger/index.ts';
import { customerWithVehicle, mobile, plate, residentId } from '../helpers/fixtures.ts';
import { fingerprint, harness, loginAs, unique } from '../helpers/harness.ts';
import { assertLedgerHolds } from '../helpers/ledger.ts';
import { tick } from './statuslist-support.ts';

type Res = { status: number; body: any };

describe('credit limits of debit accounts', () => {
  let clerk: string;
  let supervisor: { auth: string; username: string };

  before(async () => {
    clerk = (await loginAs('clerk')).auth;
    supervisor = await loginAs('supervisor');
  });
  afterEach(assertLedgerHolds);

  async function send(auth: string, method: 'get' | 'post', path: string, body?: unknown): Promise<Res> {
    const h = await harness();
    const r = request(h.http)[method](path).set('Authorization', auth);
    return body === undefined ? r : r.send(body as object);
  }
  async function refused(call: () => Promise<Res>, status: number, code: string, field?: string) {
    const before = await fingerprint();
    const res = await call();
    assert.deepEqual([res.status, res.body.error?.code], [status, code], JSON.stringify(res.body));
    if (field) assert.equal(res.body.error.field, field);
    assert.deepEqual(await fingerprint(), before, `${code} changed nothing`);
  }

  // tolls charged to the account (stands in for lane ingest): the account owes `amount` more
  async function owe(accountId: number, amount: bigint) {
    const h = await harness();
    await h.app.db.transaction((trx) =>
      postEntry(trx, {
        kind: 'test-toll',
        reference: unique('toll'),
        actor: 'test',
        postings: [
          { account: customerFundsCode(BigInt(accountId)), amount },
          { account: 'counter-cash', amount: -amount },
        ],
      }),
    );
  }
  // whether the card is on the published status list
  const listed = async (cardNo: string): Promise<boolean> =>
    (await send(clerk, 'get', `/api/v1/status-list/entries/card/${cardNo}`)).body.entry?.listed ?? false;

  // a debit customer opened by a clerk (limit 0) with one vehicle
  async function debitCustomer(by = clerk) {
    const c = await send(by, 'post', '/api/v1/customers', {
      kind: 'personal',
      name: '王五',
      idType: 1,
      idNumber: residentId(),
      phone: mobile(),
      account: { kind: 'debit' },
    });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    const v = await send(clerk, 'post', `/api/v1/customers/${c.body.customer.id}/vehicles`, {
      plate: plate(),
      plateColor: 0,
      vehicleClass: 1,
    });
    assert.equal(v.status, 201, JSON.stringify(v.body));
    return { customerId: c.body.customer.id, accountId: c.body.account.id, vehicleId: v.body.vehicle.id };
  }
  const issue = (c: { customerId: number; vehicleId: number }) =>
    send(clerk, 'post', '/api/v1/cards', {
      customerId: c.customerId,
      vehicleId: c.vehicleId,
      cardType: 23,
      payment: { method: 'cash' },
    });
  const setLimit = (
    accountId: number,
    creditLimit: number,
    reason = 'annual review of the fleet',
    auth = supervisor.auth,
  ) => send(auth, 'post', `/api/v1/accounts/${accountId}/credit-limit`, { creditLimit, reason });

  it('refuses a debit-account card on a debit account without a limit; once a supervisor sets one it is issued', async () => {
    const h = await harness();
    const c = await debitCustomer();
    await refused(() => issue(c), 409, 'credit-limit-required');
    const set = await setLimit(c.accountId, 20000);
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual(
      [set.body.account.creditLimit, set.body.change.fromLimit, set.body.change.toLimit, set.body.change.changedBy],
      [20000, 0, 20000, `user:${supervisor.username}`],
    );
    const card = await issue(c);
    assert.equal(card.status, 201, JSON.stringify(card.body));
    const history = await send(clerk, 'get', `/api/v1/accounts/${c.accountId}/credit-limit-changes`);
    assert.deepEqual(
      history.body.changes.map((x: any) => [x.fromLimit, x.toLimit, x.reason]),
      [[0, 20000, 'annual review of the fleet']],
    );
    const trail = await h.app
      .db('audit_log')
      .where({ entity: 'account', entity_id: String(c.accountId), action: 'account.credit-limit' })
      .pluck('detail');
    assert.equal(trail.length, 1);
    // the history is append-only
    await assert.rejects(h.app.db('credit_limit_changes').where({ account_id: c.accountId }).update({ to_limit: 1 }));
  });

  it('refuses clerks, short reasons, limits out of bounds, prepaid accounts and no-op changes', async () => {
    const h = await harness();
    const c = await debitCustomer();
    const ceiling = Number(h.app.config.money.creditLimitCeiling);
    await refused(() => setLimit(c.accountId, 5000, 'because', clerk), 403, 'forbidden');
    await refused(() => setLimit(c.accountId, 5000, 'ok'), 400, 'invalid-request', 'reason');
    await refused(() => setLimit(c.accountId, -1), 422, 'amount-out-of-range', 'creditLimit');
    await refused(() => setLimit(c.accountId, ceiling + 1), 422, 'amount-out-of-range', 'creditLimit');
    await refused(() => setLimit(c.accountId, 1e15), 422, 'amount-out-of-range', 'creditLimit');
    await refused(() => setLimit(c.accountId, 0), 409, 'conflict', 'creditLimit');
    await refused(() => setLimit(999999999, 100), 404, 'account-not-found');
    const prepaid = await customerWithVehicle(clerk);
    await refused(() => setLimit(prepaid.accountId, 100), 409, 'account-not-debit');
    // opening is bounded too
    await refused(
      () =>
        send(supervisor.auth, 'post', '/api/v1/customers', {
          kind: 'personal',
          name: unique('赵六'),
          idType: 1,
          idNumber: residentId(),
          phone: mobile(),
          account: { kind: 'debit', creditLimit: ceiling + 1 },
        }),
      422,
      'amount-out-of-range',
      'account.creditLimit',
    );
  });

  it('a lower limit that leaves the account overdrawn lists its cards at the next publish; a raise that covers it takes them off', async () => {
    const h = await harness();
    const c = await debitCustomer();
    assert.equal((await setLimit(c.accountId, 10000)).status, 200);
    const cardNo = (await issue(c)).body.card.cardNo as string;
    // tolls charged to the account: 6000 owed, within the 10000 limit
    await owe(c.accountId, 6000n);
    await tick();
    assert.equal(await listed(cardNo), false);

    const lowered = await setLimit(c.accountId, 5000, 'payments came late twice');
    assert.equal(lowered.status, 200, JSON.stringify(lowered.body));
    const raised = await h.app.db('lifecycle_outbox').where({ medium_id: cardNo, event: 'card-overdrawn' });
    assert.equal(raised.length, 1);
    assert.deepEqual([raised[0].payload.balance, raised[0].payload.creditLimit], ['-6000', '5000']);
    await tick();
    assert.equal(await listed(cardNo), true, 'listed as overdrawn at the next publish');

    const covered = await setLimit(c.accountId, 8000, 'customer explained the delay');
    assert.equal(covered.status, 200, JSON.stringify(covered.body));
    assert.equal(
      (await h.app.db('lifecycle_outbox').where({ medium_id: cardNo, event: 'card-overdraft-cleared' })).length,
      1,
    );
    await tick();
    assert.equal(await listed(cardNo), false, 'off the list once covered');

    // a change that keeps the state raises nothing
    assert.equal((await setLimit(c.accountId, 9000, 'raised a little more')).status, 200);
    assert.equal(
      (await h.app.db('lifecycle_outbox').where({ medium_id: cardNo })).length,
      3,
      'issued, overdrawn, cleared',
    );
  });

  it('a counter deposit that covers an overdrawn debit account takes its cards off at the next publish', async () => {
    const h = await harness();
    const c = await debitCustomer();
    assert.equal((await setLimit(c.accountId, 5000)).status, 200);
    const cardNo = (await issue(c)).body.card.cardNo as string;
    await owe(c.accountId, 6000n);
    // 6000 owed, past the limit: the next toll would list the cards; a lower limit judges it now
    assert.equal((await setLimit(c.accountId, 4000, 'owes more than the limit')).status, 200);
    await tick();
    assert.equal(await listed(cardNo), true, 'listed as overdrawn');

    // a deposit of 1500 leaves 4500 owed, still past the 4000 limit: nothing changes
    const h2 = await harness();
    const pay = (amount: number) =>
      request(h2.http)
        .post(`/api/v1/accounts/${c.accountId}/deposits`)
        .set('Authorization', clerk)
        .set('Idempotency-Key', unique('pay'))
        .send({ amount, method: 'cash' });
    assert.equal((await pay(1500)).status, 201);
    assert.equal(
      (await h.app.db('lifecycle_outbox').where({ medium_id: cardNo, event: 'card-overdraft-cleared' })).length,
      0,
    );
    // 1000 more: 3500 owed, within the limit: cleared in the deposit's transaction, off at the next publish
    const covered = await pay(1000);
    assert.equal(covered.status, 201, JSON.stringify(covered.body));
    assert.equal(covered.body.balance, -3500);
    assert.equal(
      (await h.app.db('lifecycle_outbox').where({ medium_id: cardNo, event: 'card-overdraft-cleared' })).length,
      1,
    );
    await tick();
    assert.equal(await listed(cardNo), false, 'off the list once the deposit covers it');
  });
});
