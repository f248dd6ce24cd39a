// Two centres clear with each other (ICD §3): Anhui (3401) and Jiangsu (3201), separate databases,
// each the other's peer over HTTP. A simulated day with both provinces' cards on both provinces'
// roads, with corrupted TACs, a lost card and duplicate uploads; both clear the day, exchanging
// packages and confirmations; then a dispute is paid and one written off, and the next day moves
// only the paid one.
import assert from 'node:assert/strict';
import { checkLedger } from '../../src/modules/ledger/index.ts';
import { clearDay } from '../../src/modules/clearing/index.ts';
import { transIdOf } from '../../src/modules/interchange/index.ts';
import { clearTogether, exchangeDocuments } from '../../lanes-sim/traffic/interchange-clear.ts';
import { simulateInterchangeDay, type InterchangeDayReport } from '../../lanes-sim/traffic/interchange-day.ts';
import { pairCentres, sharedPurchaseMasters, startCentre, type TestCentre } from '../helpers/centres.ts';
import { digest } from '../helpers/digest.ts';

const DAY = 86_400_000;
const at = (date: string, time: string) => new Date(`${date}T${time}:00+08:00`);
const plus = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

async function clear(c: TestCentre, date: string) {
  return clearDay({ app: c.app, now: c.clock.now(), actor: 'test' }, date);
}

