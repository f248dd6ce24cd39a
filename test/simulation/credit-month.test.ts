// A debit-account fleet of 200 vehicles through three months of lane traffic (lanes-sim controllers
// and virtual cards): the bill run bills each month by vehicle; the first bill paid late gives a
// warning; the second, unpaid past the grace, lists all 200 cards ("overdrawn / arrears") and, paid
// late, downgrades the grade and halves the limit; the payment takes the cards off at the next publish.
// Beside it a corporate stored-value fleet of 200 vehicles: its pool paid by transfer, allocated to
// every vehicle from a CSV, cards loading from their allocations, the daily replenishment topping the
// drained vehicles back up (once a day) and the account manager told when the pool runs low.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { fingerprint, harness, loginAs } from '../helpers/harness.ts';
import { assertLedgerHolds } from '../helpers/ledger.ts';
import { mobile, plate, residentId } from '../helpers/fixtures.ts';
import { testMasters } from '../helpers/loads.ts';
import { controller, testLanes, upload } from '../helpers/lanes.ts';
import { VirtualCard, type MasterKeys } from '../../lanes-sim/card/virtual-card.ts';
import type { LaneSpec, Vehicle, WireTransaction } from '../../lanes-sim/traffic/lane.ts';
import { LaneTariff } from '../../lanes-sim/traffic/tariff.ts';
import { billRun, dailySweep, payBillsFromCredit } from '../../src/modules/credit/index.ts';
import { publisherTick } from '../../src/modules/statuslist/index.ts';
import { inTransaction } from '../../src/platform/db/transaction.ts';
import { notificationsByKeyPrefix } from '../../src/modules/notifications/index.ts';
import { replenishAll } from '../../src/modules/corporate/index.ts';
import { digest } from '../helpers/digest.ts';
import { journal } from '../helpers/ledger.ts';
import { issueStoredValueCard, loadFromAllocation, storedValueFleet } from './stored-value-fleet.ts';

const KV = 132;
const DAY = 86_400_000;
const FLEET = 200;

