// Arrays sent in PostgreSQL's binary format (platform/db/binary-arrays.ts): every element type the
// set-based statements use comes back from real PostgreSQL exactly as its text literal does, NULLs
// and empty arrays included, inside a transaction too; the embedded database is sent the literal.
import assert from 'node:assert/strict';
import { createEmbeddedKnex, type Db } from '../../src/platform/db/knex.ts';
import {
  arraysFor,
  binaryArray,
  textArray,
  unnestedRows,
  type ArrayType,
  type ArrayValue,
} from '../../src/platform/db/binary-arrays.ts';
import { harness } from '../helpers/harness.ts';

const CASES: Array<[ArrayType, ArrayValue[]]> = [
  ['int2', [0, 1, -1, 32767, -32768, null, 340]],
  ['int4', [0, 7, -7, 2147483647, -2147483648, null, 340106]],
  [
    'int8',
    [
      0n,
      1n,
      -1n,
      9223372036854775807n,
      -9223372036854775808n,
      null,
      4294967296,
      -4294967297,
      2 ** 53 - 1,
      // either side of the two 32-bit words the integer is written as
      4294967295,
      -4294967296,
      2147483648n,
      -2147483649,
      -(2 ** 53 - 1),
    ],
  ],
  ['bool', [true, false, null, true]],
  ['date', ['2000-01-01', '1999-12-31', '1970-01-01', '2026-12-05', null, '2099-02-28', '1960-02-29']],
  [
    'timestamptz',
    [
      new Date('2026-12-05T03:04:05.678Z'),
      new Date('1999-12-31T23:59:59.999Z'),
      new Date('1970-01-01T00:00:00.000Z'),
      null,
      '2026-12-05T11:00:00.001+08:00',
    ],
  ],
  [
    'text',
    [
      '',
      'a',
      '皖A12345',
      'with "quotes", commas, {braces} and \\ backslash',
      null,
      'NULL',
      ' spaced ',
      // ASCII is copied a character to a byte, anything else through the encoder: both, side by side
      'S340102-01,S340104-02,S340106-03,S340201-04,S340204-05',
      'é',
      'ASCII then 粤B·12345 then ASCII',
      'a pair 😀 of surrogates',
      '\u007f\u0080',
    ],
  ],
  ['bpchar', ['3401230100000001', '34012301000000012345', null]],
];

