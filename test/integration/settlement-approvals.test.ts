// Settlements with provinces and payouts to road operators: approve, then settle or pay, each posting
// one balanced bank entry in the same transaction; every refusal (wrong state, unknown, bad input,
// wrong role) changes nothing.
import assert from 'node:assert/strict';
import { fingerprint, harness, loginAs } from '../helpers/harness.ts';
import { assertLedgerHolds, journal } from '../helpers/ledger.ts';
import { approveAndSettle, settlementDay, staffGet, staffPost, type Day } from '../helpers/settlement.ts';
import { balanceOf, checkLedger } from '../../src/modules/ledger/index.ts';

describe('settlements and payouts', () => {
  let finance: { auth: string; username: string };
  let admin: string;
  let adminUser: { auth: string; username: string };
  let auditor: string;
  let clerk: string;
  let day: Day;

  before(async () => {
    finance = await loginAs('finance');
    adminUser = await loginAs('admin');
    admin = adminUser.auth;
    auditor = (await loginAs('auditor')).auth;
    clerk = (await loginAs('clerk')).auth;
    // 3201 owes us 1234.56 and we owe it 234.56: net +1000.00; with 3601 we are net −73.45
    day = await settlementDay(
      [
        { network: '3201', receivable: 123456n, payable: 23456n },
        { network: '3601', receivable: 5000n, payable: 12345n },
      ],
      [{ '3201': 100000n, '3601': 5000n }, { '3201': 23456n }],
    );
  });
  afterEach(assertLedgerHolds);

  async function refused(call: () => Promise<{ status: number; body: any }>, status: number, code: string) {
    const before = await fingerprint();
    const res = await call();
    assert.deepEqual([res.status, res.body.error?.code], [status, code], JSON.stringify(res.body));
    assert.deepEqual(await fingerprint(), before, `${code} changed nothing`);
    return res;
  }

  it('lists the settlements of a date with their totals', async () => {
    const res = await staffGet(auditor, `/api/v1/settlements?date=${day.date}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.settlements.map((s: any) => [s.network, s.receivable, s.payable, s.net, s.state]),
      [
        ['3201', 123456, 23456, 100000, 'draft'],
        ['3601', 5000, 12345, -7345, 'draft'],
      ],
    );
    assert.deepEqual(res.body.totals, {
      count: 2,
      receivable: 128456,
      payable: 35801,
      net: 92655,
      byState: { draft: 2, approved: 0, settled: 0 },
    });
    const one = await staffGet(finance.auth, `/api/v1/settlements/${day.date}/3601`);
    assert.deepEqual([one.status, one.body.settlement.net], [200, -7345]);
  });

  it('settling before approval is refused (409) and changes nothing; unknown settlements are 404', async () => {
    await refused(
      () =>
        staffPost(finance.auth, `/api/v1/settlements/${day.date}/3201/settle`, { bankReference: 'TX-1' }, 'k-early'),
      409,
      'settlement-not-approved',
    );
    await refused(
      () => staffPost(finance.auth, `/api/v1/settlements/${day.date}/9999/approve`),
      404,
      'settlement-not-found',
    );
    await refused(
      () => staffPost(finance.auth, `/api/v1/settlements/2039-12-31/3201/settle`, { bankReference: 'TX-1' }, 'k-none'),
      404,
      'settlement-not-found',
    );
    assert.equal((await staffGet(finance.auth, `/api/v1/settlements/${day.date}/9999`)).status, 404);
  });

  it('refuses bad input (400) and roles that may not decide (403)', async () => {
    const bad = await refused(
      () => staffPost(finance.auth, `/api/v1/settlements/${day.date}/32A1/approve`),
      400,
      'invalid-request',
    );
    assert.equal(bad.body.error.field, 'network');
    assert.equal(
      (
        await refused(
          () => staffPost(finance.auth, `/api/v1/settlements/${day.date}/3201/settle`, {}, 'k-bad-1'),
          400,
          'invalid-request',
        )
      ).body.error.field,
      'bankReference',
    );
    assert.equal(
      (
        await refused(
          () =>
            staffPost(
              finance.auth,
              `/api/v1/settlements/${day.date}/3201/settle`,
              { bankReference: 'X', amount: 1 },
              'k-bad-2',
            ),
          400,
          'invalid-request',
        )
      ).body.error.field,
      'amount',
    );
    await refused(() => staffPost(auditor, `/api/v1/settlements/${day.date}/3201/approve`), 403, 'forbidden');
    await refused(
      () => staffPost(clerk, `/api/v1/payouts/${day.date}/${day.operators[0].id}/approve`),
      403,
      'forbidden',
    );
    assert.equal((await staffGet(clerk, `/api/v1/settlements?date=${day.date}`)).status, 403);
    for (const q of [
      `date=${day.date}&from=${day.date}&to=${day.date}`,
      `from=${day.date}`,
      'from=2030-02-01&to=2030-01-31',
      'from=2030-01-01&to=2031-01-02',
      'date=2030-02-30',
      '',
    ]) {
      assert.equal((await staffGet(finance.auth, `/api/v1/settlements?${q}`)).status, 400, q);
    }
  });

  it('approve then settle a province that owes us posts one entry: payable and receivable cleared, the net into the clearing bank', async () => {
    const h = await harness();
    const bankBefore = await balanceOf(h.app.db, 'clearing-bank');
    const approved = await staffPost(finance.auth, `/api/v1/settlements/${day.date}/3201/approve`);
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.deepEqual(
      [approved.body.settlement.state, approved.body.settlement.approvedBy],
      ['approved', `user:${finance.username}`],
    );
    await refused(
      () => staffPost(admin, `/api/v1/settlements/${day.date}/3201/approve`),
      409,
      'settlement-already-approved',
    );

    // four eyes: the approver may not settle, and a money movement needs an Idempotency-Key
    await refused(
      () => staffPost(finance.auth, `/api/v1/settlements/${day.date}/3201/settle`, { bankReference: 'SELF' }, 'k-self'),
      409,
      'four-eyes-required',
    );
    await refused(
      () => staffPost(admin, `/api/v1/settlements/${day.date}/3201/settle`, { bankReference: 'NO-KEY' }),
      400,
      'idempotency-key-required',
    );
    const settled = await staffPost(
      admin,
      `/api/v1/settlements/${day.date}/3201/settle`,
      { bankReference: ' CNAPS-2030-0001 ' },
      'k-settle-3201',
    );
    assert.equal(settled.status, 200, JSON.stringify(settled.body));
    assert.equal(settled.body.settlement.state, 'settled');
    assert.equal(settled.body.settlement.bankReference, 'CNAPS-2030-0001');
    assert.deepEqual(
      [settled.body.settlement.approvedBy, settled.body.settlement.settledBy],
      [`user:${finance.username}`, `user:${adminUser.username}`],
    );
    assert.ok(settled.body.entryId);
    assert.deepEqual(await journal('interchange-settlement', `settlement:${day.date}:3201`), {
      'province-payable:3201': 23456n,
      'province-receivable:3201': -123456n,
      'clearing-bank': 100000n,
    });
    assert.equal(await balanceOf(h.app.db, 'clearing-bank'), bankBefore + 100000n);
    const trail = await h.app
      .db('audit_log')
      .where({ entity: 'settlement', entity_id: `${day.date}:3201` })
      .orderBy('id')
      .pluck('action');
    assert.deepEqual(trail, ['settlement.approve', 'settlement.settle']);

    await refused(
      () => staffPost(finance.auth, `/api/v1/settlements/${day.date}/3201/settle`, { bankReference: 'again' }, 'k-2'),
      409,
      'settlement-already-settled',
    );
    await refused(
      () => staffPost(finance.auth, `/api/v1/settlements/${day.date}/3201/approve`),
      409,
      'settlement-already-settled',
    );
  });

  it('a negative net goes out of the clearing bank; an Idempotency-Key replays the first answer', async () => {
    const h = await harness();
    await staffPost(finance.auth, `/api/v1/settlements/${day.date}/3601/approve`).then((r) =>
      assert.equal(r.status, 200),
    );
    const path = `/api/v1/settlements/${day.date}/3601/settle`;
    const second = await loginAs('finance');
    const first = await staffPost(second.auth, path, { bankReference: 'CNAPS-OUT-7' }, 'settle-3601-once');
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const before = await fingerprint();
    const again = await staffPost(second.auth, path, { bankReference: 'CNAPS-OUT-7' }, 'settle-3601-once');
    const conflict = await staffPost(second.auth, path, { bankReference: 'CNAPS-OUT-8' }, 'settle-3601-once');
    assert.deepEqual([conflict.status, conflict.body.error.code], [409, 'idempotency-conflict']);
    assert.deepEqual([again.status, again.headers['idempotent-replayed'], again.body], [200, 'true', first.body]);
    assert.deepEqual(await fingerprint(), before);
    assert.deepEqual(await journal('interchange-settlement', `settlement:${day.date}:3601`), {
      'province-payable:3601': 12345n,
      'province-receivable:3601': -5000n,
      'clearing-bank': -7345n,
    });
    const list = await staffGet(finance.auth, `/api/v1/settlements?from=${day.date}&to=${day.date}&state=settled`);
    assert.deepEqual(list.body.totals.byState, { draft: 0, approved: 0, settled: 2 });
    assert.equal(
      (
        await h.app
          .db('journal_entries')
          .where({ kind: 'interchange-settlement', reference: `settlement:${day.date}:3601` })
      ).length,
      1,
    );
  });

  it('skips zero postings: only a payable posts two lines, nothing to move posts no entry', async () => {
    const d = await settlementDay(
      [
        { network: '4101', receivable: 0n, payable: 5000n },
        { network: '4201', receivable: 0n, payable: 0n },
      ],
      [],
    );
    await approveAndSettle(finance.auth, d.date, '4101');
    assert.deepEqual(await journal('interchange-settlement', `settlement:${d.date}:4101`), {
      'province-payable:4101': 5000n,
      'clearing-bank': -5000n,
    });
    await staffPost(finance.auth, `/api/v1/settlements/${d.date}/4201/approve`);
    const none = await staffPost(
      admin,
      `/api/v1/settlements/${d.date}/4201/settle`,
      { bankReference: 'NOTHING-MOVED' },
      'k-4201',
    );
    assert.deepEqual([none.status, none.body.entryId, none.body.settlement.state], [200, null, 'settled']);
    assert.deepEqual(await journal('interchange-settlement', `settlement:${d.date}:4201`), {});
  });

  it('lists payouts with totals and shows one with its lines by source', async () => {
    const [a, b] = day.operators;
    const list = await staffGet(auditor, `/api/v1/payouts?date=${day.date}`);
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.deepEqual(
      list.body.payouts.map((p: any) => [p.operatorId, p.amount, p.ownAmount, p.interchangeAmount, p.state]).sort(),
      [
        [a.id, 105000, 0, 105000, 'draft'],
        [b.id, 23456, 0, 23456, 'draft'],
      ].sort(),
    );
    assert.equal(list.body.totals.amount, 128456);
    const one = await staffGet(finance.auth, `/api/v1/payouts/${day.date}/${a.id}`);
    assert.equal(one.status, 200, JSON.stringify(one.body));
    assert.deepEqual(
      one.body.lines.map((l: any) => [l.source, l.amount]),
      [
        ['province:3201', 100000],
        ['province:3601', 5000],
      ],
    );
    assert.equal((await staffGet(finance.auth, `/api/v1/payouts/${day.date}/OP-NOSUCH`)).status, 404);
    assert.equal((await staffGet(finance.auth, `/api/v1/payouts/${day.date}/op-lower`)).status, 400);
  });

  it('approve then pay a payout clears the operator payable out of the clearing bank; paying twice is refused', async () => {
    const h = await harness();
    const op = day.operators[0];
    await refused(
      () => staffPost(finance.auth, `/api/v1/payouts/${day.date}/${op.id}/pay`, { bankReference: 'EARLY' }, 'k-p1'),
      409,
      'payout-not-approved',
    );
    await refused(
      () => staffPost(finance.auth, `/api/v1/payouts/${day.date}/OP-NOSUCH/approve`),
      404,
      'payout-not-found',
    );
    assert.equal(await balanceOf(h.app.db, `operator-payable:${op.id}`), -105000n);
    await staffPost(finance.auth, `/api/v1/payouts/${day.date}/${op.id}/approve`).then((r) =>
      assert.equal(r.status, 200, JSON.stringify(r.body)),
    );
    await refused(
      () => staffPost(finance.auth, `/api/v1/payouts/${day.date}/${op.id}/pay`, { bankReference: 'SELF' }, 'k-p2'),
      409,
      'four-eyes-required',
    );
    const ref = 'CNAPS-PAY-1';
    const paid = await staffPost(admin, `/api/v1/payouts/${day.date}/${op.id}/pay`, { bankReference: ref }, 'k-p3');
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    assert.deepEqual(await journal('operator-payout', `payout:${day.date}:${op.id}`), {
      [`operator-payable:${op.id}`]: 105000n,
      'clearing-bank': -105000n,
    });
    assert.equal(await balanceOf(h.app.db, `operator-payable:${op.id}`), 0n);
    const shown = await staffGet(finance.auth, `/api/v1/payouts/${day.date}/${op.id}`);
    assert.deepEqual(
      [shown.body.payout.state, shown.body.payout.bankReference, shown.body.payout.paidBy],
      ['paid', ref, `user:${adminUser.username}`],
    );
    await refused(
      () => staffPost(finance.auth, `/api/v1/payouts/${day.date}/${op.id}/pay`, { bankReference: 'TWICE' }, 'k-p4'),
      409,
      'payout-already-paid',
    );
    await refused(() => staffPost(admin, `/api/v1/payouts/${day.date}/${op.id}/approve`), 409, 'payout-already-paid');
    await staffPost(admin, `/api/v1/payouts/${day.date}/${day.operators[1].id}/approve`);
    await refused(
      () => staffPost(admin, `/api/v1/payouts/${day.date}/${day.operators[1].id}/approve`),
      409,
      'payout-already-approved',
    );
    const trail = await h.app
      .db('audit_log')
      .where({ entity: 'operator_payout', entity_id: `${day.date}:${op.id}` })
      .orderBy('id')
      .pluck('action');
    assert.deepEqual(trail, ['payout.approve', 'payout.pay']);
  });

  it('the ledger check names a settlement marked settled, or a payout marked paid, without its bank entry', async () => {
    const h = await harness();
    const d = await settlementDay([{ network: '4301', receivable: 900n, payable: 100n }], [{ '4301': 900n }]);
    const undo = new Error('undo');
    await h.app.db
      .transaction(async (trx) => {
        await trx('settlements')
          .where({ clearing_date: d.date, network: '4301' })
          .update({ state: 'settled', settled_at: h.clock.now(), settled_by: 'test', bank_reference: 'X' });
        await trx('operator_payouts')
          .where({ clearing_date: d.date, operator_id: d.operators[0].id })
          .update({ state: 'paid', paid_at: h.clock.now(), paid_by: 'test', bank_reference: 'Y' });
        const found = (await checkLedger(trx)).failures
          .filter((f) => f.check.startsWith('settled settlements and paid payouts'))
          .map((f) => f.detail)
          .sort();
        assert.deepEqual(found, [
          `payout:${d.date}:${d.operators[0].id}: clearing-bank movement due -900, posted none`,
          `settlement:${d.date}:4301: clearing-bank movement due 800, posted none`,
        ]);
        throw undo;
      })
      .catch((err) => {
        if (err !== undo) throw err;
      });
  });
});
