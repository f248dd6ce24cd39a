// Exit batches of the same cards at the same time: the purse each card last showed (cards.last_balance,
// read by a reissued card's balance carry) ends at its latest accepted purchase, whichever batch
// commits first, and neither batch waits for a lock the other holds for long or deadlocks.
import assert from 'node:assert/strict';
import request from 'supertest';
import { harness, loginAs } from '../helpers/harness.ts';
import { bankLoad, storedValueCard } from '../helpers/loads.ts';
import { laneSuite, upload } from '../helpers/lanes.ts';
import { untilBlockedBy } from '../helpers/locks.ts';
import type { VirtualCard } from '../../lanes-sim/card/virtual-card.ts';
import type { Vehicle, WireTransaction } from '../../lanes-sim/traffic/lane.ts';
import { LaneTariff } from '../../lanes-sim/traffic/tariff.ts';
import { recordLanePurses } from '../../src/modules/issuance/index.ts';

const KV = 167;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const vehicle: Vehicle = { plate: '皖A54321', plateColor: 0, vehicleClass: 1, obuId: '3401190220052903', cardType: 22 };

describe('concurrent exit batches of the same cards', () => {
  const suite = laneSuite(KV);
  const { lane } = suite;
  let clerk: string;

  before(async () => {
    clerk = (await loginAs('clerk')).auth;
  });

  const purse = async (cardNo: string) => {
    const c = await (await harness()).app.db('cards').where({ card_no: cardNo }).first();
    return { balance: BigInt(c.last_balance), seq: c.last_offline_seq as number };
  };

  it('keeps every card at its latest purchase whichever of two simultaneous batches commits first', async () => {
    const h = await harness();
    const start = new Date(`${new Date(suite.realNow.getTime() + 40 * DAY).toISOString().slice(0, 10)}T08:00:00+08:00`);
    h.clock.set(start);
    clerk = (await loginAs('clerk')).auth;
    const date = new Date(start.getTime() + 8 * HOUR).toISOString().slice(0, 10);
    const network = (await request(h.http).get(`/api/v1/network?date=${date}`).set('Authorization', clerk).expect(200))
      .body;
    const discounts = (await request(h.http).get('/api/v1/network/discounts').set('Authorization', clerk).expect(200))
      .body;
    const tariff = new LaneTariff(network, discounts);
    const cards: VirtualCard[] = [];
    for (let i = 0; i < 6; i++) {
      const card = await storedValueCard(clerk, KV);
      await bankLoad(suite.bank, card, 80_000);
      cards.push(card);
    }
    const at = (m: number) => new Date(start.getTime() + m * 60_000);
    const [entryA, exitA, entryB, exitB] = [
      lane(340102, 'entry'),
      lane(340104, 'exit'),
      lane(340104, 'entry'),
      lane(340201, 'exit'),
    ];
    // each round: every card makes two trips; the earlier and the later trips go up in two batches
    // sent at once, the later batch first in odd rounds
    for (let round = 0; round < 4; round++) {
      const early: WireTransaction[] = [];
      const late: WireTransaction[] = [];
      const want = new Map<string, { balance: bigint; seq: number }>();
      for (const card of cards) {
        const base = 10 + round * 120;
        const e1 = entryA.entry(card, vehicle, at(base));
        const x1 = exitA.exit(card, vehicle, at(base + 30), e1.point, {
          ...tariff.charge(340102, 340104, 1, true),
          sendSections: false,
        });
        const e2 = entryB.entry(card, vehicle, at(base + 50));
        const x2 = exitB.exit(card, vehicle, at(base + 90), e2.point, {
          ...tariff.charge(340104, 340201, 1, true),
          sendSections: false,
        });
        early.push(e1.tx, x1);
        late.push(e2.tx, x2);
        want.set(card.cardNo, { balance: BigInt(card.balance), seq: card.offlineSeq - 1 });
      }
      h.clock.set(at(round * 120 + 110));
      const batches = round % 2 ? [late, early] : [early, late];
      const answers = await Promise.all([upload('L340104-02', batches[0]), upload('L340201-02', batches[1])]);
      for (const a of answers) {
        assert.equal(a.status, 200, JSON.stringify(a.body));
        assert.deepEqual(
          new Set(a.body.results.map((r: { disposition: string }) => r.disposition)),
          new Set(['accepted']),
        );
      }
      for (const card of cards) assert.deepEqual(await purse(card.cardNo), want.get(card.cardNo), `round ${round}`);
    }
  });

  it('a batch that waited for another batch of the same cards re-reads them: the later sequence wins', async () => {
    const h = await harness();
    const db = h.app.db;
    const cards = [];
    for (let i = 0; i < 2; i++) cards.push((await storedValueCard(clerk, KV)).cardNo);
    const [a, b] = cards.sort();
    // the first batch records a at 50 and b at 40 and holds its locks until it commits
    const first = await db.transaction();
    await recordLanePurses(first, [
      { cardNo: a, offlineSeq: 50, balance: 5_000n },
      { cardNo: b, offlineSeq: 40, balance: 4_000n },
    ]);
    const { rows } = await first.raw('select pg_backend_pid() as pid');
    const firstPid = rows[0].pid;
    // the second, of an older purchase of a and a newer one of b, has to wait for the first
    let secondDone = false;
    const second = db
      .transaction((trx) =>
        recordLanePurses(trx, [
          { cardNo: a, offlineSeq: 45, balance: 4_500n },
          { cardNo: b, offlineSeq: 41, balance: 3_900n },
        ]),
      )
      .then(() => (secondDone = true));
    // wait until it is blocked by the first (polled from the database, not timed)
    await untilBlockedBy(db, firstPid, () => secondDone, 'the second batch did not wait for the first');
    await first.commit();
    await second;
    assert.deepEqual(await purse(a), { balance: 5_000n, seq: 50 });
    assert.deepEqual(await purse(b), { balance: 3_900n, seq: 41 });
  });
});