describe('arrays in binary format', () => {
  it('come back from PostgreSQL as their text literals do, element by element', async () => {
    const h = await harness();
    for (const [type, values] of CASES) {
      const sql = `select x::text as v, x is null as n, ord from unnest(?::${type}[]) with ordinality as u(x, ord) order by ord`;
      const binary = await h.app.db.raw(sql, [binaryArray(type, values)]);
      const text = await h.app.db.raw(sql, [textArray(type, values)]);
      assert.equal(binary.rows.length, values.length, type);
      assert.deepEqual(binary.rows, text.rows, type);
      // and they are the values sent, not merely the same mistake twice
      binary.rows.forEach((r: { v: string | null; n: boolean }, i: number) => {
        assert.equal(r.n, values[i] === null, `${type}[${i}] null`);
      });
    }
    const { rows } = await h.app.db.raw(
      `select (?::int8[])[4] as big, (?::timestamptz[])[1] as at, (?::date[])[2] as d, (?::text[])[3] as plate`,
      [
        binaryArray('int8', CASES[2][1]),
        binaryArray('timestamptz', CASES[5][1]),
        binaryArray('date', CASES[4][1]),
        binaryArray('text', ['x', 'y', '皖A12345']),
      ],
    );
    assert.equal(rows[0].big, 9223372036854775807n);
    // and an int8[] read back keeps every digit, beyond 2^53 too
    const back = await h.app.db.raw(`select ?::int8[] as a`, [binaryArray('int8', CASES[2][1])]);
    assert.deepEqual(
      back.rows[0].a,
      CASES[2][1].map((v) => (v === null ? null : BigInt(v as number | bigint))),
    );
    const { rows: wide } = await h.app.db.raw(`select array[9007199254740993, -9007199254740993]::int8[] as a`);
    assert.deepEqual(wide[0].a, [9007199254740993n, -9007199254740993n]);
    assert.equal((rows[0].at as Date).toISOString(), '2026-12-05T03:04:05.678Z');
    assert.equal(rows[0].d, '1999-12-31');
    assert.equal(rows[0].plate, '皖A12345');
  });

  it('send an empty array as one of no dimensions, and are binary in a transaction of node-pg', async () => {
    const h = await harness();
    await h.app.db.transaction(async (trx) => {
      const a = arraysFor(trx);
      const p = a.int8([1n, 2n]);
      assert.ok(Buffer.isBuffer(p));
      const { rows } = await trx.raw(
        `select cardinality(?::int8[]) as empty, cardinality(?::text[]) as two, (?::int8[])[2] as second`,
        [a.int8([]), a.text(['a', 'b']), p],
      );
      assert.deepEqual(rows[0], { empty: 0, two: 2, second: 2n });
    });
  });

  it("give rows from parallel arrays in step (unnestedRows), numbered in the arrays' order, on both databases", async function () {
    this.timeout(60_000);
    const h = await harness();
    const embedded: Db = createEmbeddedKnex(null);
    try {
      for (const db of [h.app.db, embedded]) {
        const a = arraysFor(db);
        const cols = [
          ['card_no', 'bpchar'],
          ['seq', 'int4'],
          ['at', 'timestamptz'],
        ] as const;
        const rowsOf = async (cards: string[], seqs: number[], ats: Date[]) =>
          (
            await db.raw(`select v.card_no, v.seq, v.at, v.ord from ${unnestedRows(cols, 'v', 'ord')} order by v.ord`, [
              a.bpchar(cards),
              a.int4(seqs),
              a.timestamptz(ats),
            ])
          ).rows.map((r: Record<string, unknown>) => [
            r.card_no,
            r.seq,
            r.at === null ? null : new Date(r.at as string).toISOString(),
            Number(r.ord),
          ]);
        const t = (s: number) => new Date(Date.UTC(2026, 11, 7, 1, 2, s));
        // sent in an order that is not the cards' own: the rows keep the arrays' order
        assert.deepEqual(await rowsOf(['C3', 'C1', 'C2'], [30, 10, 20], [t(3), t(1), t(2)]), [
          ['C3', 30, t(3).toISOString(), 1],
          ['C1', 10, t(1).toISOString(), 2],
          ['C2', 20, t(2).toISOString(), 3],
        ]);
        // a shorter array is padded with nulls, as unnest(a, b) in FROM pads it
        assert.deepEqual(await rowsOf(['C1', 'C2'], [10], [t(1), t(2)]), [
          ['C1', 10, t(1).toISOString(), 1],
          ['C2', null, t(2).toISOString(), 2],
        ]);
        assert.deepEqual(await rowsOf([], [], []), []);
      }
    } finally {
      await embedded.destroy();
    }
  });

  it('refuse an element of the wrong kind or out of range rather than send something else', () => {
    assert.throws(() => binaryArray('int4', ['7']), TypeError);
    assert.throws(() => binaryArray('int2', [40000]), RangeError);
    // Buffer's own writers would store these as 1, 0 and 0
    assert.throws(() => binaryArray('int4', [1.5]), TypeError);
    assert.throws(() => binaryArray('int4', [NaN]), TypeError);
    assert.throws(() => binaryArray('int2', [-0.5]), TypeError);
    assert.throws(() => binaryArray('int8', [2 ** 53]), TypeError);
    assert.throws(() => binaryArray('int8', [1.5]), TypeError);
    assert.throws(() => binaryArray('date', ['2026-12-5']), TypeError);
    assert.throws(() => binaryArray('date', ['2026-02-30']), TypeError);
    assert.throws(() => binaryArray('timestamptz', ['not a time']), TypeError);
    assert.throws(() => binaryArray('text', [5]), TypeError);
    assert.throws(() => binaryArray('bool', [1]), TypeError);
  });

  it('are sent to the embedded database as text literals it reads the same way', async function () {
    this.timeout(60_000);
    const db: Db = createEmbeddedKnex(null);
    try {
      const a = arraysFor(db);
      const p = a.timestamptz([new Date('2026-12-05T03:04:05.678Z'), null]);
      assert.equal(typeof p, 'string');
      const { rows } = await db.raw(`select (?::timestamptz[])[1] as at, (?::text[])[1] as plate`, [
        p,
        a.text(['皖A12345']),
      ]);
      assert.equal(new Date(rows[0].at).toISOString(), '2026-12-05T03:04:05.678Z');
      assert.equal(rows[0].plate, '皖A12345');
      const { rows: wide } = await db.raw(`select array[9007199254740993, null]::int8[] as a`);
      assert.deepEqual(wide[0].a, [9007199254740993n, null]);
    } finally {
      await db.destroy();
    }
  });
});
