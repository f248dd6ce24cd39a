// The clearing day: own-card transactions split to road operators exactly, operator payables
// posted once, late arrivals on the next day, the daily job once per date, re-runs change nothing.
import assert from 'node:assert/strict';
import request from 'supertest';
import { fingerprint, harness, loginAs, newClient, type TestClient } from '../helpers/harness.ts';
import { assertLedgerHolds, journal } from '../helpers/ledger.ts';
import { bankLoad, storedValueCard, testMasters } from '../helpers/loads.ts';
import { controller, dayTariff, testLanes, tripTxs, upload } from '../helpers/lanes.ts';
import { VirtualCard, type MasterKeys } from '../../lanes-sim/card/virtual-card.ts';
import type { LaneSpec, WireTransaction } from '../../lanes-sim/traffic/lane.ts';
import { clearDay, largestRemainder, registerClearingJobs, STEPS } from '../../src/modules/clearing/index.ts';
import { assignClearingDates } from '../../src/modules/clearing-days/index.ts';
import { deliverPending } from '../../src/modules/interchange/index.ts';
import { balanceOf } from '../../src/modules/ledger/index.ts';

const KV = 133;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00+08:00`);
const plus = (date: string, days: number) =>
  new Date(new Date(`${date}T00:00:00Z`).getTime() + days * DAY).toISOString().slice(0, 10);

describe('clearing days', () => {
  let bank: TestClient;
  let masters: MasterKeys;
  let lanes: LaneSpec[];
  let realNow: Date;
  let D: string;
  let held: [WireTransaction, WireTransaction]; // a trip of day D uploaded only after D was sealed

  before(async () => {
    const h = await harness();
    realNow = h.clock.now();
    bank = await newClient('bank');
    masters = await testMasters(KV);
    lanes = await testLanes();
    D = plus(realNow.toISOString().slice(0, 10), 60);
  });
  after(async () => (await harness()).clock.set(realNow));
  afterEach(assertLedgerHolds);

  const lane = (station: number, direction: 'entry' | 'exit') =>
    controller(
      lanes.find((l) => l.station === station && l.direction === direction)!,
      masters,
    );
  const clock = async (t: Date) => (await harness()).clock.set(t);
  const staff = async (role: 'clerk' | 'finance' | 'admin' | 'supervisor') => (await loginAs(role)).auth;

  async function loadedCard(clerk: string, amount = 100_000): Promise<VirtualCard> {
    const card = await storedValueCard(clerk, KV);
    await bankLoad(bank, card, amount);
    return card;
  }

  async function runDay(date: string) {
    const h = await harness();
    return request(h.http)
      .post(`/api/v1/clearing/days/${date}/run`)
      .set('Authorization', await staff('finance'));
  }

  it('splits each own-card transaction across its operators by their tolls, exactly, and posts the operator payables once', async () => {
    const h = await harness();
    await clock(at(D, '07:00'));
    const clerk = await staff('clerk');
    const tariff = await dayTariff(clerk, D);
    const card = await loadedCard(clerk);
    const trips: WireTransaction[] = [
      ...tripTxs(card, lane(340102, 'entry'), lane(340106, 'exit'), tariff, at(D, '08:00'), at(D, '10:10')),
      ...tripTxs(card, lane(340201, 'entry'), lane(340204, 'exit'), tariff, at(D, '11:00'), at(D, '13:20'), {
        sendSections: true,
      }),
      ...tripTxs(card, lane(340104, 'entry'), lane(340102, 'exit'), tariff, at(D, '14:00'), at(D, '15:30')),
    ];
    held = tripTxs(card, lane(340102, 'entry'), lane(340104, 'exit'), tariff, at(D, '16:00'), at(D, '16:40'));
    const truck = await loadedCard(clerk);
    trips.push(
      ...tripTxs(truck, lane(340106, 'entry'), lane(340201, 'exit'), tariff, at(D, '09:00'), at(D, '11:40'), {
        vehicleClass: 16,
      }),
    );
    const foreign = new VirtualCard({
      cardNo: '32010000999988887777',
      masters: { ...masters, tac: Buffer.alloc(16, 3) },
      balance: 90_000,
    });
    trips.push(
      ...tripTxs(foreign, lane(340102, 'entry'), lane(340204, 'exit'), tariff, at(D, '12:00'), at(D, '14:30'), {
        own: false,
      }),
    );
    await clock(at(D, '20:00'));
    const res = await upload('L340102-02', trips);
    assert.ok(
      res.body.results.every((r: { disposition: string }) => r.disposition === 'accepted'),
      JSON.stringify(res.body),
    );
    const early = await runDay(D);
    assert.deepEqual([early.status, early.body.error.code], [409, 'clearing-day-not-over']);

    await clock(at(plus(D, 1), '01:00'));
    const clearingBefore = await balanceOf(h.app.db, 'toll-revenue-clearing');
    const run = await runDay(D);
    assert.equal(run.status, 200, JSON.stringify(run.body));
    // the 3201 card's trip went into a package to its issuer: the day waits for the confirmation
    assert.deepEqual(run.body.done, ['seal', 'own-card-split', 'operator-payables', 'packages', 'dispute-payments']);
    assert.deepEqual(run.body.pending, {
      step: 'interchange-split',
      reasons: ['1 package(s) to 3201 not confirmed yet'],
    });
    assert.equal(run.body.day.state, 'sealed');

    // the reference: each own exit's amount by largest remainder over its operators' tolls, from the lane's own tariff
    const own = trips.filter((t) => t.cardNo !== foreign.cardNo && t.amount > 0);
    const expected = new Map<string, bigint>();
    for (const t of own) {
      const ops = tariff.charge(t.entry!.station, t.exit!.station, t.vehicleClass, true).operators;
      const parts = largestRemainder(
        BigInt(t.amount),
        [...ops].map(([key, w]) => ({ key, weight: BigInt(w) })),
      );
      assert.equal(
        [...parts.values()].reduce((a, b) => a + b, 0n),
        BigInt(t.amount),
      );
      const row = await h.app
        .db('lane_transactions')
        .where({ terminal_id: t.terminalId, terminal_seq: t.terminalSeq })
        .first();
      const splits = await h.app
        .db('clearing_splits')
        .where({ clearing_date: D, transaction_id: row.id })
        .orderBy('operator_id');
      assert.deepEqual(
        new Map(splits.map((s) => [s.operator_id, BigInt(s.amount)])),
        parts,
        `trip ${t.entry!.station} → ${t.exit!.station}`,
      );
      for (const [op, a] of parts) expected.set(op, (expected.get(op) ?? 0n) + a);
    }
    const total = own.reduce((a, t) => a + BigInt(t.amount), 0n);
    assert.deepEqual(
      new Map(
        run.body.day.operators.map((o: { operatorId: string; amount: number }) => [o.operatorId, BigInt(o.amount)]),
      ),
      expected,
    );
    assert.equal(await balanceOf(h.app.db, 'toll-revenue-clearing'), clearingBefore + total);
    const entry = await journal('operator-payables', D);
    assert.equal(entry['toll-revenue-clearing'], total);
    for (const [op, a] of expected) assert.equal(entry[`operator-payable:${op}`], -a);

    // no peer is configured for 3201: the package goes to the drop folder (the queued job, or here)
    await deliverPending(h.app);
    const [pkg] = await h.app.db('interchange_packages').where({ direction: 'outbound', clear_target_date: D });
    assert.deepEqual([pkg.receiver, pkg.count, pkg.state], ['3201', 2, 'delivered']);

    // again: still waiting, nothing changes
    const finance = await staff('finance');
    const before = await fingerprint();
    const again = await request(h.http).post(`/api/v1/clearing/days/${D}/run`).set('Authorization', finance);
    const afterRun = await fingerprint();
    assert.deepEqual(again.body.done, []);
    assert.deepEqual(afterRun, before);
    const view = await request(h.http)
      .get(`/api/v1/clearing/days/${D}`)
      .set('Authorization', await staff('supervisor'))
      .expect(200);
    assert.deepEqual(
      view.body.day.steps.map((s: { step: string }) => s.step),
      STEPS.slice(0, 5),
    );

    // a day after the seal, still waiting: finance is told once, and the day goes on waiting
    await clock(at(plus(D, 2), '02:00'));
    for (let i = 0; i < 2; i++) assert.equal((await runDay(D)).body.pending.step, 'interchange-split');
    const told = await h.app
      .db('finance_exceptions')
      .where({ kind: 'clearing-day-waiting', reference: `${D}:interchange-split` });
    assert.equal(told.length, 1);
    assert.deepEqual(told[0].detail.reasons, ['1 package(s) to 3201 not confirmed yet']);

    // the issuer refuses the package (as delivery records a refusal): the day goes on without its money
    await h.app.db('interchange_packages').where({ id: pkg.id }).update({ state: 'refused', result: 4 });
    const finished = await runDay(D);
    assert.deepEqual([finished.body.pending, finished.body.done], [null, STEPS.slice(5)]);
    assert.equal(
      (await h.app.db('clearing_splits').where({ clearing_date: D }).andWhere('source', 'like', 'province:%')).length,
      0,
    );
    assert.equal(
      (await h.app.db('settlements').where({ clearing_date: D })).length,
      0,
      'a refused package is left out of settlement',
    );
    const payouts = await h.app.db('operator_payouts').where({ clearing_date: D });
    assert.deepEqual(new Map(payouts.map((p) => [p.operator_id, p.amount])), expected);
    assert.ok(payouts.every((p) => p.interchange_amount === 0n));
  });

  it('takes a transaction that arrives after its day was sealed into the next clearing date', async () => {
    const h = await harness();
    const D1 = plus(D, 1);
    const [en, ex] = held;
    await clock(at(D1, '09:00'));
    const res = await upload('L340104-02', [en, ex]);
    assert.deepEqual(
      res.body.results.map((r: { disposition: string }) => r.disposition),
      ['accepted', 'accepted'],
    );
    const row = await h.app
      .db('lane_transactions')
      .where({ terminal_id: ex.terminalId, terminal_seq: ex.terminalSeq })
      .first();
    assert.equal(row.clearing_date, D1, 'the sealed day takes nothing more');
    assert.equal(await h.app.db('clearing_splits').where({ transaction_id: row.id }).first(), undefined);
    await clock(at(plus(D, 2), '01:00'));
    const run = await runDay(D1);
    assert.equal(run.status, 200);
    const split = await h.app.db('clearing_splits').where({ clearing_date: D1, transaction_id: row.id });
    assert.equal(
      split.reduce((a, s) => a + BigInt(s.amount), 0n),
      BigInt(ex.amount),
    );
  });

  it('seals a day only once the batches writing into it have committed; a batch after the seal takes the next day', async () => {
    const h = await harness();
    const day = plus(D, 5);
    await clock(at(plus(D, 6), '01:00'));
    const batch = await h.app.db.transaction();
    assert.equal((await assignClearingDates(batch, [day], h.clock.now())).get(day), day);
    let sealed = false;
    const run = clearDay({ app: h.app, now: h.clock.now(), actor: 'test' }, day).then(() => {
      sealed = true;
    });
    // the seal's FOR UPDATE waits on the batch's FOR SHARE
    let waiting = false;
    for (let i = 0; i < 100 && !waiting; i++) {
      waiting =
        (
          await h.app.db.raw(
            `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
          )
        ).rows[0].n > 0;
      if (!waiting) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(waiting && !sealed, 'the seal waits for the batch in flight');
    await batch.commit();
    await run;
    const after = await h.app.db.transaction();
    assert.equal(
      (await assignClearingDates(after, [day], h.clock.now())).get(day),
      plus(day, 1),
      'a late arrival goes to the next day',
    );
    await after.commit();
  });

  it('runs the daily job once per date: node-cron names the previous day, the job id makes it one job', async () => {
    const h = await harness();
    const D3 = plus(D, 3);
    const firing = at(plus(D, 4), '00:30');
    await clock(firing);
    const [schedule] = registerClearingJobs(h.app);
    assert.equal(schedule.slot(firing), D3);
    assert.deepEqual(schedule.data!(firing), { date: D3 });
    for (let i = 0; i < 3; i++)
      await h.app.queue.add(schedule.name, schedule.data!(firing), {
        jobId: `${schedule.name}:${schedule.slot(firing)}`,
      });
    for (
      let i = 0;
      i < 200 && (await h.app.db('clearing_day_steps').where({ clearing_date: D3 })).length < STEPS.length;
      i++
    )
      await new Promise((r) => setTimeout(r, 50));
    const steps = await h.app.db('clearing_day_steps').where({ clearing_date: D3 }).orderBy('done_at');
    assert.deepEqual(steps.map((s) => [s.step, s.actor]).sort(), STEPS.map((s) => [s, 'system:clearing']).sort());
    assert.equal((await h.app.db('clearing_days').where({ clearing_date: D3 }).first()).state, 'sealed');
  });
});