describe('two centres clearing with each other', function () {
  this.timeout(600_000);
  let A: TestCentre;
  let B: TestCentre;
  let report: InterchangeDayReport;
  const D = new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10);

  before(async () => {
    const [ma, mb] = sharedPurchaseMasters();
    A = await startCentre('3401', ma, 181, at(D, '00:00'));
    B = await startCentre('3201', mb, 182, at(D, '00:00'));
    await pairCentres(A, B);
    report = await simulateInterchangeDay({
      sides: [
        { centre: A.centre, network: '3401', masters: ma, keyVersion: 181 },
        { centre: B.centre, network: '3201', masters: mb, keyVersion: 182 },
      ],
      date: D,
      vehicles: 14,
      visitShare: 0.3,
      seed: 3401_3201,
      faults: { tac: true, lost: true, duplicate: true },
      batchSize: 10,
      uploadMinutes: 120,
    });
    for (const c of [A, B]) c.clock.set(at(plus(D, 1), '00:40'));
    // first runs: sealed, split, packaged; each waits for the other's confirmations
    for (const c of [A, B]) assert.equal((await clear(c, D)).pending?.step, 'interchange-split');
    // then packages and confirmations cross, and both clear through to the mirror check
    const final = await clearTogether([A, B], D);
    assert.deepEqual(
      final.map((o) => o.pending),
      [null, null],
    );
  });
  after(async () => {
    await A?.close();
    await B?.close();
  });

  it('answers every lane transaction as its fault implies, and carries faults on visiting cards to their issuer', () => {
    assert.deepEqual(report.mismatches, []);
    const visiting = (fault: string) => report.crossings.filter((c) => c.fault === fault);
    assert.ok(
      visiting('tac').length > 0 && visiting('lost').length > 0,
      'visiting cards carried a corrupted TAC and a lost card',
    );
    assert.ok(
      report.crossings.some((c) => c.issuer === '3401') && report.crossings.some((c) => c.issuer === '3201'),
      'cards crossed both ways',
    );
    assert.ok(
      report.sides.every((s) => s.sent.counts.duplicate > 0),
      "both provinces' lanes sent duplicates",
    );
  });

  it('clears the day through every step on both sides', async () => {
    for (const c of [A, B]) {
      const steps = await c.app.db('clearing_day_steps').where({ clearing_date: D }).pluck('step');
      assert.equal(steps.length, 9, `${c.network}: ${steps}`);
      assert.equal((await c.app.db('finance_exceptions').where('kind', 'like', 'interchange-%')).length, 0);
    }
  });

  it("confirms or disputes every cross-province transaction exactly once, with the issuer's result code", async () => {
    for (const [provider, issuer] of [
      [A, B],
      [B, A],
    ] as const) {
      const rows = await provider.app
        .db('lane_transactions')
        .where({ clearing_date: D, own_card: false, disposition: 'accepted' })
        .whereNotNull('upload_id');
      const expected = report.crossings.filter((c) => c.laneNetwork === provider.network);
      assert.deepEqual(
        rows.map((r) => transIdOf(r.terminal_id, r.terminal_seq)).sort(),
        expected.map((c) => c.transId).sort(),
        'every visiting transaction was packaged, none twice',
      );
      const disputedHere = new Map(
        (await provider.app.db('interchange_disputes').where({ side: 'provider' })).map((d) => [d.trans_id, d.result]),
      );
      const received = await issuer.app
        .db('lane_transactions')
        .whereNotNull('received_package_id')
        .select('terminal_id', 'terminal_seq', 'disposition');
      const acceptedThere = new Set(
        received.filter((r) => r.disposition === 'accepted').map((r) => transIdOf(r.terminal_id, r.terminal_seq)),
      );
      const disputedThere = new Map(
        (await issuer.app.db('interchange_disputes').where({ side: 'issuer' })).map((d) => [d.trans_id, d.result]),
      );
      for (const c of expected) {
        const verdict = c.issuer_expects.result === 'accepted' ? undefined : c.issuer_expects.code;
        assert.equal(disputedHere.get(c.transId), verdict, `${c.transId} (${c.fault}) at the provider`);
        assert.equal(disputedThere.get(c.transId), verdict, `${c.transId} (${c.fault}) at the issuer`);
        assert.equal(
          acceptedThere.has(c.transId),
          verdict === undefined,
          `${c.transId} accepted by the issuer once or disputed`,
        );
      }
      assert.equal(disputedHere.size, expected.filter((c) => c.issuer_expects.result === 'disputed').length);
    }
  });

  it("settles to mirror images: 3401's net with 3201 is the negative of 3201's with 3401, to the fen", async () => {
    const sa = await A.app.db('settlements').where({ clearing_date: D, network: '3201' }).first();
    const sb = await B.app.db('settlements').where({ clearing_date: D, network: '3401' }).first();
    assert.equal(sa.net, -sb.net);
    assert.equal(sa.receivable, sb.payable);
    assert.equal(sa.payable, sb.receivable);
    const owed = (provider: string) =>
      report.crossings
        .filter((c) => c.laneNetwork === provider && c.issuer_expects.result === 'accepted')
        .reduce((s, c) => s + BigInt(c.amount), 0n);
    assert.equal(sa.receivable, owed('3401'));
    assert.equal(sa.payable, owed('3201'));
    // the peers' views say the same over HTTP
    const view = await A.request('finance', 'get', `/api/v1/interchange/settlements/${D}?with=3201`);
    assert.deepEqual([view.body.state, view.body.net], ['settled', Number(sa.net)]);
  });

  it("pays each operator exactly the sum of its splits, own and other provinces' money", async () => {
    for (const c of [A, B]) {
      const payouts = await c.app.db('operator_payouts').where({ clearing_date: D });
      const splits = await c.app
        .db('clearing_splits')
        .where({ clearing_date: D })
        .groupBy('operator_id')
        .select('operator_id', c.app.db.raw('sum(amount)::bigint as amount'));
      assert.ok(payouts.length > 0);
      assert.deepEqual(
        new Map(payouts.map((p) => [p.operator_id, p.amount])),
        new Map(splits.map((s) => [s.operator_id, s.amount])),
      );
      const provinceMoney = payouts.reduce((s, p) => s + p.interchange_amount, 0n);
      const settled = await c.app.db('settlements').where({ clearing_date: D }).first();
      assert.equal(
        provinceMoney,
        settled.receivable,
        `${c.network}: the province money split is what the issuer confirmed`,
      );
    }
  });

  it('keeps both ledgers balanced, and re-running either day changes nothing', async () => {
    for (const c of [A, B]) assert.deepEqual((await checkLedger(c.app.db)).failures, []);
    const before = [await digest(A.app.db), await digest(B.app.db)];
    const again = [await clear(A, D), await clear(B, D)];
    assert.deepEqual(
      again.map((r) => [r.done, r.pending]),
      [
        [[], null],
        [[], null],
      ],
    );
    assert.deepEqual([await digest(A.app.db), await digest(B.app.db)], before);
  });

  it('moves money for a dispute decided "pay" on the next day\'s run, and none for bad debt', async () => {
    // B decides on D+1 the disputes it raised on 3401's package: the TAC one paid, the lost card's written off
    const open = (await B.request('finance', 'get', '/api/v1/interchange/disputes?side=issuer&status=open')).body
      .disputes as Array<{ id: number; result: number; amount: number; transId: string }>;
    const pay = open.find((d) => d.result === 1 && d.amount > 0);
    const bad = open.find((d) => d.result === 9);
    assert.ok(pay && bad, JSON.stringify(open));
    for (const c of [A, B]) c.clock.set(at(plus(D, 1), '10:00'));
    const decided = await B.request('finance', 'post', '/api/v1/interchange/disputes/decisions', {
      items: [
        { id: pay.id, resolution: 0 },
        { id: bad.id, resolution: 1 },
      ],
      note: 'reviewed with 3401',
    });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    await exchangeDocuments([A, B]);
    const atA = await A.app
      .db('interchange_disputes')
      .where({ side: 'provider' })
      .whereIn('trans_id', [pay.transId, bad.transId])
      .orderBy('trans_id');
    assert.deepEqual(
      atA.map((d) => [d.trans_id, d.resolution, d.resolved_on]).sort(),
      [
        [pay.transId, 0, plus(D, 1)],
        [bad.transId, 1, plus(D, 1)],
      ].sort(),
    );

    for (const c of [A, B]) c.clock.set(at(plus(D, 2), '00:40'));
    assert.deepEqual(
      (await clearTogether([A, B], plus(D, 1))).map((o) => o.pending),
      [null, null],
    );
    const sa = await A.app
      .db('settlements')
      .where({ clearing_date: plus(D, 1), network: '3201' })
      .first();
    const sb = await B.app
      .db('settlements')
      .where({ clearing_date: plus(D, 1), network: '3401' })
      .first();
    assert.equal(sa.dispute_paid_out, BigInt(pay.amount));
    assert.equal(sb.dispute_paid_in, BigInt(pay.amount));
    assert.equal(sa.net, -sb.net);
    assert.equal(sa.net, BigInt(pay.amount), 'only the paid dispute moves: no traffic on D+1');
    const splits = await A.app.db('clearing_splits').where({ clearing_date: plus(D, 1), source: 'province:3201' });
    assert.equal(
      splits.reduce((s, x) => s + x.amount, 0n),
      BigInt(pay.amount),
    );
    const charged = await B.app
      .db('journal_entries')
      .where({ kind: 'interchange-dispute-payment', reference: plus(D, 1) });
    assert.equal(charged.length, 1);
    for (const c of [A, B]) assert.deepEqual((await checkLedger(c.app.db)).failures, []);
  });
});
