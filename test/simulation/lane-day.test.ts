// A simulated day of lane traffic (lanes-sim/traffic) against the centre with every fault flag on:
// each transaction gets exactly the disposition its fault implies and nothing else is refused;
// the counts reconcile; the day clears to the operators exactly, and clearing it again changes nothing.
import assert from 'node:assert/strict';
import request from 'supertest';
import { fingerprint, harness, loginAs } from '../helpers/harness.ts';
import { assertLedgerHolds } from '../helpers/ledger.ts';
import { testMasters } from '../helpers/loads.ts';
import { HarnessCentre, testLanes } from '../helpers/lanes.ts';
import { FAULTS, simulateDay, type DayReport } from '../../lanes-sim/traffic/day.ts';
import { largestRemainder } from '../../src/modules/clearing/index.ts';

const KV = 132;
const DAY = 86_400_000;

describe('a simulated day of lane traffic with every fault', function () {
  this.timeout(600_000);
  let report: DayReport;
  let date: string;
  let realNow: Date;

  before(async () => {
    const h = await harness();
    realNow = h.clock.now();
    await testLanes();
    // a day of its own: 40 days ahead, or past the last upload another test of the run stored (their
    // days walk forward from now), so that the day's counts and splits are this simulation's alone
    const last = (await h.app.db('lane_uploads').max({ at: 'received_at' }).first())?.at as Date | null;
    const ahead = realNow.getTime() + 40 * DAY;
    date = new Date(last ? Math.max(ahead, new Date(last).getTime() + 2 * DAY) : ahead).toISOString().slice(0, 10);
    report = await simulateDay({
      centre: new HarnessCentre(h.clock),
      date,
      vehicles: 40,
      seed: 20261122,
      faults: new Set(FAULTS),
      masters: await testMasters(KV),
      keyVersion: KV,
      uploadMinutes: 60,
      batchSize: 12,
    });
  });
  after(async () => (await harness()).clock.set(realNow));

  it('gives every transaction exactly the disposition its fault implies', () => {
    assert.deepEqual(report.mismatches, []);
    for (const fault of ['tac', 'lost', 'skew', 'balance', 'duplicate']) {
      assert.ok((report.byFault[fault]?.transactions ?? 0) > 0, `the day had ${fault} faults`);
    }
    assert.ok(report.lateTransactions.length > 0, 'some transactions came late');
    assert.ok(report.replays > 0, 'a batch was replayed under its key');
    // nothing but the faulty transactions was refused
    const faulty = ['tac', 'lost', 'skew', 'balance'].reduce((n, f) => n + (report.byFault[f]?.transactions ?? 0), 0);
    assert.equal(report.rejected, faulty);
    assert.equal(report.duplicate, report.byFault.duplicate.transactions);
    assert.equal(report.accepted, report.byFault.none.transactions);
  });

  it('reconciles the counts: received = accepted + duplicate + rejected, per upload and for the day', async () => {
    const h = await harness();
    assert.equal(report.received, report.accepted + report.duplicate + report.rejected);
    const from = new Date(`${date}T00:00:00+08:00`).getTime() - DAY;
    const ups = await h.app
      .db('lane_uploads')
      .where('received_at', '>=', new Date(from))
      .andWhere('received_at', '<', new Date(from + 3 * DAY));
    assert.equal(ups.length, report.uploads);
    const sum = (k: string) => ups.reduce((a, u) => a + Number(u[k]), 0);
    assert.deepEqual(
      [sum('received'), sum('accepted'), sum('duplicate'), sum('rejected')],
      [report.received, report.accepted, report.duplicate, report.rejected],
    );
    for (const u of ups) assert.equal(u.received, u.accepted + u.duplicate + u.rejected);
    const stored = await h.app
      .db('lane_transactions')
      .whereIn(
        'upload_id',
        ups.map((u) => u.id),
      )
      .groupBy('disposition')
      .select('disposition')
      .count({ n: '*' });
    const byDisposition = Object.fromEntries(stored.map((r: Record<string, unknown>) => [r.disposition, Number(r.n)]));
    assert.equal(byDisposition.accepted, report.accepted);
    assert.equal(byDisposition.rejected, report.rejected);
  });

  it('puts late transactions on the next clearing date', async () => {
    const h = await harness();
    const next = new Date(new Date(`${date}T00:00:00Z`).getTime() + DAY).toISOString().slice(0, 10);
    for (const t of report.lateTransactions) {
      const row = await h.app
        .db('lane_transactions')
        .where({ terminal_id: t.terminalId, terminal_seq: t.terminalSeq })
        .first();
      assert.equal(row.clearing_date, next, `${t.terminalId}/${t.terminalSeq}`);
    }
  });

  it('splits the day to the operators exactly: per transaction, per operator and per day, as the reference split does', async () => {
    const h = await harness();
    // other provinces' cards were packaged; the day waits for their issuers' confirmations
    assert.deepEqual(report.clearing.steps, [
      'seal',
      'own-card-split',
      'operator-payables',
      'packages',
      'dispute-payments',
    ]);
    assert.deepEqual(
      Object.fromEntries(report.clearing.operators.map((o) => [o.operatorId, o.amount])),
      report.clearing.expected,
    );
    const txs = await h.app
      .db('lane_transactions')
      .where({ clearing_date: date, disposition: 'accepted', own_card: true })
      .andWhere('amount', '>', 0);
    assert.ok(txs.length > 20);
    const splits = await h.app.db('clearing_splits').where({ clearing_date: date });
    const byTx = new Map<string, Map<string, bigint>>();
    for (const s of splits) {
      const m = byTx.get(String(s.transaction_id)) ?? new Map();
      m.set(s.operator_id, BigInt(s.amount));
      byTx.set(String(s.transaction_id), m);
    }
    let total = 0n;
    for (const t of txs) {
      const reference = largestRemainder(
        BigInt(t.amount),
        t.split_operators.map((op: string, i: number) => ({ key: op, weight: BigInt(t.split_weights[i]) })),
      );
      assert.deepEqual(byTx.get(String(t.id)), reference, `transaction ${t.id}`);
      total += BigInt(t.amount);
    }
    assert.equal(byTx.size, txs.length);
    assert.equal(
      splits.reduce((a, s) => a + BigInt(s.amount), 0n),
      total,
    );
    const payable = await h.app.db('journal_entries').where({ kind: 'operator-payables', reference: date }).first();
    assert.ok(payable);
  });

  it('raises card-overdrawn for every debit account the day took past its limit', async () => {
    const h = await harness();
    const clerk = (await loginAs('clerk')).auth;
    let over = 0;
    for (const cardNo of report.debitCards) {
      const card = (await request(h.http).get(`/api/v1/cards/${cardNo}`).set('Authorization', clerk).expect(200)).body
        .card;
      const account = (
        await request(h.http).get(`/api/v1/accounts/${card.accountId}`).set('Authorization', clerk).expect(200)
      ).body.account;
      const events = await h.app.db('lifecycle_outbox').where({ medium_id: cardNo, event: 'card-overdrawn' });
      assert.equal(
        events.length,
        account.balance < -account.creditLimit ? 1 : 0,
        `card ${cardNo}: balance ${account.balance}`,
      );
      if (events.length) over++;
    }
    assert.ok(report.debitCards.length > 0);
    assert.ok(over > 0, 'some debit account went past its limit');
  });

  it('clears the day again without changing anything, and the ledger invariants hold', async () => {
    const h = await harness();
    const finance = (await loginAs('finance')).auth;
    const before = await fingerprint();
    const again = await request(h.http)
      .post(`/api/v1/clearing/days/${date}/run`)
      .set('Authorization', finance)
      .expect(200);
    assert.deepEqual(again.body.done, []);
    assert.deepEqual(await fingerprint(), before);
    await assertLedgerHolds();
  });
});
