// The set-based split (intra-split.ts) against the reference (split.ts) on many random transactions:
// same parts to the fen, ties to the smaller operator id, one to six operators of any weights.
import assert from 'node:assert/strict';
import { largestRemainder } from '../../src/modules/clearing/index.ts';
import { splitInto } from '../../src/modules/clearing/intra-split.ts';
import { seedDemoNetwork } from '../../src/modules/lanes/index.ts';
import { Rng } from '../../lanes-sim/traffic/rng.ts';
import { harness } from '../helpers/harness.ts';

const OPERATORS = ['OP-AHGS', 'OP-HFCE', 'OP-JHBOT', 'OP-TA', 'OP-TB', 'OP-T9'];

describe('the set-based split', () => {
  it('gives every transaction exactly the reference split', async () => {
    const h = await harness();
    await seedDemoNetwork(h.app.db);
    const rng = new Rng(20261122);
    const txs = Array.from({ length: 3000 }, (_, i) => {
      const ops = rng.shuffle([...OPERATORS]).slice(0, rng.int(1, 6));
      // equal weights now and then, so that ties are decided by the operator id
      const same = rng.chance(0.3) ? rng.int(1, 9) * 100 : 0;
      return {
        id: BigInt(i + 1),
        amount: BigInt(rng.chance(0.05) ? rng.int(0, 3) : rng.int(0, 200_000)),
        ops,
        ws: ops.map(() => BigInt(same || rng.int(1, 60_000))),
      };
    });
    const trx = await h.app.db.transaction();
    try {
      await trx('operators')
        .insert(OPERATORS.filter((o) => o.startsWith('OP-T')).map((id) => ({ id, name: `test operator ${id}` })))
        .onConflict()
        .ignore();
      const date = '2031-01-07';
      await trx('clearing_days').insert({ clearing_date: date, opened_at: new Date() });
      await trx.raw('select ensure_daily_partitions(?::regclass, ?::date, 1)', ['clearing_splits', date]);
      await splitInto(trx, date, {
        sql: `select ?::date as clearing_date, x.id as transaction_id, x.amount, string_to_array(x.ops, ',') as operators, string_to_array(x.ws, ',')::bigint[] as weights, 'province:9999' as source
                from unnest(?::bigint[], ?::bigint[], ?::text[], ?::text[]) as x(id, amount, ops, ws)`,
        bindings: [
          date,
          txs.map((t) => String(t.id)),
          txs.map((t) => String(t.amount)),
          txs.map((t) => t.ops.join(',')),
          txs.map((t) => t.ws.join(',')),
        ],
      });
      const rows = await trx('clearing_splits')
        .where({ clearing_date: date })
        .select('transaction_id', 'operator_id', 'amount');
      const got = new Map<string, Map<string, bigint>>();
      for (const r of rows) {
        const m = got.get(String(r.transaction_id)) ?? new Map<string, bigint>();
        m.set(r.operator_id, BigInt(r.amount));
        got.set(String(r.transaction_id), m);
      }
      assert.equal(got.size, txs.length);
      // and the totals written with them are their sums per operator
      const totals = await trx('clearing_operator_totals').where({ clearing_date: date });
      for (const op of OPERATORS) {
        const mine = rows.filter((r) => r.operator_id === op);
        const t = totals.find((x) => x.operator_id === op);
        assert.deepEqual(
          t ? [BigInt(t.transactions), BigInt(t.amount)] : [0n, 0n],
          [BigInt(mine.length), mine.reduce((a, r) => a + BigInt(r.amount), 0n)],
          op,
        );
      }
      for (const t of txs) {
        const want = largestRemainder(
          t.amount,
          t.ops.map((key, i) => ({ key, weight: t.ws[i] })),
        );
        assert.deepEqual(
          got.get(String(t.id)),
          want,
          `transaction ${t.id}: ${t.amount} by ${t.ops.map((o, i) => `${o}=${t.ws[i]}`).join(' ')}`,
        );
      }
    } finally {
      await trx.rollback();
    }
  });
});
