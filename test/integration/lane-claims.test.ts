// Lane ingest's key claims (migrations 0200, 0202): a plain insert when every key is new, the ON CONFLICT
// claim when one is taken, with the same answer either way — on real PostgreSQL and on the embedded
// database, which is sent the arrays as text literals.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createEmbeddedKnex, type Db } from '../../src/platform/db/knex.ts';
import { arraysFor } from '../../src/platform/db/binary-arrays.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import type { Work } from '../../src/modules/lanes/ingest-checks.ts';
import { claimCardSeqs, claimTerminalKeys } from '../../src/modules/lanes/ingest-store.ts';
import { harness } from '../helpers/harness.ts';

const terminal = () => randomBytes(6).toString('hex');
const card = () =>
  `3201${BigInt(`0x${randomBytes(7).toString('hex')}`)
    .toString()
    .padStart(16, '0')
    .slice(-16)}`;

// the fields of a Work the card-sequence claim reads
function work(cardNo: string, offlineSeq: number, id: bigint): Work {
  return {
    own: false,
    id,
    clearingDate: '2026-12-07',
    tx: { cardNo, offlineSeq, cardType: 22, time: new Date('2026-12-07T02:00:00Z'), amount: 500n },
  } as unknown as Work;
}

async function claimsAnswerAsOnce(db: Db): Promise<void> {
  const tid = terminal();
  const keys = (seqs: number[]) => seqs.map((s) => ({ terminalId: tid, terminalSeq: s, clearingDate: '2026-12-07' }));
  const first = await db.transaction((trx) => claimTerminalKeys(trx, keys([3, 1, 2])));
  assert.equal(first.length, 3);
  assert.equal(new Set(first).size, 3);
  assert.ok(first.every((id) => typeof id === 'bigint'));
  // 2 is taken: only 4 and 5 are claimed, answered in the order given, and the failed plain attempt
  // left no row behind
  const second = await db.transaction((trx) => claimTerminalKeys(trx, keys([4, 2, 5])));
  assert.equal(second.length, 3);
  assert.equal(second[1], null);
  assert.ok(typeof second[0] === 'bigint' && typeof second[2] === 'bigint');
  const stored = await db('lane_transaction_keys').where({ terminal_id: tid }).orderBy('terminal_seq');
  // each key holds the id answered at its place
  assert.deepEqual(
    stored.map((r) => [Number(r.terminal_seq), String(r.transaction_id)]),
    [
      [1, String(first[1])],
      [2, String(first[2])],
      [3, String(first[0])],
      [4, String(second[0])],
      [5, String(second[2])],
    ],
  );

  // a taken key between two new ones, sent to the function as they are: one answer per key, in order
  const a = arraysFor(db);
  const { rows } = await db.raw('select lane_claim_terminal_ids(?::bpchar[], ?::int8[], ?::date[]) as ids', [
    a.bpchar([tid, tid, tid]),
    a.int8([0, 3, 6]),
    a.date(['2026-12-07', '2026-12-07', '2026-12-07']),
  ]);
  const ids: Array<bigint | null> = rows[0].ids;
  assert.equal(ids.length, 3);
  assert.equal(ids[1], null);
  const byKey = await db('lane_transaction_keys').where({ terminal_id: tid }).whereIn('terminal_seq', [0, 6]);
  assert.deepEqual(byKey.map((r) => [Number(r.terminal_seq), String(r.transaction_id)]).sort(), [
    [0, String(ids[0])],
    [6, String(ids[2])],
  ]);
  // keys not in key order, every one new: each answer is its own key's id
  const tid2 = terminal();
  const out = await db.raw('select lane_claim_terminal_ids(?::bpchar[], ?::int8[], ?::date[]) as ids', [
    a.bpchar([tid2, tid2, tid2]),
    a.int8([9, 7, 8]),
    a.date(['2026-12-07', '2026-12-07', '2026-12-07']),
  ]);
  const held = await db('lane_transaction_keys').where({ terminal_id: tid2 });
  const idOf = new Map(held.map((r) => [Number(r.terminal_seq), String(r.transaction_id)]));
  assert.deepEqual(out.rows[0].ids.map(String), [idOf.get(9), idOf.get(7), idOf.get(8)]);

  const c = card();
  const none = await db.transaction((trx) => claimCardSeqs(trx, [work(c, 7, 1n), work(c, 8, 2n)]));
  assert.deepEqual([...none], []);
  const lost = await db.transaction((trx) => claimCardSeqs(trx, [work(c, 9, 3n), work(c, 8, 4n), work(c, 10, 5n)]));
  assert.deepEqual([...lost], [`${c}|8`]);
  const seqs = await db('lane_card_sequences').where({ card_no: c }).orderBy('offline_seq');
  assert.deepEqual(
    seqs.map((r) => [r.offline_seq, String(r.transaction_id)]),
    [
      [7, '1'],
      [8, '2'],
      [9, '3'],
      [10, '5'],
    ],
  );
}

describe('lane key claims', () => {
  it('claim new keys whole and, beside a taken one, only the new (real PostgreSQL)', async () => {
    await claimsAnswerAsOnce((await harness()).app.db);
  });

  it('refuse an answer that is not one id per key, and the batch rolls back with what it claimed', async () => {
    const db = (await harness()).app.db;
    const tid = terminal();
    const keys = [1, 2].map((s) => ({ terminalId: tid, terminalSeq: s, clearingDate: '2026-12-07' }));
    await assert.rejects(
      db.transaction(async (trx) => {
        await trx('lane_transaction_keys').insert({
          terminal_id: tid,
          terminal_seq: 9,
          transaction_id: 1,
          clearing_date: '2026-12-07',
        });
        // the function made to answer one id for two keys, in this transaction only
        await trx.raw(`create or replace function lane_claim_terminal_ids(p_terminal_id bpchar[], p_terminal_seq bigint[], p_clearing_date date[])
                       returns bigint[] language sql as 'select array[1::bigint]'`);
        await claimTerminalKeys(trx, keys);
      }),
      /one answer per key/,
    );
    assert.equal((await db('lane_transaction_keys').where({ terminal_id: tid })).length, 0);
    // the function as migrated again: one new id per key
    const ids = await db.transaction((trx) => claimTerminalKeys(trx, keys));
    assert.equal(ids.length, 2);
    assert.ok(ids.every((id) => typeof id === 'bigint'));
  });

  it('do the same on the embedded database', async function () {
    this.timeout(120_000);
    const db = createEmbeddedKnex(null);
    try {
      await migrate(db);
      await claimsAnswerAsOnce(db);
    } finally {
      await db.destroy();
    }
  });
});
