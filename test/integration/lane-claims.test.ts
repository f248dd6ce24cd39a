// Lane ingest's key claims (migration 0200): a plain insert when every key is new, the ON CONFLICT
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
  assert.deepEqual([...first.keys()].sort(), [`${tid}|1`, `${tid}|2`, `${tid}|3`]);
  assert.equal(new Set(first.values()).size, 3);
  // 2 is taken: only 4 and 5 are claimed, and the failed plain attempt left no row behind
  const second = await db.transaction((trx) => claimTerminalKeys(trx, keys([4, 2, 5])));
  assert.deepEqual([...second.keys()].sort(), [`${tid}|4`, `${tid}|5`]);
  const stored = await db('lane_transaction_keys').where({ terminal_id: tid }).orderBy('terminal_seq');
  assert.deepEqual(
    stored.map((r) => [Number(r.terminal_seq), String(r.transaction_id)]),
    [
      [1, String(first.get(`${tid}|1`))],
      [2, String(first.get(`${tid}|2`))],
      [3, String(first.get(`${tid}|3`))],
      [4, String(second.get(`${tid}|4`))],
      [5, String(second.get(`${tid}|5`))],
    ],
  );

  // a taken key between two new ones: the function's own rows are the new keys once each (a plain
  // attempt that failed half-way has returned nothing)
  const a = arraysFor(db);
  const { rows } = await db.raw(
    'select o_terminal_seq from lane_claim_terminal_keys(?::bpchar[], ?::int8[], ?::date[]) order by 1',
    [a.bpchar([tid, tid, tid]), a.int8([0, 3, 6]), a.date(['2026-12-07', '2026-12-07', '2026-12-07'])],
  );
  assert.deepEqual(
    rows.map((r: { o_terminal_seq: bigint }) => Number(r.o_terminal_seq)),
    [0, 6],
  );

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
