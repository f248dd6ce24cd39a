// A stored-value card's last known purse after lane purchases (issuance/lane-purses.ts): a batch
// does not lock its cards, its readings are applied just after it commits, the review job applies
// what a dying process left, and a card locked to pay out its purse is caught up first.
import assert from 'node:assert/strict';
import { harness, loginAs } from '../helpers/harness.ts';
import { bankLoad, storedValueCard } from '../helpers/loads.ts';
import { dayTariff, laneSuite, tripTxs, upload } from '../helpers/lanes.ts';
import { untilBlockedBy } from '../helpers/locks.ts';
import type { VirtualCard } from '../../lanes-sim/card/virtual-card.ts';
import { lockCard } from '../../src/modules/issuance/index.ts';
import { ABANDONED_AFTER_MS, finishAbandonedUploads } from '../../src/modules/lanes/index.ts';

const KV = 163;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('card purses after lane purchases', () => {
  const suite = laneSuite(KV);
  const { lane } = suite;
  let clerk: string;
  let day = 70;

  before(async () => {
    clerk = (await loginAs('clerk')).auth;
  });

  // a day of its own per test; a card loaded, then one trip made on it, uploaded at 10:00
  async function tripOnNewDay(): Promise<{ card: VirtualCard; uploadId: string; before: bigint }> {
    const h = await harness();
    const start = new Date(
      `${new Date(suite.realNow.getTime() + day++ * DAY + 8 * HOUR).toISOString().slice(0, 10)}T08:00:00+08:00`,
    );
    h.clock.set(start);
    clerk = (await loginAs('clerk')).auth;
    const card = await storedValueCard(clerk, KV);
    await bankLoad(suite.bank, card, 60_000);
    const before = BigInt(card.balance);
    const tariff = await dayTariff(clerk, new Date(start.getTime() + 8 * HOUR).toISOString().slice(0, 10));
    const at = (m: number) => new Date(start.getTime() + m * 60_000);
    const txs = tripTxs(card, lane(340102, 'entry'), lane(340104, 'exit'), tariff, at(10), at(50));
    h.clock.set(at(120));
    const res = await upload('L340104-02', txs);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const row = await h.app.db('lane_transactions').where({ card_no: card.cardNo, amount: txs[1].amount }).first();
    return { card, uploadId: String(row.upload_id), before };
  }

  const purse = async (cardNo: string) => {
    const c = await (await harness()).app.db('cards').where({ card_no: cardNo }).first();
    return { balance: BigInt(c.last_balance), seq: c.last_offline_seq as number };
  };

  it('commits a batch while its card is locked elsewhere, and applies the purse once the card is free', async () => {
    const h = await harness();
    const db = h.app.db;
    const { card } = await tripOnNewDay();
    const tariff = await dayTariff(clerk, new Date(h.clock.now().getTime() + 8 * HOUR).toISOString().slice(0, 10));
    const now = h.clock.now();
    const txs = tripTxs(
      card,
      lane(340104, 'entry'),
      lane(340201, 'exit'),
      tariff,
      new Date(now.getTime() + 10 * 60_000),
      new Date(now.getTime() + 60 * 60_000),
    );
    h.clock.set(new Date(now.getTime() + 90 * 60_000));
    // a counter transaction holds the card
    const holder = await db.transaction();
    await holder('cards').where({ card_no: card.cardNo }).forUpdate().first();
    const pid = (await holder.raw('select pg_backend_pid() as pid')).rows[0].pid;
    let answered = false;
    const key = `purse-wait-${card.cardNo}`;
    const sending = upload('L340201-02', txs, key).then((r) => {
      answered = true;
      return r;
    });
    let uploadId: string;
    try {
      await untilBlockedBy(db, pid, () => answered, 'the upload never waited for the card');
      // what waits is the purse alone: the batch, its journal entry and its answer have committed
      const stored = await db('lane_transactions').where({
        terminal_id: txs[1].terminalId,
        terminal_seq: txs[1].terminalSeq,
      });
      assert.equal(stored.length, 1);
      uploadId = String(stored[0].upload_id);
      assert.equal((await db('lane_uploads').where({ id: uploadId }).first()).purses_pending, true);
      assert.equal((await db('journal_entries').where({ reference: `upload:${uploadId}` })).length, 1);
      assert.equal(
        (await db('idempotency_keys').where({ client_id: 'L340201-02', idem_key: key }).first()).response_status,
        200,
      );
      assert.equal(answered, false, 'the answer waits for the purse');
    } finally {
      await holder.commit();
    }
    const res = await sending;
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(await purse(card.cardNo), { balance: BigInt(card.balance), seq: card.offlineSeq - 1 });
    assert.equal((await db('lane_uploads').where({ id: uploadId }).first()).purses_pending, false);
  });

  it('applies at the next review the purses of an upload whose process died after its commit', async () => {
    const h = await harness();
    const db = h.app.db;
    const { card, uploadId, before } = await tripOnNewDay();
    const after = { balance: BigInt(card.balance), seq: card.offlineSeq - 1 };
    assert.deepEqual(await purse(card.cardNo), after, 'applied just after the batch committed');
    // what a process dying between the batch's commit and its purses leaves: the upload marked, the
    // card at the purse the load left
    await db('cards').where({ card_no: card.cardNo }).update({ last_balance: before, last_offline_seq: 0 });
    await db('lane_uploads').where({ id: uploadId }).update({ purses_pending: true });
    // a review within the minute leaves it to the completion that may be running for it now
    await finishAbandonedUploads(db, h.clock.now());
    assert.deepEqual(await purse(card.cardNo), { balance: before, seq: 0 });
    assert.equal((await db('lane_uploads').where({ id: uploadId }).first()).purses_pending, true);
    const later = new Date(h.clock.now().getTime() + ABANDONED_AFTER_MS);
    assert.ok((await finishAbandonedUploads(db, later)).moved >= 1);
    assert.deepEqual(await purse(card.cardNo), after);
    assert.equal((await db('lane_uploads').where({ id: uploadId }).first()).purses_pending, false);
    assert.equal((await finishAbandonedUploads(db, later)).moved, 0, 'nothing left marked');
  });

  it('catches a card up to its committed purchases when it is locked to pay out, unless a load came after them', async () => {
    const h = await harness();
    const db = h.app.db;
    const { card, before } = await tripOnNewDay();
    const after = { balance: BigInt(card.balance), seq: card.offlineSeq - 1 };
    await db('cards').where({ card_no: card.cardNo }).update({ last_balance: before, last_offline_seq: 0 });
    const locked = await db.transaction(async (trx) => lockCard(trx, card.cardNo));
    assert.deepEqual({ balance: locked.lastBalance, seq: locked.lastOfflineSeq }, after);
    assert.deepEqual(await purse(card.cardNo), after, 'and kept');

    // the purchase not applied, then a load: the load's reading of the card includes the purchase
    await db('cards').where({ card_no: card.cardNo }).update({ last_balance: before, last_offline_seq: 0 });
    h.clock.set(new Date(h.clock.now().getTime() + 10 * 60_000));
    await bankLoad(suite.bank, card, 5_000);
    const loaded = { balance: BigInt(card.balance), seq: 0 };
    assert.deepEqual(await purse(card.cardNo), loaded);
    const relocked = await db.transaction(async (trx) => lockCard(trx, card.cardNo));
    assert.deepEqual({ balance: relocked.lastBalance, seq: relocked.lastOfflineSeq }, loaded);
  });
});
