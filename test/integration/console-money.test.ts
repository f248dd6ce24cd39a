// Console reads of money: an account statement (JSON, CSV, PDF) whose running balance comes from
// the ledger's postings, and a clerk's till for the day.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { fingerprint, harness, loginAs, newClient, signed, type TestClient } from '../helpers/harness.ts';
import { customerWithVehicle, type CustomerFixture } from '../helpers/fixtures.ts';
import { counterInit, testMasters } from '../helpers/loads.ts';
import { controller, dayTariff, testLanes, tripTxs, upload } from '../helpers/lanes.ts';
import { assertLedgerHolds } from '../helpers/ledger.ts';
import { VirtualCard, type MasterKeys } from '../../lanes-sim/card/virtual-card.ts';
import type { LaneSpec } from '../../lanes-sim/traffic/lane.ts';
import { localDate } from '../../src/platform/clock/clock.ts';
import { statementResponse } from '../../src/modules/customers/index.ts';
import { accountStatement } from '../../src/modules/customers/statement.ts';
import { statementPdf } from '../../src/modules/customers/statement-pdf.ts';
import { tillResponse } from '../../src/modules/hall/index.ts';

const KV = 174;
const MIN = 60_000;
const DAY = 24 * 60 * MIN;

describe('console reads: account statement and till', () => {
  let clerk: string;
  let bank: TestClient;
  let masters: MasterKeys;
  let lanes: LaneSpec[];
  let realNow: Date;

  before(async () => {
    const h = await harness();
    realNow = h.clock.now();
    clerk = (await loginAs('clerk')).auth;
    bank = await newClient('bank');
    masters = await testMasters(KV);
    lanes = await testLanes();
  });
  after(async () => (await harness()).clock.set(realNow));
  afterEach(assertLedgerHolds);

  const get = async (auth: string, path: string) =>
    request((await harness()).http)
      .get(path)
      .set('Authorization', auth);
  const post = async (auth: string, path: string, body: object) =>
    request((await harness()).http)
      .post(path)
      .set('Authorization', auth)
      .set('Idempotency-Key', randomUUID())
      .send(body);

  async function issue(auth: string, f: CustomerFixture, cardType: 22 | 23): Promise<VirtualCard> {
    const res = await post(auth, '/api/v1/cards', {
      customerId: f.customerId,
      vehicleId: f.vehicleId,
      cardType,
      payment: { method: 'cash' },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return new VirtualCard({
      cardNo: res.body.card.cardNo,
      masters,
      keyVersion: KV,
      balance: cardType === 23 ? 4_000_000_000 : 0,
    });
  }

  // an entry dated in the past, as an older deposit would be (postEntry always dates entries now)
  async function pastDeposit(accountId: number, amount: bigint, at: Date): Promise<void> {
    const h = await harness();
    await h.app.db.transaction(async (trx) => {
      const [e] = await trx('journal_entries')
        .insert({ kind: 'test-old-deposit', reference: `${accountId}:${at.getTime()}`, actor: 'test', created_at: at })
        .returning('id');
      const ids = new Map(
        (await trx('ledger_accounts').whereIn('code', ['counter-cash', `customer-funds:${accountId}`])).map((r) => [
          r.code,
          r.id,
        ]),
      );
      await trx('postings').insert([
        { entry_id: e.id, account_id: ids.get('counter-cash'), amount },
        { entry_id: e.id, account_id: ids.get(`customer-funds:${accountId}`), amount: -amount },
      ]);
    });
  }

  it('gives the opening balance, every movement with its running balance and the closing balance from the ledger, as JSON, CSV and PDF', async () => {
    const h = await harness();
    const f = await customerWithVehicle(clerk);
    const now = new Date();
    await pastDeposit(f.accountId, 1_500n, new Date(now.getTime() - 3 * DAY));
    await post(clerk, `/api/v1/accounts/${f.accountId}/deposits`, { amount: 50_000, method: 'cash' }).then((r) =>
      assert.equal(r.status, 201, JSON.stringify(r.body)),
    );
    await post(clerk, `/api/v1/accounts/${f.accountId}/deposits`, { amount: 20_000, method: 'pos' });
    // a debit-account card charges its tolls to the account
    const t0 = h.clock.now();
    const card = await issue(clerk, f, 23);
    const tariff = await dayTariff(clerk, localDate(t0));
    const entry = controller(
      lanes.find((l) => l.station === 340102 && l.direction === 'entry')!,
      masters,
    );
    const exit = controller(
      lanes.find((l) => l.station === 340106 && l.direction === 'exit')!,
      masters,
    );
    const [en, ex] = tripTxs(
      card,
      entry,
      exit,
      tariff,
      new Date(t0.getTime() + 10 * MIN),
      new Date(t0.getTime() + 50 * MIN),
      {
        cardType: 23,
      },
    );
    h.clock.set(new Date(t0.getTime() + 60 * MIN));
    const up = await upload(exit.spec.laneId, [en, ex]);
    assert.deepEqual(
      up.body.results.map((r: { disposition: string }) => r.disposition),
      ['accepted', 'accepted'],
    );
    h.clock.set(t0);

    const from = localDate(new Date(now.getTime() - DAY));
    const to = localDate(new Date(now.getTime() + DAY));
    const res = await get(clerk, `/api/v1/accounts/${f.accountId}/statement?from=${from}&to=${to}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    statementResponse.parse(res.body);
    const s = res.body;
    assert.deepEqual([s.from, s.to, s.account.id, s.customer.id], [from, to, f.accountId, f.customerId]);
    assert.equal(s.openingBalance, 1_500, 'the deposit three days ago is before the period');
    assert.deepEqual(
      s.movements.map((m: { amount: number }) => m.amount),
      [50_000, 20_000, -ex.amount],
    );
    assert.deepEqual(
      s.movements.map((m: { kind: string }) => m.kind),
      ['account-deposit', 'account-deposit', 'lane-purchase'],
    );
    assert.deepEqual(
      s.movements.map((m: { balance: number }) => m.balance),
      [51_500, 71_500, 71_500 - ex.amount],
    );
    assert.deepEqual([s.totalIn, s.totalOut, s.count], [70_000, ex.amount, 3]);
    // the closing balance is the account's balance, and the ledger's own sum of its postings
    const account = await get(clerk, `/api/v1/accounts/${f.accountId}`);
    assert.equal(s.closingBalance, account.body.account.balance);
    const [{ sum }] = (
      await h.app.db.raw(
        `select sum(p.amount) from postings p join ledger_accounts a on a.id = p.account_id where a.code = ?`,
        [`customer-funds:${f.accountId}`],
      )
    ).rows;
    assert.equal(BigInt(s.closingBalance), -BigInt(sum));
    assert.ok(!JSON.stringify(s).includes(f.idNumber) && !JSON.stringify(s).includes(f.phone), 'masked only');

    // a page keeps the running balance of the whole period
    const page = await get(clerk, `/api/v1/accounts/${f.accountId}/statement?from=${from}&to=${to}&limit=1&offset=1`);
    assert.deepEqual(page.body.movements, [s.movements[1]]);
    assert.deepEqual(
      [page.body.openingBalance, page.body.closingBalance, page.body.page.hasMore],
      [1_500, s.closingBalance, true],
    );
    // the older period: opening 0, the old deposit, closing 1 500
    const old = localDate(new Date(now.getTime() - 3 * DAY));
    const before = await get(clerk, `/api/v1/accounts/${f.accountId}/statement?from=${old}&to=${old}`);
    assert.deepEqual(
      [before.body.openingBalance, before.body.movements.length, before.body.closingBalance],
      [0, 1, 1_500],
    );

    const csv = await get(clerk, `/api/v1/accounts/${f.accountId}/statement?from=${from}&to=${to}&format=csv`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers['content-type'], /^text\/csv/);
    assert.match(csv.headers['content-disposition'], /attachment; filename="statement-\d+-.*\.csv"/);
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    assert.ok(lines.includes('customer,张三'));
    assert.ok(lines.includes('opening balance (yuan),15.00'));
    assert.ok(lines.includes(`closing balance (yuan),${(s.closingBalance / 100).toFixed(2)}`));
    const rows = lines.slice(lines.indexOf('') + 2);
    assert.equal(rows.length, 3);
    assert.deepEqual(
      rows.map((r) => r.split(',').slice(-2).map(Number)),
      s.movements.map((m: { amount: number; balance: number }) => [m.amount, m.balance]),
    );

    const pdf = await request(h.http)
      .get(`/api/v1/accounts/${f.accountId}/statement?from=${from}&to=${to}&format=pdf`)
      .set('Authorization', clerk)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    const body = pdf.body as Buffer;
    assert.equal(body.subarray(0, 5).toString(), '%PDF-');
    assert.match(body.toString('latin1'), /\/FontName \/[A-Z]{6}\+NotoSansCJK/, 'a CJK font is embedded (subset)');
    // on a machine without a CJK font the statement still comes out, in a built-in font
    const fallback = await statementPdf(
      await accountStatement(h.app.db, BigInt(f.accountId), { from, to }, null),
      null,
    );
    assert.equal(fallback.subarray(0, 5).toString(), '%PDF-');
    assert.match(fallback.toString('latin1'), /\/BaseFont \/Helvetica/);
    assert.doesNotMatch(fallback.toString('latin1'), /NotoSansCJK/);
  });

  it('refuses other roles (403), unknown accounts (404) and bad periods or formats (400), changing nothing', async () => {
    const f = await customerWithVehicle(clerk);
    const finance = (await loginAs('finance')).auth;
    const before = await fingerprint();
    const path = `/api/v1/accounts/${f.accountId}/statement`;
    const r1 = await get(finance, path);
    assert.deepEqual([r1.status, r1.body.error.code], [403, 'forbidden']);
    const r2 = await signed(bank, 'get', path);
    assert.deepEqual([r2.status, r2.body.error.code], [403, 'forbidden']);
    const r3 = await get(clerk, '/api/v1/accounts/999999999/statement');
    assert.deepEqual([r3.status, r3.body.error.code], [404, 'account-not-found']);
    for (const q of [
      'from=2026-13-01',
      'from=2026-03-02&to=2026-03-01',
      'format=xml',
      'limit=501',
      'offset=-1',
      'x=1',
    ]) {
      const r = await get(clerk, `${path}?${q}`);
      assert.deepEqual([r.status, r.body.error.code], [400, 'invalid-request'], q);
    }
    assert.deepEqual(await fingerprint(), before);
  });

  it("gives a clerk's till for the day: taken by method, paid out, operations; a clerk sees only their own", async () => {
    const h = await harness();
    const { auth: me, username } = await loginAs('clerk');
    const { auth: supervisor, username: supName } = await loginAs('supervisor');
    const f = await customerWithVehicle(me);
    await post(me, `/api/v1/accounts/${f.accountId}/deposits`, { amount: 30_000, method: 'cash' });
    await post(me, `/api/v1/accounts/${f.accountId}/deposits`, { amount: 5_000, method: 'pos' });
    const obu = await post(me, '/api/v1/obus', {
      customerId: f.customerId,
      vehicleId: f.vehicleId,
      payment: { method: 'pos' },
    });
    assert.equal(obu.status, 201, JSON.stringify(obu.body));
    const obuPrice = obu.body.fee.price as number;
    assert.ok(obuPrice > 0);
    const card = await issue(me, f, 22);
    const init = await counterInit(me, card, 10_000, 'cash');
    assert.equal(init.status, 201, JSON.stringify(init.body));
    const { tac } = card.creditForLoad(init.body.hostDate, init.body.hostTime, init.body.mac2);
    await post(me, `/api/v1/channel/loads/${init.body.loadId}/confirm`, { tac }).then((r) =>
      assert.equal(r.status, 200),
    );
    const req = await post(me, `/api/v1/cards/${card.cardNo}/cancellation-requests`, {
      reason: 'customer moves abroad',
      refundMethod: 'cash',
    });
    assert.equal(req.status, 201, JSON.stringify(req.body));
    const approved = await post(supervisor, `/api/v1/card-cancellations/${req.body.request.id}/approve`, {
      note: 'checked',
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));

    // the journal's days of these entries (two if the test ran over midnight): the till is the sum
    const days = async (actor: string) =>
      [
        ...new Set(
          (await h.app.db('journal_entries').where({ actor }).select('created_at')).map((r) => localDate(r.created_at)),
        ),
      ].sort();
    const sumTill = async (auth: string, who: string) => {
      const total = { cash: 0, pos: 0, outCash: 0, count: 0, ops: [] as Array<Record<string, any>> };
      for (const d of await days(`user:${who}`)) {
        const r = await get(auth, `/api/v1/tills/${d}?clerk=${who}`);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        tillResponse.parse(r.body);
        assert.equal(r.body.clerk.username, who);
        assert.equal(r.body.net, r.body.taken - r.body.paidOut);
        total.cash += r.body.takenByMethod.cash;
        total.pos += r.body.takenByMethod.pos;
        total.outCash += r.body.paidOutByMethod.cash;
        total.count += r.body.operationCount;
        total.ops.push(...r.body.operations);
      }
      return total;
    };
    const mine = await sumTill(me, username);
    assert.deepEqual([mine.cash, mine.pos, mine.outCash, mine.count], [40_000, 5_000 + obuPrice, 0, 4]);
    assert.deepEqual(
      mine.ops.map((o) => [o.kind, o.method, o.amount]).sort(),
      [
        ['account-deposit', 'cash', 30_000],
        ['account-deposit', 'pos', 5_000],
        ['issuance-fee', 'pos', obuPrice],
        ['load-authorise', 'cash', 10_000],
      ].sort(),
    );
    // the supervisor who approved the cash refund paid it out of the counter
    const sup = await sumTill(supervisor, supName);
    assert.deepEqual([sup.cash, sup.pos, sup.outCash, sup.count], [0, 0, 10_000, 1]);
    assert.deepEqual(
      sup.ops.map((o) => [o.kind, o.method, o.amount]),
      [['card-refund', 'cash', -10_000]],
    );
    // a supervisor reads the clerk's till as the clerk does
    const today = (await days(`user:${username}`))[0];
    const asClerk = await get(me, `/api/v1/tills/${today}`);
    const asSupervisor = await get(supervisor, `/api/v1/tills/${today}?clerk=${username}`);
    assert.deepEqual(asSupervisor.body, asClerk.body);
    const paged = await get(me, `/api/v1/tills/${today}?limit=1&offset=1`);
    assert.deepEqual(paged.body.operations, asClerk.body.operations.slice(1, 2));
    assert.equal(paged.body.operationCount, asClerk.body.operationCount);

    // refusals, changing nothing
    const other = (await loginAs('clerk')).auth;
    const finance = (await loginAs('finance')).auth;
    const snapshot = await fingerprint();
    const foreign = await get(other, `/api/v1/tills/${today}?clerk=${username}`);
    assert.deepEqual([foreign.status, foreign.body.error.code], [403, 'forbidden']);
    const empty = await get(other, `/api/v1/tills/${today}`);
    assert.deepEqual([empty.status, empty.body.operationCount, empty.body.taken], [200, 0, 0]);
    const unknown = await get(supervisor, `/api/v1/tills/${today}?clerk=nobody-here`);
    assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'user-not-found']);
    const fin = await get(finance, `/api/v1/tills/${today}`);
    assert.deepEqual([fin.status, fin.body.error.code], [403, 'forbidden']);
    const b = await signed(bank, 'get', `/api/v1/tills/${today}`);
    assert.deepEqual([b.status, b.body.error.code], [403, 'forbidden']);
    for (const path of [
      '/api/v1/tills/2026-02-30',
      '/api/v1/tills/today',
      `/api/v1/tills/${today}?limit=0`,
      `/api/v1/tills/${today}?clerk=${username}%0Dx`,
    ]) {
      const r = await get(supervisor, path);
      assert.deepEqual([r.status, r.body.error.code], [400, 'invalid-request'], path);
    }
    assert.deepEqual(await fingerprint(), snapshot);
  });
});
