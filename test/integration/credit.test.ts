// Credit through the API: write-offs with two approvals by people other than the proposer, posted to
// customer-bad-debt; grade upgrades one at a time with another's approval; payments oldest bill first;
// matching by amount; account managers' portfolios and visit logs, only their own. Refusals change nothing.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { fingerprint, harness, loginAs } from '../helpers/harness.ts';
import { assertLedgerHolds } from '../helpers/ledger.ts';
import { mobile, residentId } from '../helpers/fixtures.ts';
import { openBillsWithAmount, payBillsFromCredit } from '../../src/modules/credit/index.ts';
import { providePoolFacts } from '../../src/modules/portfolio/index.ts';
import { balanceOf, customerFundsCode } from '../../src/modules/ledger/index.ts';
import { inTransaction } from '../../src/platform/db/transaction.ts';

type Res = { status: number; body: any };

describe('credit: write-offs, grades, payments and portfolios', () => {
  afterEach(assertLedgerHolds);

  async function send(auth: string, method: 'get' | 'post' | 'put', path: string, body?: object): Promise<Res> {
    const h = await harness();
    const r = request(h.http)[method](path).set('Authorization', auth);
    if (method !== 'get') r.set('Idempotency-Key', randomBytes(8).toString('hex'));
    return body ? r.send(body) : r;
  }
  async function refused(call: () => Promise<Res>, status: number, code: string) {
    const before = await fingerprint();
    const res = await call();
    assert.deepEqual([res.status, res.body.error?.code], [status, code], JSON.stringify(res.body));
    assert.deepEqual(await fingerprint(), before, `${code} changed nothing`);
  }
  // a debit customer with bills as the bill run makes them (the run itself: test/simulation/credit-month)
  async function debitWithBills(amounts: bigint[]) {
    const h = await harness();
    const supervisor = (await loginAs('supervisor')).auth;
    const c = await send(supervisor, 'post', '/api/v1/customers', {
      kind: 'personal',
      name: '张三',
      idType: 1,
      idNumber: residentId(),
      phone: mobile(),
      account: { kind: 'debit', creditLimit: 1_000_000 },
    });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    const accountId = c.body.account.id as number;
    const customerId = c.body.customer.id as number;
    const ids: number[] = [];
    for (const [i, amount] of amounts.entries()) {
      const [row] = await h.app
        .db('credit_bills')
        .insert({
          account_id: accountId,
          customer_id: customerId,
          period_start: `2020-0${i + 1}-01`,
          period_end: `2020-0${i + 2}-01`,
          due_date: `2020-0${i + 2}-16`,
          amount,
          issued_at: new Date(),
        })
        .returning('id');
      ids.push(Number(row.id));
    }
    return { accountId, customerId, billIds: ids };
  }
  const bill = async (id: number) =>
    (await send((await loginAs('clerk')).auth, 'get', `/api/v1/bills/${id}`)).body.bill;

  it('writes off bad debt with two approvals by two people other than the proposer, into customer-bad-debt', async () => {
    const h = await harness();
    const { accountId, billIds } = await debitWithBills([70_000n]);
    const proposer = (await loginAs('finance')).auth;
    await refused(
      () => send(proposer, 'post', `/api/v1/bills/${billIds[0]}/write-offs`, { amount: 70_001, reason: 'debtor gone' }),
      422,
      'write-off-exceeds-outstanding',
    );
    const p = await send(proposer, 'post', `/api/v1/bills/${billIds[0]}/write-offs`, {
      amount: 70_000,
      reason: 'company dissolved',
    });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    const id = p.body.writeOff.id;
    // finance's lists name the customer: the write-off with its bill, the ageing row
    const listed = await send(proposer, 'get', '/api/v1/credit/write-offs?state=proposed');
    const row = listed.body.writeOffs.find((w: { id: number }) => w.id === id);
    assert.deepEqual(
      [row.customerName, row.accountId, row.periodStart, row.billOutstanding, row.amount],
      ['张三', accountId, '2020-01-01', 70_000, 70_000],
    );
    const ageing = await send(proposer, 'get', '/api/v1/credit/ageing');
    const aged = ageing.body.rows.find((r: { accountId: number }) => r.accountId === accountId);
    assert.deepEqual([aged.customerName, aged.over90], ['张三', 70_000]);
    await refused(
      () => send(proposer, 'post', `/api/v1/bills/${billIds[0]}/write-offs`, { amount: 1, reason: 'second try' }),
      409,
      'write-off-open',
    );
    const decide = (auth: string, decision = 'approve') =>
      send(auth, 'post', `/api/v1/credit/write-offs/${id}/decision`, { decision });
    await refused(() => decide(proposer), 409, 'write-off-four-eyes');
    const first = (await loginAs('supervisor')).auth;
    const once = await decide(first);
    assert.equal(once.body.writeOff.state, 'approved-once', JSON.stringify(once.body));
    assert.equal((await bill(billIds[0]!)).writtenOff, 0, 'one approval moves nothing');
    await refused(() => decide(first), 409, 'write-off-four-eyes');
    const badDebtBefore = await balanceOf(h.app.db, 'customer-bad-debt');
    const fundsBefore = await balanceOf(h.app.db, customerFundsCode(BigInt(accountId)));
    const posted = await decide((await loginAs('finance')).auth);
    assert.equal(posted.body.writeOff.state, 'posted', JSON.stringify(posted.body));
    assert.equal((await balanceOf(h.app.db, 'customer-bad-debt')) - badDebtBefore, 70_000n);
    assert.equal((await balanceOf(h.app.db, customerFundsCode(BigInt(accountId)))) - fundsBefore, -70_000n);
    const b = await bill(billIds[0]!);
    assert.deepEqual([b.writtenOff, b.outstanding, b.settledAt !== null], [70_000, 0, true]);
    const late = (await loginAs('supervisor')).auth;
    await refused(() => decide(late), 409, 'write-off-state-conflict');
    await refused(
      () => send(proposer, 'post', `/api/v1/bills/${billIds[0]}/write-offs`, { amount: 1, reason: 'once more' }),
      409,
      'bill-settled',
    );
    const trail = await h.app
      .db('audit_log')
      .where({ entity: 'credit-write-off', entity_id: String(id) })
      .pluck('action');
    assert.deepEqual(trail.sort(), [
      'credit.write-off-approve',
      'credit.write-off-approve',
      'credit.write-off-propose',
    ]);
  });

  it('pays open bills oldest first from a credit; a partial payment leaves the bill open; matches by exact amount', async () => {
    const h = await harness();
    const { accountId, customerId, billIds } = await debitWithBills([12_345n, 20_000n]);
    const matches = await openBillsWithAmount(h.app.db, 12_345n);
    assert.ok(matches.some((m) => m.billId === String(billIds[0]) && m.accountId === String(accountId)));
    const pay = (amountFen: bigint) =>
      inTransaction(h.app.db, (trx) =>
        payBillsFromCredit(trx, {
          accountId: String(accountId),
          customerId: String(customerId),
          amountFen,
          source: 'transfer',
          reference: 'TX',
          at: h.clock.now(),
        }),
      );
    await pay(15_000n);
    assert.equal((await bill(billIds[0]!)).outstanding, 0);
    assert.equal((await bill(billIds[1]!)).outstanding, 20_000 - 2_655);
    assert.deepEqual(
      await openBillsWithAmount(h.app.db, 12_345n).then((m) => m.filter((x) => x.accountId === String(accountId))),
      [],
    );
  });

  it('upgrades one grade at a time, proposed after review and approved by someone else', async () => {
    const h = await harness();
    const { accountId } = await debitWithBills([]);
    const proposer = (await loginAs('supervisor')).auth;
    await refused(
      () => send(proposer, 'post', `/api/v1/accounts/${accountId}/credit-grade/upgrade`, { note: 'reviewed Q3' }),
      409,
      'upgrade-not-allowed',
    );
    await h.app.db('credit_grades').insert({ account_id: accountId, grade: 'C', changed_at: new Date() });
    const p = await send(proposer, 'post', `/api/v1/accounts/${accountId}/credit-grade/upgrade`, {
      note: 'reviewed Q3',
    });
    assert.equal(p.status, 200, JSON.stringify(p.body));
    const review = async () =>
      (await send(proposer, 'get', '/api/v1/credit/grades')).body.accounts.find(
        (a: { accountId: number }) => a.accountId === accountId,
      );
    const pending = await review();
    assert.deepEqual(
      [pending.customerName, pending.grade, pending.pending?.toGrade, pending.pending?.note],
      ['张三', 'C', 'B', 'reviewed Q3'],
    );
    await refused(
      () => send(proposer, 'post', `/api/v1/accounts/${accountId}/credit-grade/upgrade`, { note: 'reviewed Q3' }),
      409,
      'upgrade-not-allowed',
    );
    await refused(
      () =>
        send(proposer, 'post', `/api/v1/accounts/${accountId}/credit-grade/upgrade/decision`, {
          decision: 'approve',
          note: 'looks fine',
        }),
      409,
      'write-off-four-eyes',
    );
    const d = await send(
      (await loginAs('supervisor')).auth,
      'post',
      `/api/v1/accounts/${accountId}/credit-grade/upgrade/decision`,
      {
        decision: 'approve',
        note: 'paid on time all year',
      },
    );
    assert.equal(d.body.grade, 'B', 'one grade, not straight to A');
    const after = await review();
    assert.deepEqual([after.grade, after.pending], ['B', null], 'still below A, nothing pending');
    assert.deepEqual(
      d.body.history.map((e: { kind: string; fromGrade: string; toGrade: string }) => [e.kind, e.fromGrade, e.toGrade]),
      [
        ['upgrade-proposed', 'C', 'B'],
        ['upgrade-approved', 'C', 'B'],
      ],
    );
  });

  it('shows an account manager their own portfolio only, with bills and ageing; visits are logged', async () => {
    const { customerId, accountId, billIds } = await debitWithBills([50_000n]);
    const supervisor = (await loginAs('supervisor')).auth;
    const mine = await loginAs('account-manager');
    const other = await loginAs('account-manager');
    const clerkId = Number((await loginAs('clerk')).userId);
    await refused(
      () =>
        send(supervisor, 'put', `/api/v1/portfolio/assignments/${customerId}`, {
          managerId: clerkId,
          segment: 'freight',
        }),
      404,
      'manager-not-found',
    );
    const a = await send(supervisor, 'put', `/api/v1/portfolio/assignments/${customerId}`, {
      managerId: Number(mine.userId),
      segment: 'freight',
    });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    const view = await send(mine.auth, 'get', '/api/v1/portfolio');
    assert.equal(view.status, 200, JSON.stringify(view.body));
    const row = view.body.customers.find((c: { customerId: number }) => c.customerId === customerId);
    assert.equal(row.segment, 'freight');
    assert.equal(row.accountId, accountId);
    // corporate's pools as the centre wires them: nothing allocated to this customer yet
    assert.deepEqual(row.pool, { poolFen: 0, allocatedFen: 0, vehicles: 0 });
    assert.deepEqual(
      row.bills.map((b: { id: number }) => b.id),
      billIds,
    );
    assert.equal(row.ageing.total, 50_000);
    assert.ok(row.ageing.over90 === 50_000, 'a bill due in 2020 is over 90 days');
    assert.deepEqual((await send(other.auth, 'get', '/api/v1/portfolio')).body.customers, []);
    const visit = { visitedOn: '2026-11-20', visitedBy: '李经理', notes: '讨论车队扩容', nextVisit: '2026-12-20' };
    // a bill of the portfolio: the manager reads it, another manager does not
    assert.equal((await send(mine.auth, 'get', `/api/v1/bills/${billIds[0]}`)).status, 200);
    await refused(
      () => send(other.auth, 'get', `/api/v1/bills/${billIds[0]}/document?format=csv`),
      403,
      'not-in-portfolio',
    );
    await refused(
      () => send(other.auth, 'post', `/api/v1/portfolio/customers/${customerId}/visits`, visit),
      403,
      'not-in-portfolio',
    );
    await refused(
      () =>
        send(mine.auth, 'post', `/api/v1/portfolio/customers/${customerId}/visits`, {
          ...visit,
          nextVisit: '2026-01-01',
        }),
      400,
      'invalid-request',
    );
    await refused(
      () =>
        send(mine.auth, 'post', `/api/v1/portfolio/customers/${customerId}/visits`, {
          ...visit,
          visitedBy: '李经理\n王经理',
        }),
      400,
      'invalid-request',
    );
    const v = await send(mine.auth, 'post', `/api/v1/portfolio/customers/${customerId}/visits`, visit);
    assert.equal(v.status, 201, JSON.stringify(v.body));
    const log = await send(mine.auth, 'get', `/api/v1/portfolio/customers/${customerId}/visits`);
    assert.deepEqual(
      log.body.visits.map((x: { notes: string; nextVisit: string }) => [x.notes, x.nextVisit]),
      [['讨论车队扩容', '2026-12-20']],
    );
    const wired = providePoolFacts(
      async (_db, ids) => new Map(ids.map((id) => [id, { poolFen: 900_000n, allocatedFen: 300_000n, vehicles: 3 }])),
    );
    try {
      const withPool = (await send(mine.auth, 'get', '/api/v1/portfolio')).body.customers[0];
      assert.deepEqual(withPool.pool, { poolFen: 900_000, allocatedFen: 300_000, vehicles: 3 });
      assert.equal(withPool.nextVisit, '2026-12-20');
    } finally {
      providePoolFacts(wired);
    }
  });
});
