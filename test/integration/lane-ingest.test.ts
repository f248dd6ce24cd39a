// Lane transaction ingest (ICD §2): dispositions, duplicates, the checks of own cards, the ledger.
import assert from 'node:assert/strict';
import request from 'supertest';
import { fingerprint, harness, loginAs, signed } from '../helpers/harness.ts';
import { journal } from '../helpers/ledger.ts';
import { mobile, plate, residentId } from '../helpers/fixtures.ts';
import { bankInit, bankLoad, nextSerial, storedValueCard } from '../helpers/loads.ts';
import { laneClient, laneSuite, upload } from '../helpers/lanes.ts';
import { blockedBy, untilBlockedBy } from '../helpers/locks.ts';
import { CardRemovedError, VirtualCard } from '../../lanes-sim/card/virtual-card.ts';
import { ABANDONED_AFTER_MS, finishAbandonedUploads, reviewOverdrafts } from '../../src/modules/lanes/index.ts';
import { postEntry } from '../../src/modules/ledger/index.ts';
import type { LaneController, Vehicle, WireTransaction } from '../../lanes-sim/traffic/lane.ts';
import { LaneTariff } from '../../lanes-sim/traffic/tariff.ts';

const KV = 131;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('lane transaction ingest', () => {
  const suite = laneSuite(KV);
  const { lane } = suite;
  let clerk: string;
  let day = 20;

  before(async () => {
    clerk = (await loginAs('clerk')).auth;
  });

  // Each test on a day of its own, from 08:00 local time.
  async function newDay(): Promise<{ at: (minutes: number) => Date; date: string; tariff: LaneTariff }> {
    const h = await harness();
    const start = new Date(
      `${new Date(suite.realNow.getTime() + day++ * DAY + 8 * HOUR).toISOString().slice(0, 10)}T08:00:00+08:00`,
    );
    h.clock.set(start);
    clerk = (await loginAs('clerk')).auth; // sessions expire: log in on the day
    const date = new Date(start.getTime() + 8 * HOUR).toISOString().slice(0, 10);
    const network = (await request(h.http).get(`/api/v1/network?date=${date}`).set('Authorization', clerk).expect(200))
      .body;
    const discounts = (await request(h.http).get('/api/v1/network/discounts').set('Authorization', clerk).expect(200))
      .body;
    return { at: (m) => new Date(start.getTime() + m * 60_000), date, tariff: new LaneTariff(network, discounts) };
  }

  const vehicleOf = (card: VirtualCard, cardType: 22 | 23 = 22): Vehicle => ({
    plate: '皖A12345',
    plateColor: 0,
    vehicleClass: 1,
    obuId: '3401190220052902',
    cardType,
  });

  async function svCard(amount = 50_000): Promise<VirtualCard> {
    const card = await storedValueCard(clerk, KV);
    await bankLoad(suite.bank, card, amount);
    return card;
  }

  // another province's card (its own TAC master: our centre cannot check its TACs)
  const foreignCard = (cardNo: string, tacByte: number) =>
    new VirtualCard({ cardNo, masters: { ...suite.masters, tac: Buffer.alloc(16, tacByte) }, balance: 90_000 });

  function trip(
    card: VirtualCard,
    entry: LaneController,
    exit: LaneController,
    t: LaneTariff,
    entryAt: Date,
    exitAt: Date,
    o: { own?: boolean; cardType?: 22 | 23; sendSections?: boolean } = {},
  ): [WireTransaction, WireTransaction] {
    const v = vehicleOf(card, o.cardType);
    const e = entry.entry(card, v, entryAt);
    const charge = t.charge(entry.spec.station, exit.spec.station, v.vehicleClass, o.own ?? true);
    return [e.tx, exit.exit(card, v, exitAt, e.point, { ...charge, sendSections: o.sendSections ?? false })];
  }

  async function setClock(at: Date) {
    (await harness()).clock.set(at);
  }

  it('accepts a trip, derives or takes its path, posts purse float → toll revenue clearing and records the purse', async () => {
    const h = await harness();
    const d = await newDay();
    const card = await svCard();
    const [en, ex] = trip(card, lane(340102, 'entry'), lane(340104, 'exit'), d.tariff, d.at(10), d.at(55));
    const [en2, ex2] = trip(card, lane(340104, 'entry'), lane(340201, 'exit'), d.tariff, d.at(90), d.at(150), {
      sendSections: true,
    });
    assert.equal(
      ex.amount,
      ex.fee - Math.floor((ex.fee * 5 + 50) / 100),
      'own cards pay the fee less 5 %, rounded half up',
    );
    await setClock(d.at(180));
    const res = await upload('L340104-02', [en, ex, en2, ex2]);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.results,
      [en, ex, en2, ex2].map((t) => ({
        terminalId: t.terminalId,
        terminalSeq: t.terminalSeq,
        disposition: 'accepted',
      })),
    );
    const rows = await h.app
      .db('lane_transactions')
      .whereIn('terminal_id', [en.terminalId, ex.terminalId, en2.terminalId, ex2.terminalId])
      .orderBy('tx_time');
    assert.deepEqual(
      rows.map((r) => [r.disposition, r.path_derived, r.sections]),
      [
        ['accepted', false, []],
        ['accepted', true, ['G40-02', 'G40-03']],
        ['accepted', false, []],
        ['accepted', false, ex2.sections],
      ],
    );
    assert.deepEqual(rows[1].split_operators, ['OP-AHGS', 'OP-HFCE']);
    assert.equal(rows[1].clearing_date, d.date);
    const up = await h.app.db('lane_uploads').where({ id: rows[1].upload_id }).first();
    assert.deepEqual(
      [up.received, up.accepted, up.duplicate, up.rejected, up.accepted_amount],
      [4, 4, 0, 0, BigInt(ex.amount + ex2.amount)],
    );
    assert.deepEqual(await journal('lane-purchase', `upload:${up.id}`), {
      'purse-float': BigInt(ex.amount + ex2.amount),
      'toll-revenue-clearing': -BigInt(ex.amount + ex2.amount),
    });
    const c = await h.app.db('cards').where({ card_no: card.cardNo }).first();
    assert.deepEqual([c.last_balance, c.last_offline_seq], [BigInt(card.balance), card.offlineSeq - 1]);
  });

  it('answers a re-sent transaction duplicate (2) — in a later batch, twice in one batch, or the same card and offline sequence — and replays a repeated key', async () => {
    const h = await harness();
    const d = await newDay();
    const card = await svCard();
    const [en, ex] = trip(card, lane(340201, 'entry'), lane(340106, 'exit'), d.tariff, d.at(5), d.at(100));
    await setClock(d.at(120));
    const first = await upload('L340106-02', [en, en, ex], 'dup-first');
    assert.deepEqual(
      first.body.results.map((r: { disposition: string; code?: number }) => [r.disposition, r.code]),
      [
        ['accepted', undefined],
        ['duplicate', 2],
        ['accepted', undefined],
      ],
    );
    const replay = await upload('L340106-02', [en, en, ex], 'dup-first');
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.deepEqual(replay.body, first.body);
    const again = await upload('L340106-02', [ex, en], 'dup-again');
    assert.deepEqual(
      again.body.results.map((r: { disposition: string; code?: number }) => [r.disposition, r.code]),
      [
        ['duplicate', 2],
        ['duplicate', 2],
      ],
    );
    // another province's card: same card and offline sequence under another terminal key
    const foreign = foreignCard('32011234567890123456', 7);
    const [fen, fex] = trip(foreign, lane(340102, 'entry'), lane(340106, 'exit'), d.tariff, d.at(20), d.at(110), {
      own: false,
    });
    const twin = { ...fex, terminalSeq: fex.terminalSeq + 1000 };
    const f = await upload('L340106-02', [fen, fex, twin]);
    assert.deepEqual(
      f.body.results.map((r: { disposition: string; code?: number }) => [r.disposition, r.code]),
      [
        ['accepted', undefined],
        ['accepted', undefined],
        ['duplicate', 2],
      ],
    );
    const stored = await h.app
      .db('lane_transactions')
      .where({ terminal_id: twin.terminalId, terminal_seq: twin.terminalSeq })
      .first();
    assert.deepEqual([stored.disposition, stored.code, stored.own_card], ['duplicate', 2, false]);
    const ups = await h.app.db('lane_uploads').where('lane_id', 'L340106-02').orderBy('id', 'desc').limit(3);
    assert.deepEqual(
      ups.map((u) => [u.received, u.accepted, u.duplicate, u.rejected]),
      [
        [3, 2, 1, 0],
        [2, 0, 2, 0],
        [3, 2, 1, 0],
      ],
    );
  });

  it('answers duplicate (2) to a batch that waited for another claiming the same card and offline sequence', async () => {
    const h = await harness();
    const db = h.app.db;
    const d = await newDay();
    const foreign = foreignCard('32019876543210987654', 9);
    const [fen, fex] = trip(foreign, lane(340102, 'entry'), lane(340106, 'exit'), d.tariff, d.at(20), d.at(110), {
      own: false,
    });
    await setClock(d.at(120));
    // another batch has claimed the exit's card and offline sequence and not committed yet: this one
    // finds no stored neighbour, so it reaches the claim and waits there
    const first = await db.transaction();
    await first('lane_card_sequences').insert({
      card_no: foreign.cardNo,
      offline_seq: fex.offlineSeq,
      transaction_id: -1,
      clearing_date: d.date,
      tx_time: new Date(fex.time),
      amount: fex.amount,
    });
    const firstPid = (await first.raw('select pg_backend_pid() as pid')).rows[0].pid;
    let done = false;
    const racing = upload('L340106-02', [fen, fex]).then((r) => {
      done = true;
      return r;
    });
    await untilBlockedBy(db, firstPid, () => done, 'the batch did not wait for the other claim');
    await first.commit();
    const r = await racing;
    assert.deepEqual(
      r.body.results.map((x: { disposition: string; code?: number }) => [x.disposition, x.code]),
      [
        ['accepted', undefined],
        ['duplicate', 2],
      ],
    );
    const stored = await db('lane_transactions')
      .where({ terminal_id: fex.terminalId, terminal_seq: fex.terminalSeq })
      .first('disposition', 'code');
    assert.deepEqual([stored.disposition, stored.code], ['duplicate', 2]);
    const claims = await db('lane_card_sequences').where({ card_no: foreign.cardNo }).orderBy('offline_seq');
    assert.deepEqual(
      claims.map((c) => [c.offline_seq, String(c.transaction_id)]),
      [
        [fen.offlineSeq, String(claims[0].transaction_id)],
        [fex.offlineSeq, '-1'],
      ],
    );
    assert.notEqual(String(claims[0].transaction_id), '-1');
  });

  it('works on at most ETC_LANE_BATCHES_IN_PROGRESS batches at once; the next waits its turn and is then accepted', async () => {
    const h = await harness();
    const db = h.app.db;
    const d = await newDay();
    const admin = (await loginAs('admin')).auth;
    const limit = h.app.config.lanes.batchesInProgress;
    assert.equal(limit, 8, 'the default: the pool of ten less two');
    const route = '/api/v1/lanes/:laneId/transactions';
    const gate = async () => {
      const text = (await request(h.http).get('/metrics').set('Authorization', admin).expect(200)).text;
      const of = (state: string) =>
        Number(new RegExp(`etc_http_gate_requests\\{route="${route}",state="${state}"\\} (\\d+)`).exec(text)?.[1]);
      return {
        limit: Number(new RegExp(`etc_http_gate_limit\\{route="${route}"\\} (\\d+)`).exec(text)?.[1]),
        inProgress: of('in_progress'),
        waiting: of('waiting'),
      };
    };
    const batches = Array.from({ length: limit + 1 }, (_, i) =>
      trip(
        foreignCard(`320198765432100${String(i).padStart(5, '0')}`, 9),
        lane(340102, 'entry'),
        lane(340106, 'exit'),
        d.tariff,
        d.at(20 + i),
        d.at(110 + i),
        { own: false },
      ),
    );
    await setClock(d.at(130));
    // the day's partitions made first, so that nothing but the claim below stands in the batches' way
    const [wen, wex] = trip(
      foreignCard('32019876543210099999', 9),
      lane(340102, 'entry'),
      lane(340106, 'exit'),
      d.tariff,
      d.at(10),
      d.at(100),
      { own: false },
    );
    assert.equal((await upload('L340106-02', [wen, wex])).status, 200);
    // every batch in progress stops at its card-sequence claim behind this lock
    const holder = await db.transaction();
    await holder.raw('lock table lane_card_sequences in share mode');
    const holderPid = (await holder.raw('select pg_backend_pid() as pid')).rows[0].pid;
    let answered = 0;
    const sent = batches.map((b) =>
      upload('L340106-02', b).then((r) => {
        answered++;
        return r;
      }),
    );
    try {
      const deadline = Date.now() + 10_000; // bounded, so that a failure still releases the lock
      for (;;) {
        assert.ok(Date.now() < deadline, 'the batches never stood at the cap with one waiting');
        const g = await gate();
        const blocked = await blockedBy(db, holderPid);
        assert.equal(answered, 0, 'no batch was answered while the claims were held');
        if (g.inProgress === limit && g.waiting === 1 && blocked === limit) {
          assert.equal(g.limit, limit);
          break;
        }
      }
    } finally {
      await holder.commit();
    }
    const results = await Promise.all(sent);
    for (const r of results) {
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(
        r.body.results.map((x: { disposition: string }) => x.disposition),
        ['accepted', 'accepted'],
      );
    }
    const stored = await db('lane_transactions').whereIn(
      'terminal_id',
      batches.flat().map((t) => t.terminalId),
    );
    assert.equal(stored.length, 2 * (limit + 1));
    assert.deepEqual(await gate(), { limit, inProgress: 0, waiting: 0 });
  });

  it('refuses with the issuer result code: TAC (1), type (4), fee (6), amount (7), unknown card (8), card type (15), lane clock (16), too old (5), purse arithmetic (14)', async () => {
    const h = await harness();
    const d = await newDay();
    const card = await svCard();
    const [en, ex] = trip(card, lane(340102, 'entry'), lane(340204, 'exit'), d.tariff, d.at(10), d.at(200));
    const entry = lane(340104, 'entry');
    const exit = lane(340106, 'exit');
    const txs: Array<[WireTransaction, number | undefined]> = [
      [en, undefined],
      [ex, undefined],
    ];
    const make = (m: number) => trip(card, entry, exit, d.tariff, d.at(m), d.at(m + 30))[1];
    txs.push([{ ...make(240), tac: 'DEADBEEF' }, 1]);
    txs.push([{ ...make(300), transType: 'AA' }, 4]);
    const wrongFee = make(360);
    txs.push([{ ...wrongFee, fee: wrongFee.fee + 5 }, 6]);
    txs.push([{ ...make(420), sections: ['G40-09'] }, 6]);
    const over = make(480);
    txs.push([{ ...over, amount: over.fee }, 1]); // the amount is under the TAC: changing it is forgery
    txs.push([{ ...make(540), cardNo: '34019999000000000001' }, 8]);
    txs.push([{ ...make(600), cardType: 23 }, 15]);
    const ahead = new Date(d.at(815).getTime() + 30 * 60_000).toISOString(); // the centre's clock is at(815)
    txs.push([{ ...make(660), time: ahead }, 16]);
    const old = make(720);
    const past = new Date(d.at(0).getTime() - 40 * DAY).toISOString();
    txs.push([{ ...old, time: past, entry: { ...old.entry!, time: past }, exit: { ...old.exit!, time: past } }, 5]);
    const arith = make(780);
    txs.push([{ ...arith, balanceAfter: arith.balanceAfter! - 1 }, 14]);
    await setClock(d.at(815));
    const res = await upload(
      'L340106-02',
      txs.map(([t]) => t),
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.results.map((r: { code?: number }) => r.code),
      txs.map(([, c]) => c),
    );
    const up = await h.app.db('lane_uploads').orderBy('id', 'desc').first();
    assert.deepEqual([up.received, up.accepted, up.duplicate, up.rejected], [txs.length, 2, 0, txs.length - 2]);
    assert.equal(up.accepted_amount, BigInt(ex.amount), 'only the accepted trip was charged');
  });

  it('files a transaction refused for its time under the day it arrived: no partition and no clearing day for the days a wrong clock names; a time past year 9999 refuses the batch', async () => {
    const h = await harness();
    const d = await newDay();
    const card = await svCard(500_000);
    const entry = lane(340104, 'entry');
    const exit = lane(340106, 'exit');
    const make = (m: number) => trip(card, entry, exit, d.tariff, d.at(m), d.at(m + 30))[1];
    const partitions = async () =>
      Number(
        (await h.app.db.raw(`select count(*) as n from pg_inherits where inhparent = 'lane_transactions'::regclass`))
          .rows[0].n,
      );
    const before = await partitions();
    const named: string[] = [];
    const txs: WireTransaction[] = [];
    for (let i = 0; i < 12; i++) {
      const t = make(10 + i);
      const at = new Date(d.at(0).getTime() - (100 + i * 37) * DAY);
      named.push(new Date(at.getTime() + 8 * HOUR).toISOString().slice(0, 10));
      const time = at.toISOString();
      txs.push({ ...t, time, entry: { ...t.entry!, time }, exit: { ...t.exit!, time } });
    }
    const ahead = new Date(d.at(0).getTime() + 3 * 365 * DAY);
    named.push(new Date(ahead.getTime() + 8 * HOUR).toISOString().slice(0, 10));
    txs.push({ ...make(700), time: ahead.toISOString() });
    await setClock(d.at(815));
    const res = await upload('L340106-02', txs);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.results.map((r: { code?: number }) => r.code),
      [...Array(12).fill(5), 16],
    );
    const stored = await h.app.db('lane_transactions').where({ card_no: card.cardNo }).pluck('clearing_date');
    assert.deepEqual(new Set(stored.map(String)), new Set([d.date]), 'filed under the day they arrived');
    assert.ok((await partitions()) <= before + 1, 'at most the partition of the day they arrived');
    assert.equal(Number((await h.app.db('clearing_days').whereIn('clearing_date', named).count('* as n'))[0].n), 0);

    // 9999-12-31T23:00:00-12:00 is in year 10000 in UTC: not a time the centre can store and give back
    const fp = await fingerprint();
    const far = await upload('L340106-02', [{ ...make(760), time: '9999-12-31T23:00:00-12:00' }]);
    assert.deepEqual([far.status, far.body.error?.code], [400, 'invalid-request'], JSON.stringify(far.body));
    assert.equal(far.body.error.field, 'transactions[0].time');
    assert.deepEqual(await fingerprint(), fp);
  });

  it('charges an amount above the tariff as 7 and one below it as 6 when the card really paid it', async () => {
    const d = await newDay();
    const card = await svCard();
    const entry = lane(340201, 'entry');
    const exit = lane(340104, 'exit');
    const v = vehicleOf(card);
    const charge = d.tariff.charge(340201, 340104, 1, true);
    const e1 = entry.entry(card, v, d.at(10));
    const above = exit.exit(card, v, d.at(60), e1.point, { ...charge, amount: charge.fee, sendSections: false });
    const e2 = entry.entry(card, v, d.at(100));
    const below = exit.exit(card, v, d.at(150), e2.point, { ...charge, amount: charge.amount - 1, sendSections: true });
    await setClock(d.at(200));
    const res = await upload('L340104-02', [e1.tx, above, e2.tx, below]);
    assert.deepEqual(
      res.body.results.map((r: { code?: number }) => r.code),
      [undefined, 7, undefined, 6],
    );
  });

  it('judges the card status at the transaction time: lost before → 9, lost after → accepted; expired → 10', async () => {
    const h = await harness();
    const d = await newDay();
    const card = await svCard();
    const [en, ex] = trip(card, lane(340102, 'entry'), lane(340104, 'exit'), d.tariff, d.at(10), d.at(50));
    await setClock(d.at(60));
    await request(h.http)
      .post(`/api/v1/cards/${card.cardNo}/loss-report`)
      .set('Authorization', clerk)
      .send({ reason: 'lost at a service area' })
      .expect(200);
    const [en2, ex2] = trip(card, lane(340104, 'entry'), lane(340106, 'exit'), d.tariff, d.at(70), d.at(100));
    const expired = await svCard();
    await h.app
      .db('cards')
      .where({ card_no: expired.cardNo })
      .update({ expiry_date: new Date(d.at(0).getTime() - DAY).toISOString().slice(0, 10) });
    const [en3, ex3] = trip(expired, lane(340102, 'entry'), lane(340106, 'exit'), d.tariff, d.at(75), d.at(110));
    await setClock(d.at(130));
    const res = await upload('L340106-02', [en, ex, en2, ex2, en3, ex3]);
    assert.deepEqual(
      res.body.results.map((r: { code?: number }) => r.code),
      [undefined, undefined, 9, 9, 10, 10],
    );
  });

  it('checks the balance chain across batches and loads in either order, and refuses a jump no load explains (14)', async () => {
    const d = await newDay();
    const card = await svCard(30_000);
    const [a1, a2] = trip(card, lane(340102, 'entry'), lane(340104, 'exit'), d.tariff, d.at(10), d.at(50));
    await setClock(d.at(60));
    await bankLoad(suite.bank, card, 7_000); // between the trips
    const [b1, b2] = trip(card, lane(340104, 'entry'), lane(340204, 'exit'), d.tariff, d.at(70), d.at(130));
    const [c1, c2] = trip(card, lane(340204, 'entry'), lane(340102, 'exit'), d.tariff, d.at(140), d.at(230));
    await setClock(d.at(240));
    // the later trips first, then the earlier one: each link is checked when its second end arrives
    const late = await upload('L340102-02', [c2, c1, b2, b1]);
    assert.deepEqual(
      late.body.results.map((r: { disposition: string }) => r.disposition),
      ['accepted', 'accepted', 'accepted', 'accepted'],
    );
    const early = await upload('L340104-02', [a2, a1]);
    assert.deepEqual(
      early.body.results.map((r: { disposition: string }) => r.disposition),
      ['accepted', 'accepted'],
    );
    // a purse that grew with no load behind it
    const [d1, d2] = trip(card, lane(340102, 'entry'), lane(340104, 'exit'), d.tariff, d.at(250), d.at(280));
    await setClock(d.at(290));
    const res = await upload('L340104-02', [
      { ...d1, balanceBefore: d1.balanceBefore! + 100, balanceAfter: d1.balanceAfter! + 100 },
      d2,
    ]);
    assert.deepEqual(
      res.body.results.map((r: { code?: number }) => r.code),
      [14, undefined],
    );
  });

  it('keeps the purse a purchase shows when a later load is still in flight and then reversed (simulation seed 3)', async () => {
    const h = await harness();
    const d = await newDay();
    const card = await svCard(30_000);
    const [e, x] = trip(card, lane(340102, 'entry'), lane(340104, 'exit'), d.tariff, d.at(10), d.at(50));
    await setClock(d.at(60));
    // a load the card never took: pulled away before the write; the bank reverses it later
    const init = await bankInit(suite.bank, card, 5_000);
    assert.equal(init.status, 201, JSON.stringify(init.body));
    card.failNext('credit-before-write');
    assert.throws(() => card.creditForLoad(init.body.hostDate, init.body.hostTime, init.body.mac2), CardRemovedError);
    // meanwhile the trip before the load is uploaded
    await setClock(d.at(70));
    const up = await upload('L340104-02', [e, x]);
    assert.deepEqual(
      up.body.results.map((r: { disposition: string }) => r.disposition),
      ['accepted', 'accepted'],
    );
    await setClock(d.at(80));
    const rev = await signed(
      suite.bank,
      'post',
      `/api/v1/channel/loads/${init.body.loadId}/reverse`,
      { reason: 'card pulled away', card: { balance: card.balance, onlineSeq: card.onlineSeq } },
      { idempotencyKey: nextSerial(suite.bank) },
    );
    assert.equal(rev.status, 200, JSON.stringify(rev.body));
    // the centre's purse is what the card holds, not what it held before the trip
    const row = await h.app.db('cards').where({ card_no: card.cardNo }).first();
    assert.equal(row.last_balance, BigInt(card.balance));
    assert.equal(card.balance, 30_000 - x.amount);
  });

  // a personal customer on a debit account with this credit limit, and a debit-account card of theirs
  async function debitCard(creditLimit: number) {
    const h = await harness();
    const supervisor = (await loginAs('supervisor')).auth;
    const c = await request(h.http)
      .post('/api/v1/customers')
      .set('Authorization', supervisor)
      .send({
        kind: 'personal',
        name: '李四',
        idType: 1,
        idNumber: residentId(),
        phone: mobile(),
        account: { kind: 'debit', creditLimit },
      })
      .expect(201);
    const v = await request(h.http)
      .post(`/api/v1/customers/${c.body.customer.id}/vehicles`)
      .set('Authorization', clerk)
      .send({ plate: plate(), plateColor: 0, vehicleClass: 1 })
      .expect(201);
    const issued = await request(h.http)
      .post('/api/v1/cards')
      .set('Authorization', clerk)
      .send({ customerId: c.body.customer.id, vehicleId: v.body.vehicle.id, cardType: 23, payment: { method: 'cash' } })
      .expect(201);
    const card = new VirtualCard({
      cardNo: issued.body.card.cardNo,
      masters: suite.masters,
      keyVersion: KV,
      balance: 4_000_000_000,
    });
    return { c, card };
  }

  it('charges a debit-account card to its account and raises card-overdrawn once past the credit limit', async () => {
    const h = await harness();
    const d = await newDay();
    const { c, card } = await debitCard(500);
    const [en, ex] = trip(card, lane(340102, 'entry'), lane(340106, 'exit'), d.tariff, d.at(10), d.at(100), {
      cardType: 23,
    });
    assert.equal(ex.balanceBefore, undefined, 'a debit-account card carries no balances');
    await setClock(d.at(110));
    const res = await upload('L340106-02', [en, ex]);
    assert.deepEqual(
      res.body.results.map((r: { disposition: string }) => r.disposition),
      ['accepted', 'accepted'],
    );
    const account = await request(h.http)
      .get(`/api/v1/accounts/${c.body.account.id}`)
      .set('Authorization', clerk)
      .expect(200);
    assert.equal(account.body.account.balance, -ex.amount);
    const events = await h.app.db('lifecycle_outbox').where({ medium_id: card.cardNo, event: 'card-overdrawn' });
    assert.equal(events.length, 1);
    assert.equal(events[0].payload.accountId, String(c.body.account.id));
    const [en2, ex2] = trip(card, lane(340106, 'entry'), lane(340102, 'exit'), d.tariff, d.at(120), d.at(200), {
      cardType: 23,
    });
    await setClock(d.at(210));
    await upload('L340102-02', [en2, ex2]);
    assert.equal(
      (await h.app.db('lifecycle_outbox').where({ medium_id: card.cardNo, event: 'card-overdrawn' })).length,
      1,
      'raised once, not per trip',
    );
    // the customer pays (money in at the counter, as a corporate transfer will post it): the review clears it once
    const owed = BigInt(ex.amount + ex2.amount);
    await h.app.db.transaction((trx) =>
      postEntry(trx, {
        kind: 'test-payment',
        reference: card.cardNo,
        actor: 'test',
        postings: [
          { account: 'counter-cash', amount: owed },
          { account: `customer-funds:${c.body.account.id}`, amount: -owed },
        ],
      }),
    );
    assert.ok((await reviewOverdrafts(h.app.db, h.clock.now())) >= 1);
    assert.equal(await reviewOverdrafts(h.app.db, h.clock.now()), 0);
    const cleared = await h.app
      .db('lifecycle_outbox')
      .where({ medium_id: card.cardNo, event: 'card-overdraft-cleared' });
    assert.equal(cleared.length, 1);
  });

  it('lists the account when two batches at once cross its limit together, each within it alone', async () => {
    const h = await harness();
    const d = await newDay();
    const { c, card } = await debitCard(1_000_000);
    const [en, ex] = trip(card, lane(340102, 'entry'), lane(340106, 'exit'), d.tariff, d.at(500), d.at(590), {
      cardType: 23,
    });
    const [en2, ex2] = trip(card, lane(340106, 'entry'), lane(340102, 'exit'), d.tariff, d.at(600), d.at(690), {
      cardType: 23,
    });
    const supervisor = (await loginAs('supervisor')).auth;
    await request(h.http)
      .post(`/api/v1/accounts/${c.body.account.id}/credit-limit`)
      .set('Authorization', supervisor)
      .send({ creditLimit: ex.amount + ex2.amount - 1, reason: 'two trips go one fen past it' })
      .expect(200);
    await setClock(d.at(700));
    await Promise.all([upload('L340106-02', [en, ex]), upload('L340102-02', [en2, ex2])]);
    const state = await h.app
      .db('account_overdrafts')
      .where({ account_id: String(c.body.account.id) })
      .first();
    assert.deepEqual([state.overdrawn, BigInt(state.balance)], [true, -BigInt(ex.amount + ex2.amount)]);
    assert.equal(
      (await h.app.db('lifecycle_outbox').where({ medium_id: card.cardNo, event: 'card-overdrawn' })).length,
      1,
    );
  });

  it('judges a batch whose overdraft judgement never ran (the process died after its commit) at the next review', async () => {
    const h = await harness();
    const d = await newDay();
    const { c, card } = await debitCard(500);
    const [en, ex] = trip(card, lane(340102, 'entry'), lane(340106, 'exit'), d.tariff, d.at(300), d.at(390), {
      cardType: 23,
    });
    await setClock(d.at(400));
    await upload('L340106-02', [en, ex]);
    const accountId = String(c.body.account.id);
    const judged = await h.app.db('account_overdrafts').where({ account_id: accountId }).first();
    assert.equal(judged.overdrawn, true, 'judged just after the batch committed');
    const uploadId = (await h.app.db('lane_transactions').where({ card_no: card.cardNo }).first('upload_id')).upload_id;
    assert.equal((await h.app.db('lane_uploads').where({ id: uploadId }).first()).overdrafts_pending, false);
    // what a process dying between the batch's commit and its judgement leaves: the upload marked, the
    // account not judged
    await h.app.db('account_overdrafts').where({ account_id: accountId }).update({ overdrawn: false });
    await h.app.db('lane_uploads').where({ id: uploadId }).update({ overdrafts_pending: true });
    // within the minute it is left to the completion that may be running for it now
    await finishAbandonedUploads(h.app.db, h.clock.now());
    assert.equal((await h.app.db('account_overdrafts').where({ account_id: accountId }).first()).overdrawn, false);
    const later = new Date(h.clock.now().getTime() + ABANDONED_AFTER_MS);
    assert.ok((await finishAbandonedUploads(h.app.db, later)).raised >= 1);
    assert.equal((await h.app.db('account_overdrafts').where({ account_id: accountId }).first()).overdrawn, true);
    assert.equal((await h.app.db('lane_uploads').where({ id: uploadId }).first()).overdrafts_pending, false);
    assert.equal(
      (await h.app.db('lifecycle_outbox').where({ medium_id: card.cardNo, event: 'card-overdrawn' })).length,
      2,
      'raised again by the review, as the judgement would have',
    );
  });

  it('stores other issuers’ cards for their issuer without charging anyone', async () => {
    const h = await harness();
    const d = await newDay();
    const foreign = new VirtualCard({
      cardNo: '33010000123412341234',
      masters: { ...suite.masters, tac: Buffer.alloc(16, 9) },
      balance: 90_000,
    });
    const [en, ex] = trip(foreign, lane(340201, 'entry'), lane(340106, 'exit'), d.tariff, d.at(10), d.at(130), {
      own: false,
    });
    assert.equal(ex.amount, ex.fee, 'no own-card discount');
    await setClock(d.at(140));
    const res = await upload('L340106-02', [en, ex]);
    assert.deepEqual(
      res.body.results.map((r: { disposition: string }) => r.disposition),
      ['accepted', 'accepted'],
    );
    const row = await h.app
      .db('lane_transactions')
      .where({ terminal_id: ex.terminalId, terminal_seq: ex.terminalSeq })
      .first();
    assert.deepEqual([row.issuer, row.own_card, row.disposition], ['3301', false, 'accepted']);
    const up = await h.app.db('lane_uploads').where({ id: row.upload_id }).first();
    assert.equal(up.accepted_amount, 0n);
  });

  it('lets a lane post only as itself and refuses malformed batches whole', async () => {
    const h = await harness();
    const d = await newDay();
    const card = await svCard();
    const [en] = trip(card, lane(340102, 'entry'), lane(340104, 'exit'), d.tariff, d.at(5), d.at(40));
    await setClock(d.at(50));
    const other = await laneClient('L340104-02');
    const as = await signed(
      other,
      'post',
      '/api/v1/lanes/L340102-01/transactions',
      { transactions: [en] },
      { idempotencyKey: 'as-another' },
    );
    assert.deepEqual([as.status, as.body.error.code], [403, 'forbidden']);
    const ghost = await laneClient('L340102-99');
    const unknown = await signed(
      ghost,
      'post',
      '/api/v1/lanes/L340102-99/transactions',
      { transactions: [en] },
      { idempotencyKey: 'ghost' },
    );
    assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'lane-not-found']);
    const extra = await upload('L340102-01', [{ ...en, extra: 1 }]);
    assert.deepEqual([extra.status, extra.body.error.field], [400, 'transactions[0].extra']);
    // a NUL anywhere refuses the batch, named by field, whether or not the bytes escape other characters
    const nul = await upload('L340102-01', [{ ...en, plate: '皖A\u000012345' }]);
    assert.deepEqual([nul.status, nul.body.error.field], [400, 'transactions[0].plate']);
    const escapedBackslash = await upload('L340102-01', [{ ...en, plate: '\\u0000', extra: 1 }]);
    assert.deepEqual([escapedBackslash.status, escapedBackslash.body.error.field], [400, 'transactions[0].extra']);
    const many = await upload(
      'L340102-01',
      Array.from({ length: 1001 }, () => en),
    );
    assert.equal(many.status, 400);
    const noKey = await signed(await laneClient('L340102-01'), 'post', '/api/v1/lanes/L340102-01/transactions', {
      transactions: [en],
    });
    assert.equal(noKey.status, 400);
    assert.equal(
      await h.app.db('lane_transactions').where({ terminal_id: en.terminalId }).first(),
      undefined,
      'nothing was stored',
    );
  });
});