describe('a month-by-month simulation of a 200-vehicle debit fleet', function () {
  this.timeout(900_000);
  let realNow: Date;
  let masters: MasterKeys;
  let lanes: LaneSpec[];
  let months: Date[]; // the 1st of three consecutive months, far from other tests' days
  let customerId: number;
  let accountId: number;
  // what each month's traffic charged the fleet's account
  const chargedByMonth: bigint[] = [];
  const cards: Array<{ card: VirtualCard; vehicle: Vehicle }> = [];

  const at = (month: number, day: number, hour = 10) =>
    new Date(Date.UTC(months[month]!.getUTCFullYear(), months[month]!.getUTCMonth(), day, hour));
  async function setClock(d: Date) {
    (await harness()).clock.set(d);
  }
  async function staff(role: 'clerk' | 'supervisor' | 'finance') {
    return (await loginAs(role)).auth; // sessions expire: log in at the simulated time
  }
  async function api(auth: string, method: 'get' | 'post' | 'put', path: string, body?: object, key?: string) {
    const h = await harness();
    const r = request(h.http)[method](path).set('Authorization', auth);
    if (key) r.set('Idempotency-Key', key);
    return body ? r.send(body) : r;
  }

  before(async () => {
    const h = await harness();
    realNow = h.clock.now();
    masters = await testMasters(KV);
    lanes = await testLanes();
    const base = new Date(realNow.getTime() + 400 * DAY);
    months = [0, 1, 2, 3].map((m) => new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth() + m, 1)));
    await setClock(at(0, 1, 2));
    const supervisor = await staff('supervisor');
    const clerk = await staff('clerk');
    const c = await api(supervisor, 'post', '/api/v1/customers', {
      kind: 'personal',
      name: '皖运物流',
      idType: 1,
      idNumber: residentId(),
      phone: mobile(),
      account: { kind: 'debit', creditLimit: 20_000_000 },
    });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    customerId = c.body.customer.id;
    accountId = c.body.account.id;
    for (let i = 0; i < FLEET; i++) {
      const p = plate();
      const v = await api(clerk, 'post', `/api/v1/customers/${customerId}/vehicles`, {
        plate: p,
        plateColor: 0,
        vehicleClass: 1,
      });
      assert.equal(v.status, 201, JSON.stringify(v.body));
      const issued = await api(clerk, 'post', '/api/v1/cards', {
        customerId,
        vehicleId: v.body.vehicle.id,
        cardType: 23,
        payment: { method: 'cash' },
      });
      assert.equal(issued.status, 201, JSON.stringify(issued.body));
      const cardNo = issued.body.card.cardNo as string;
      cards.push({
        card: new VirtualCard({ cardNo, masters, keyVersion: KV, balance: 4_000_000_000 }),
        vehicle: {
          plate: p,
          plateColor: 0,
          vehicleClass: 1,
          obuId: `34019${randomBytes(6).readUIntBE(0, 5) % 1e11}`.padEnd(16, '0'),
          cardType: 23,
        },
      });
    }
  });
  after(async () => (await harness()).clock.set(realNow));
  afterEach(assertLedgerHolds);

  // One trip per vehicle on `day` of `month`, uploaded by the exit lanes. Returns the total charged.
  async function monthOfTraffic(month: number, day: number): Promise<bigint> {
    const h = await harness();
    const start = at(month, day, 0);
    await setClock(start);
    const auth = await staff('clerk');
    const date = start.toISOString().slice(0, 10);
    const network = (await api(auth, 'get', `/api/v1/network?date=${date}`)).body;
    const discounts = (await api(auth, 'get', '/api/v1/network/discounts')).body;
    const tariff = new LaneTariff(network, discounts);
    const lane = (station: number, direction: 'entry' | 'exit') =>
      controller(
        lanes.find((l) => l.station === station && l.direction === direction)!,
        masters,
      );
    const routes: Array<[number, number]> = [
      [340102, 340104],
      [340104, 340201],
      [340102, 340106],
      [340201, 340204],
    ];
    const byExit = new Map<string, WireTransaction[]>();
    let total = 0n;
    const controllers = routes.map(([a, b]) => ({ entry: lane(a, 'entry'), exit: lane(b, 'exit') }));
    cards.forEach(({ card, vehicle }, i) => {
      const { entry, exit } = controllers[i % controllers.length]!;
      const t0 = new Date(start.getTime() + (60 + (i % 600)) * 60_000);
      const e = entry.entry(card, vehicle, t0);
      const charge = tariff.charge(entry.spec.station, exit.spec.station, vehicle.vehicleClass, true);
      const x = exit.exit(card, vehicle, new Date(t0.getTime() + 50 * 60_000), e.point, {
        ...charge,
        sendSections: false,
      });
      total += BigInt(x.amount);
      const list = byExit.get(exit.spec.laneId) ?? [];
      list.push(e.tx, x);
      byExit.set(exit.spec.laneId, list);
    });
    await setClock(new Date(start.getTime() + 20 * 3600_000));
    for (const [laneId, txs] of byExit)
      for (let i = 0; i < txs.length; i += 100) {
        const res = await upload(laneId, txs.slice(i, i + 100));
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.ok(res.body.results.every((r: { disposition: string }) => r.disposition === 'accepted'));
      }
    const charged = await h.app
      .db('lane_transactions')
      .where({ account_id: accountId, disposition: 'accepted', clearing_date: date })
      .sum({ s: 'amount' })
      .first();
    assert.equal(BigInt(charged!.s), total, 'every trip of the day charged to the fleet account');
    return total;
  }

  async function runBillsOn(month: number) {
    const h = await harness();
    await setClock(at(month, 1, 1));
    await billRun(h.app);
    const before = await fingerprint();
    await billRun(h.app); // the job again (a second process, a retry): nothing more
    assert.deepEqual(await fingerprint(), before, 'a second bill run changes nothing');
    const bills = (await api(await staff('finance'), 'get', `/api/v1/accounts/${accountId}/bills`)).body.bills;
    return bills[0];
  }

  async function listed(reason = 4) {
    const h = await harness();
    const { rows } = await h.app.db.raw(
      `select medium_id, (array_agg(action order by id desc))[1] as last
         from status_list_changes where medium = 'card' and reason = ? and state = 'published'
          and medium_id = any(?) group by medium_id`,
      [reason, cards.map((c) => c.card.cardNo)],
    );
    return rows.filter((r: { last: string }) => r.last === 'enter').length;
  }

  async function grade() {
    return (await api(await staff('clerk'), 'get', `/api/v1/accounts/${accountId}/credit-grade`)).body;
  }

  it('bills month one by vehicle; paid late by transfer within the grace: a warning, no listing', async () => {
    const h = await harness();
    const charged = await monthOfTraffic(0, 6);
    chargedByMonth.push(charged);
    const bill = await runBillsOn(1);
    assert.equal(BigInt(bill.amount), charged);
    assert.equal(bill.periodStart, at(0, 1).toISOString().slice(0, 10));
    assert.equal(bill.dueDate, at(1, 16).toISOString().slice(0, 10), 'due 15 days after the period');
    const detail = (await api(await staff('clerk'), 'get', `/api/v1/bills/${bill.id}`)).body;
    assert.equal(detail.lines.length, FLEET, 'one line per vehicle');
    assert.ok(detail.lines.every((l: { trips: number }) => l.trips === 2));
    const csv = await api(await staff('clerk'), 'get', `/api/v1/bills/${bill.id}/document?format=csv`);
    assert.equal(csv.status, 200);
    assert.equal(csv.text.trim().split('\n').length, 4 + FLEET);
    const pdf = await api(await staff('clerk'), 'get', `/api/v1/bills/${bill.id}/document`);
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');

    // the due date passes: a reminder at the due date, one on entering 1–30
    // (the sweep covers every account of the database; this fleet's bill is counted by its own messages)
    const reminders = async () => (await notificationsByKeyPrefix(h.app.db, `credit.bill:${bill.id}:`)).length;
    await setClock(at(1, 16, 3));
    await dailySweep(h.app);
    assert.equal(await reminders(), 1);
    await setClock(at(1, 20, 3));
    await dailySweep(h.app);
    assert.equal(await reminders(), 2);
    await publisherTick(h.app);
    assert.equal(await listed(), 0, 'within the grace: no arrears');
    const ageing = (await api(await staff('finance'), 'get', '/api/v1/credit/ageing')).body;
    const mine = ageing.rows.find((r: { accountId: number }) => r.accountId === accountId);
    assert.equal(BigInt(mine.d1to30), charged);
    assert.ok(BigInt(ageing.total.total) >= charged);

    // paid by a matched transfer (corporate's watcher): the bill settles late → a warning
    await inTransaction(h.app.db, (trx) =>
      payBillsFromCredit(trx, {
        accountId: String(accountId),
        customerId: String(customerId),
        amountFen: charged + 500n,
        source: 'transfer',
        reference: 'BANK-TX-1',
        at: h.clock.now(),
      }),
    );
    const after = (await api(await staff('clerk'), 'get', `/api/v1/bills/${bill.id}`)).body.bill;
    assert.deepEqual([after.outstanding, after.paid], [0, Number(charged)], 'the rest stays on the account');
    const g = await grade();
    assert.equal(g.grade, 'A');
    assert.deepEqual(
      g.history.map((e: { kind: string; billId: number }) => [e.kind, e.billId]),
      [['warning', bill.id]],
    );
    assert.equal(await listed(), 0);
  });

  it('month two unpaid past the grace lists all 200 cards; paid late by counter deposits: a downgrade, a lower limit, off the list', async () => {
    const h = await harness();
    const charged = await monthOfTraffic(1, 9);
    chargedByMonth.push(charged);
    const bill = await runBillsOn(2);
    assert.equal(BigInt(bill.amount), charged);
    await setClock(at(2, 28, 3)); // due on the 16th + 10 days' grace: past it
    const sweep = await dailySweep(h.app);
    assert.ok(sweep.entered >= 1, 'this account (at least) enters arrears');
    await publisherTick(h.app);
    assert.equal(await listed(), FLEET, 'every card of the account is on the list as overdrawn / arrears');
    const again = await dailySweep(h.app);
    assert.deepEqual([again.entered, again.left], [0, 0], 'the sweep again changes nothing');

    // the fleet pays at the counter in deposits of at most 10 000 yuan: a partial one leaves the bill open
    const clerk = await staff('clerk');
    let due = BigInt((await api(clerk, 'get', `/api/v1/bills/${bill.id}`)).body.bill.outstanding);
    const first = due > 1_000_000n ? 1_000_000n : due - 1n;
    let r = await api(
      clerk,
      'post',
      `/api/v1/accounts/${accountId}/deposits`,
      { amount: Number(first), method: 'cash' },
      randomBytes(8).toString('hex'),
    );
    assert.equal(r.status, 201, JSON.stringify(r.body));
    due -= first;
    assert.equal(BigInt((await api(clerk, 'get', `/api/v1/bills/${bill.id}`)).body.bill.outstanding), due);
    await publisherTick(h.app);
    assert.equal(await listed(), FLEET, 'still listed while part is overdue');
    assert.equal((await grade()).grade, 'A');
    while (due > 0n) {
      const part = due > 1_000_000n ? 1_000_000n : due;
      r = await api(
        clerk,
        'post',
        `/api/v1/accounts/${accountId}/deposits`,
        { amount: Number(part), method: 'cash' },
        randomBytes(8).toString('hex'),
      );
      assert.equal(r.status, 201, JSON.stringify(r.body));
      due -= part;
    }
    const paid = (await api(clerk, 'get', `/api/v1/bills/${bill.id}`)).body.bill;
    assert.equal(paid.outstanding, 0);
    const g = await grade();
    assert.equal(g.grade, 'B', 'the second late payment within 12 months downgrades');
    assert.deepEqual(
      g.history.map((e: { kind: string }) => e.kind),
      ['warning', 'downgrade'],
    );
    const limits = (await api(clerk, 'get', `/api/v1/accounts/${accountId}/credit-limit-changes`)).body.changes;
    assert.deepEqual(
      limits.map((c: { toLimit: number; changedBy: string }) => [c.toLimit, c.changedBy]),
      [[10_000_000, 'system']],
    );
    await publisherTick(h.app);
    assert.equal(await listed(), 0, 'paid: off the list at the next publish');
    const sweep2 = await dailySweep(h.app);
    assert.deepEqual([sweep2.entered, sweep2.left], [0, 0]);
  });

  it("the fleet's account manager sees its vehicles and each month's lane usage", async () => {
    const manager = await loginAs('account-manager');
    const assigned = await api(await staff('supervisor'), 'put', `/api/v1/portfolio/assignments/${customerId}`, {
      managerId: Number(manager.userId),
      segment: 'freight',
    });
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
    const view = await api(manager.auth, 'get', '/api/v1/portfolio');
    const mine = view.body.customers.find((c: { customerId: number }) => c.customerId === customerId);
    assert.equal(mine.vehicles, FLEET);
    assert.deepEqual(
      mine.usage.map((u: { amount: number }) => BigInt(u.amount)),
      chargedByMonth,
    );
  });

  it('a stored-value fleet of 200: the pool allocated from a CSV, cards load from it, replenished daily, the pool-low message', async () => {
    const h = await harness();
    await setClock(at(3, 2, 2));
    const manager = await loginAs('account-manager');
    const clerk = await staff('clerk');
    const fleet = await storedValueFleet(
      clerk,
      await staff('finance'),
      manager.username,
      FLEET,
      4_500_000n,
      at(3, 2).toISOString().slice(0, 10),
    );
    // read as a clerk logged in at the simulated time (the manager's session ends with the day)
    const pool = async () =>
      (await api(await staff('clerk'), 'get', `/api/v1/corporate/customers/${fleet.customerId}/pool`)).body;
    assert.deepEqual([(await pool()).pool, (await pool()).allocated], [4_500_000, 0], 'paid in by transfer');

    // 200 yuan to each vehicle from a CSV of plates: one batch, one entry per vehicle, once per key
    const csv = `plate,amount\n${fleet.vehicles.map((v) => `${v.plate},200.00`).join('\n')}\n`;
    const path = `/api/v1/corporate/customers/${fleet.customerId}/allocations`;
    const requestKey = randomBytes(8).toString('hex');
    const batch = await api(manager.auth, 'post', path, { csv }, requestKey);
    assert.equal(batch.status, 201, JSON.stringify(batch.body));
    assert.deepEqual([batch.body.vehicles, batch.body.total, batch.body.poolAfter], [FLEET, FLEET * 20_000, 500_000]);
    const snap = await digest(h.app.db);
    const again = await api(manager.auth, 'post', path, { csv }, requestKey);
    assert.deepEqual([again.status, again.body.batchId], [201, batch.body.batchId]);
    assert.deepEqual(await digest(h.app.db), snap, 'the same request again moves nothing');
    const last = fleet.vehicles[FLEET - 1]!;
    assert.deepEqual(await journal('corporate-allocation', `${batch.body.batchId}:${last.id}`), {
      [`customer-funds:${fleet.accountId}`]: 20_000n,
      [`vehicle-allocation:${last.id}`]: -20_000n,
    });
    let p = await pool();
    assert.ok(p.vehicles.every((v: { balance: number }) => v.balance === 20_000));

    // the rule: a vehicle below 50 yuan goes back to 200; the manager is told when the pool is under 2 000 yuan
    const rule = await api(manager.auth, 'post', `/api/v1/corporate/customers/${fleet.customerId}/replenishment-rule`, {
      threshold: 5_000,
      target: 20_000,
      poolFloor: 200_000,
      active: true,
    });
    assert.equal(rule.status, 200, JSON.stringify(rule.body));
    // twenty of the fleet's cards take 180 yuan each from their allocation at the counter (no cash)
    const drained = fleet.vehicles.slice(0, 20);
    for (const v of drained) {
      const card = await issueStoredValueCard(clerk, fleet.customerId, v.id, masters, KV);
      await loadFromAllocation(clerk, card, 18_000);
      assert.equal(card.balance, 18_000, 'the purse holds the load');
    }
    p = await pool();
    const balances = new Map(p.vehicles.map((v: { vehicleId: number; balance: number }) => [v.vehicleId, v.balance]));
    assert.ok(drained.every((v) => balances.get(v.id) === 2_000));
    assert.equal(p.pool, 500_000, 'loads spend allocations, not the pool');

    // the daily replenishment: the twenty back to 200 yuan from the pool (20 × 180 = 3 600 yuan), the
    // pool left at 1 400 yuan, under its floor: the account manager gets one message
    const lowKey = `corporate-pool-low:${fleet.customerId}:`;
    await setClock(at(3, 3, 7));
    await replenishAll(h.app.db, h.clock.now());
    p = await pool();
    assert.ok(
      p.vehicles.every((v: { balance: number }) => v.balance === 20_000),
      'every vehicle at its target again',
    );
    assert.deepEqual([p.pool, p.allocated], [140_000, FLEET * 20_000]);
    const told = await h.app.db('notifications').where('dedupe_key', 'like', `${lowKey}%`);
    assert.deepEqual(
      told.map((n) => [n.template, String(n.user_id)]),
      [['corporate-pool-low', String(manager.userId)]],
    );
    const replenished = await h.app
      .db('corporate_allocation_batches')
      .where({ customer_id: fleet.customerId, source: 'replenishment' });
    assert.equal(replenished.length, 1);
    // the job again the same day changes nothing
    const day = await digest(h.app.db);
    await replenishAll(h.app.db, h.clock.now());
    assert.deepEqual(await digest(h.app.db), day);
    assert.equal((await h.app.db('notifications').where('dedupe_key', 'like', `${lowKey}%`)).length, 1);
  });
});
