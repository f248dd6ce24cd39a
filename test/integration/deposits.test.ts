// Deposits into prepaid accounts: one balanced entry each; an Idempotency-Key from staff too (a
// double submit posts once); per-method limits; large deposits wait for a second person; the
// same-day four-eyes reversal of a mistaken one, posted as its own balanced entry. Every refusal
// changes nothing.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import request from 'supertest';
import { customerFundsCode, entriesFor, postEntry } from '../../src/modules/ledger/index.ts';
import { inTransaction } from '../../src/platform/db/transaction.ts';
import { customerWithVehicle } from '../helpers/fixtures.ts';
import { fingerprint, harness, loginAs, unique } from '../helpers/harness.ts';
import { assertLedgerHolds, journal } from '../helpers/ledger.ts';

type Res = { status: number; body: any; headers?: Record<string, string> };
const letters = (n: number, set = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789') =>
  Array.from({ length: n }, () => set[randomInt(set.length)]).join('');

async function post(auth: string, path: string, body?: unknown, key: string | null = unique('k')): Promise<Res> {
  const h = await harness();
  let r = request(h.http).post(path).set('Authorization', auth);
  if (key) r = r.set('Idempotency-Key', key);
  return body === undefined ? r : r.send(body as object);
}
async function get(auth: string, path: string): Promise<Res> {
  const h = await harness();
  return request(h.http).get(path).set('Authorization', auth);
}

async function refused(call: () => Promise<Res>, status: number, code: string, field?: string): Promise<Res> {
  const before = await fingerprint();
  const res = await call();
  assert.deepEqual([res.status, res.body.error?.code], [status, code], JSON.stringify(res.body));
  if (field) assert.equal(res.body.error.field, field);
  assert.deepEqual(await fingerprint(), before, `${code} changed nothing`);
  return res;
}

async function balance(auth: string, accountId: number): Promise<number> {
  return (await get(auth, `/api/v1/accounts/${accountId}`)).body.account.balance;
}

describe('account deposits', () => {
  let clerk: string;
  let supervisor: { auth: string; username: string };
  let supervisor2: { auth: string; username: string };
  let accountId: number;

  before(async () => {
    const c = await loginAs('clerk');
    clerk = c.auth;
    supervisor = await loginAs('supervisor');
    supervisor2 = await loginAs('supervisor');
    accountId = (await customerWithVehicle(clerk)).accountId;
  });
  afterEach(assertLedgerHolds);

  it('posts one balanced entry; the balance equals the deposits', async () => {
    const h = await harness();
    const res = await post(clerk, `/api/v1/accounts/${accountId}/deposits`, {
      amount: 50000,
      method: 'cash',
      reference: 'receipt 0001',
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual([res.body.balance, res.body.deposit.status], [50000, 'posted']);
    const postings = await entriesFor(h.app.db, 'account-deposit', String(res.body.deposit.id));
    assert.deepEqual(
      postings.map((p) => [p.account, p.amount]),
      [
        ['counter-cash', 50000n],
        [customerFundsCode(BigInt(accountId)), -50000n],
      ],
    );
    const pos = await post(clerk, `/api/v1/accounts/${accountId}/deposits`, { amount: 1234, method: 'pos' });
    assert.equal(pos.status, 201, JSON.stringify(pos.body));
    assert.equal(await balance(clerk, accountId), 51234);
  });

  it('refuses bad input, unknown accounts and other roles, changing nothing; a debit account takes a deposit', async () => {
    const path = `/api/v1/accounts/${accountId}/deposits`;
    await refused(() => post(clerk, path, { amount: 0, method: 'cash' }), 400, 'invalid-request', 'amount');
    await refused(() => post(clerk, path, { amount: 1.5, method: 'cash' }), 400, 'invalid-request', 'amount');
    await refused(() => post(clerk, path, { amount: 100, method: 'cheque' }), 400, 'invalid-request', 'method');
    await refused(
      () => post(clerk, path, { amount: 100, method: 'pos', reference: 'TX1\n2' }),
      400,
      'invalid-request',
      'reference',
    );
    await refused(
      () => post(clerk, '/api/v1/accounts/999999999/deposits', { amount: 100, method: 'cash' }),
      404,
      'account-not-found',
    );
    const h = await harness();
    const debit = await request(h.http)
      .post('/api/v1/customers')
      .set('Authorization', supervisor.auth)
      .send({
        kind: 'corporate',
        name: unique('Wanjiang Logistics '),
        registrationNumber: letters(18),
        contactPerson: 'Li Si',
        contactPhone: '13800000000',
        account: { kind: 'debit', creditLimit: 100000 },
      });
    assert.equal(debit.status, 201, JSON.stringify(debit.body));
    // a debit account takes deposits too: they pay what it owes
    const paid = await post(clerk, `/api/v1/accounts/${debit.body.account.id}/deposits`, {
      amount: 100,
      method: 'cash',
    });
    assert.deepEqual([paid.status, paid.body.balance], [201, 100], JSON.stringify(paid.body));
    const finance = (await loginAs('finance')).auth;
    await refused(() => post(finance, path, { amount: 100, method: 'cash' }), 403, 'forbidden');
  });

  it('a staff deposit needs an Idempotency-Key: without one 400; the same key replays; another body is 409', async () => {
    const h = await harness();
    const path = `/api/v1/accounts/${accountId}/deposits`;
    await refused(
      () => post(clerk, path, { amount: 700, method: 'cash' }, null),
      400,
      'idempotency-key-required',
      'Idempotency-Key',
    );
    const key = unique('dep');
    const first = await post(clerk, path, { amount: 700, method: 'cash' }, key);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const before = await fingerprint();
    const again = await post(clerk, path, { amount: 700, method: 'cash' }, key);
    assert.deepEqual([again.status, again.headers?.['idempotent-replayed'], again.body], [201, 'true', first.body]);
    assert.deepEqual(await fingerprint(), before, 'a replay changes nothing');
    await refused(() => post(clerk, path, { amount: 7000, method: 'cash' }, key), 409, 'idempotency-conflict');
    const entries = await h.app
      .db('journal_entries')
      .where({ kind: 'account-deposit', reference: String(first.body.deposit.id) });
    assert.equal(entries.length, 1);
  });

  it('refuses amounts above the per-method limit (422 amount-out-of-range), such as 10^15 fen', async () => {
    const h = await harness();
    const { cash, pos } = h.app.config.money.depositLimits;
    assert.ok(cash < pos, 'the defaults let a card terminal take more than the till');
    const path = `/api/v1/accounts/${accountId}/deposits`;
    for (const [amount, method] of [
      [1e15, 'cash'],
      [Number(cash) + 1, 'cash'],
      [Number(pos) + 1, 'pos'],
    ] as const)
      await refused(() => post(clerk, path, { amount, method }), 422, 'amount-out-of-range', 'amount');
  });

  it('a deposit above the approval threshold waits for a second person; approving posts it, rejecting moves nothing', async () => {
    const h = await harness();
    const threshold = Number(h.app.config.money.depositApprovalThreshold);
    const start = await balance(clerk, accountId);
    const path = `/api/v1/accounts/${accountId}/deposits`;
    const big = await post(supervisor.auth, path, { amount: threshold + 1, method: 'pos' });
    assert.equal(big.status, 201, JSON.stringify(big.body));
    assert.deepEqual([big.body.deposit.status, big.body.balance], ['pending', start]);
    const id = big.body.deposit.id;
    assert.deepEqual(await journal('account-deposit', String(id)), {}, 'no money moved yet');
    const pending = await get(supervisor2.auth, '/api/v1/deposits?status=pending');
    assert.ok(pending.body.deposits.some((d: any) => d.id === id));

    await refused(() => post(clerk, `/api/v1/deposits/${id}/approve`, {}), 403, 'forbidden');
    await refused(() => post(supervisor.auth, `/api/v1/deposits/${id}/approve`, {}), 409, 'four-eyes-required');
    await refused(
      () => post(supervisor2.auth, `/api/v1/deposits/${id}/approve`, {}, null),
      400,
      'idempotency-key-required',
    );
    const approved = await post(supervisor2.auth, `/api/v1/deposits/${id}/approve`, { reason: 'receipt checked' });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.deepEqual(
      [approved.body.deposit.status, approved.body.deposit.decidedBy, approved.body.balance],
      ['posted', `user:${supervisor2.username}`, start + threshold + 1],
    );
    assert.deepEqual(await journal('account-deposit', String(id)), {
      'counter-pos': BigInt(threshold + 1),
      [customerFundsCode(BigInt(accountId))]: -BigInt(threshold + 1),
    });
    await refused(() => post(supervisor.auth, `/api/v1/deposits/${id}/approve`, {}), 409, 'deposit-state-conflict');
    await refused(
      () => post(supervisor2.auth, `/api/v1/deposits/${id}/reject`, { reason: 'late' }),
      409,
      'deposit-state-conflict',
    );

    const other = await post(clerk, path, { amount: threshold + 2, method: 'cash' });
    assert.equal(other.body.deposit.status, 'pending');
    await refused(
      () => post(supervisor.auth, `/api/v1/deposits/${other.body.deposit.id}/reject`, {}),
      400,
      'invalid-request',
    );
    const rejected = await post(supervisor.auth, `/api/v1/deposits/${other.body.deposit.id}/reject`, {
      reason: 'customer changed mind',
    });
    assert.deepEqual([rejected.status, rejected.body.deposit.status], [200, 'rejected']);
    assert.equal(await balance(clerk, accountId), start + threshold + 1);
    assert.deepEqual(await journal('account-deposit', String(other.body.deposit.id)), {});
    await refused(() => post(supervisor2.auth, '/api/v1/deposits/999999999/approve', {}), 404, 'deposit-not-found');
    const trail = await h.app
      .db('audit_log')
      .where({ entity: 'account', entity_id: String(accountId) })
      .whereIn('action', ['account.deposit-pending', 'account.deposit-approve', 'account.deposit-reject'])
      .pluck('action');
    assert.deepEqual(trail.sort(), [
      'account.deposit-approve',
      'account.deposit-pending',
      'account.deposit-pending',
      'account.deposit-reject',
    ]);
  });
});

describe('reversing a mistaken deposit', () => {
  let clerk: { auth: string; username: string };
  let supervisor: { auth: string; username: string };
  let supervisor2: { auth: string; username: string };

  before(async () => {
    clerk = await loginAs('clerk');
    supervisor = await loginAs('supervisor');
    supervisor2 = await loginAs('supervisor');
  });
  afterEach(assertLedgerHolds);

  async function deposited(amount: number, method: 'cash' | 'pos' = 'cash') {
    const { accountId } = await customerWithVehicle(clerk.auth);
    const res = await post(clerk.auth, `/api/v1/accounts/${accountId}/deposits`, { amount, method });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return { accountId, depositId: res.body.deposit.id as number };
  }

  it('a clerk asks, another person approves: one entry mirrors the deposit, once', async () => {
    const h = await harness();
    const { accountId, depositId } = await deposited(8800, 'pos');
    await refused(
      () => post(clerk.auth, `/api/v1/deposits/${depositId}/reversal`, {}),
      400,
      'invalid-request',
      'reason',
    );
    const asked = await post(clerk.auth, `/api/v1/deposits/${depositId}/reversal`, { reason: 'wrong account' });
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    assert.deepEqual(
      [asked.body.reversal.status, asked.body.reversal.requestedBy],
      ['requested', `user:${clerk.username}`],
    );
    await refused(
      () => post(clerk.auth, `/api/v1/deposits/${depositId}/reversal`, { reason: 'again' }),
      409,
      'deposit-reversal-exists',
    );
    await refused(() => post(clerk.auth, `/api/v1/deposits/${depositId}/reversal/approve`, {}), 403, 'forbidden');
    await refused(
      () => post(supervisor.auth, `/api/v1/deposits/${depositId}/reversal/approve`, {}, null),
      400,
      'idempotency-key-required',
    );
    const done = await post(supervisor.auth, `/api/v1/deposits/${depositId}/reversal/approve`, {});
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.deepEqual([done.body.reversal.status, done.body.balance], ['approved', 0]);
    assert.deepEqual(await journal('account-deposit-reversal', String(depositId)), {
      [customerFundsCode(BigInt(accountId))]: 8800n,
      'counter-pos': -8800n,
    });
    await refused(
      () => post(supervisor2.auth, `/api/v1/deposits/${depositId}/reversal/approve`, {}),
      404,
      'deposit-reversal-not-found',
    );
    await refused(
      () => post(clerk.auth, `/api/v1/deposits/${depositId}/reversal`, { reason: 'and again' }),
      409,
      'deposit-reversal-exists',
    );
    const shown = await get(clerk.auth, `/api/v1/deposits/${depositId}`);
    assert.deepEqual(
      shown.body.reversals.map((r: any) => [r.status, r.decidedBy]),
      [['approved', `user:${supervisor.username}`]],
    );
    const trail = await h.app
      .db('audit_log')
      .where({ entity: 'account', entity_id: String(accountId) })
      .where('action', 'like', 'account.deposit-reversal%')
      .orderBy('id')
      .pluck('action');
    assert.deepEqual(trail, ['account.deposit-reversal-request', 'account.deposit-reversal-approve']);
  });

  it('four eyes: whoever asked may not approve; a rejected request may be asked again', async () => {
    const { depositId } = await deposited(500);
    const asked = await post(supervisor.auth, `/api/v1/deposits/${depositId}/reversal`, { reason: 'typo' });
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    await refused(
      () => post(supervisor.auth, `/api/v1/deposits/${depositId}/reversal/approve`, {}),
      409,
      'four-eyes-required',
    );
    const no = await post(supervisor2.auth, `/api/v1/deposits/${depositId}/reversal/reject`, {
      reason: 'deposit was right',
    });
    assert.deepEqual([no.status, no.body.reversal.status, no.body.balance], [200, 'rejected', 500]);
    assert.deepEqual(await journal('account-deposit-reversal', String(depositId)), {});
    const again = await post(clerk.auth, `/api/v1/deposits/${depositId}/reversal`, {
      reason: 'it was wrong after all',
    });
    assert.equal(again.status, 201, JSON.stringify(again.body));
  });

  it('refuses once the money is spent (409 deposit-already-spent) and after the day (409 deposit-reversal-too-late)', async () => {
    const h = await harness();
    const { accountId, depositId } = await deposited(3000);
    // the customer spends part of it (as a toll charged to the account would)
    await inTransaction(h.app.db, (trx) =>
      postEntry(trx, {
        kind: 'test-spend',
        reference: unique('spend'),
        actor: 'test',
        postings: [
          { account: customerFundsCode(BigInt(accountId)), amount: 1000n },
          { account: 'counter-cash', amount: -1000n },
        ],
      }),
    );
    await refused(
      () => post(clerk.auth, `/api/v1/deposits/${depositId}/reversal`, { reason: 'wrong account' }),
      409,
      'deposit-already-spent',
    );

    const late = await deposited(400);
    const asked = await post(clerk.auth, `/api/v1/deposits/${late.depositId}/reversal`, { reason: 'wrong account' });
    assert.equal(asked.status, 201);
    const realNow = h.clock.now();
    try {
      h.clock.advance(24 * 3600 * 1000);
      const nextDay = (await loginAs('supervisor')).auth; // sessions last hours, not days
      await refused(
        () => post(nextDay, `/api/v1/deposits/${late.depositId}/reversal/approve`, {}),
        409,
        'deposit-reversal-too-late',
      );
    } finally {
      h.clock.set(realNow);
    }
    const pending = await post(supervisor.auth, `/api/v1/accounts/${late.accountId}/deposits`, {
      amount: Number(h.app.config.money.depositApprovalThreshold) + 1,
      method: 'cash',
    });
    await refused(
      () => post(clerk.auth, `/api/v1/deposits/${pending.body.deposit.id}/reversal`, { reason: 'not posted' }),
      409,
      'deposit-state-conflict',
    );
    await refused(
      () => post(clerk.auth, '/api/v1/deposits/999999999/reversal', { reason: 'x1' }),
      404,
      'deposit-not-found',
    );
  });
});
