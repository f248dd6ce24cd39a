import assert from 'node:assert/strict';
import { fastUploadBody, uploadBody } from '../../src/modules/lanes/ingest-schema.ts';

// The compiled lane-batch check must accept exactly what the zod schema accepts, with the same
// output; anything else goes to zod, which words the refusal.
const base = {
  terminalId: '0a1b2c3d4e5f',
  terminalSeq: 4_294_967_295,
  transType: '09',
  time: '2026-12-04T10:11:12+08:00',
  cardNo: '34010000000000001234',
  cardType: 22,
  vehicleClass: 1,
  fee: 4500,
  amount: 4275,
  offlineSeq: 65535,
  tac: 'aabbccdd',
};
const full = {
  ...base,
  time: '2026-12-04T02:11:12.123456Z',
  obuId: '1234567890123456',
  plate: '皖A12345',
  plateColor: 0,
  entry: { network: '3401', station: 340102, lane: 1, time: '2026-12-04T09:00:00+08:00' },
  exit: { network: '3401', station: 340104, lane: 255, time: '2026-12-04T10:11:12+08:00' },
  sections: ['G40-01', 'G40-02'],
  balanceBefore: 100_000,
  balanceAfter: 95_725,
};

const refusals: Array<[string, unknown]> = [
  ['unknown field', { ...base, extra: 1 }],
  ['unknown field of a point', { ...full, entry: { ...full.entry, x: 1 } }],
  ['terminal id length', { ...base, terminalId: '0A1B2C3D4E' }],
  ['terminal seq above u32', { ...base, terminalSeq: 4_294_967_296 }],
  ['negative fee', { ...base, fee: -1 }],
  ['fractional amount', { ...base, amount: 1.5 }],
  ['amount as a string', { ...base, amount: '4275' }],
  ['time without offset', { ...base, time: '2026-12-04T10:11:12' }],
  ['impossible time', { ...base, time: '2026-13-45T10:11:12Z' }],
  // years the centre could not store or give back as written: 10000 in UTC, and 0000
  ['a time in year 10000 UTC', { ...base, time: '9999-12-31T23:00:00-12:00' }],
  ['a time in year 0000', { ...base, time: '0000-06-01T00:00:00Z' }],
  ['an entry in year 10000 UTC', { ...full, entry: { ...full.entry, time: '9999-12-31T13:00:00-11:00' } }],
  ['card number', { ...base, cardNo: '3401' }],
  ['obu number', { ...base, obuId: '12' }],
  ['plate too long', { ...base, plate: 'x'.repeat(21) }],
  ['plate color', { ...base, plateColor: 100 }],
  ['null optional', { ...base, plate: null }],
  ['section id', { ...base, sections: ['G40 01'] }],
  ['too many sections', { ...base, sections: Array.from({ length: 65 }, () => 'S') }],
  ['point station', { ...full, exit: { ...full.exit, station: -1 } }],
  ['point network', { ...full, exit: { ...full.exit, network: '34' } }],
  ['balance above u32', { ...full, balanceAfter: 2 ** 32 }],
  ['offline seq above u16', { ...base, offlineSeq: 65536 }],
  ['tac', { ...base, tac: 'XYZ' }],
  ['a transaction that is not an object', 'x'],
];

describe('lane upload: the compiled check agrees with the schema', () => {
  it('accepts what the schema accepts, with the same output', () => {
    const edges = [
      { ...base, time: '0001-01-01T00:00:00Z' },
      { ...base, time: '9999-12-31T23:59:59+08:00' },
    ];
    for (const txs of [[base], [full], [base, full], edges, Array.from({ length: 1000 }, () => full)]) {
      const body = { transactions: txs };
      const want = uploadBody.safeParse(JSON.parse(JSON.stringify(body)));
      assert.ok(want.success);
      assert.deepEqual(fastUploadBody(JSON.parse(JSON.stringify(body))), want.data);
    }
  });

  it('leaves to the schema everything the schema refuses', () => {
    for (const [what, tx] of refusals) {
      const body = JSON.parse(JSON.stringify({ transactions: [base, tx] }));
      assert.equal(uploadBody.safeParse(body).success, false, what);
      assert.equal(fastUploadBody(body), undefined, what);
    }
    for (const body of [
      { transactions: [] },
      { transactions: Array.from({ length: 1001 }, () => base) },
      { transactions: [base], more: true },
      [base],
      null,
    ]) {
      assert.equal(uploadBody.safeParse(body).success, false);
      assert.equal(fastUploadBody(JSON.parse(JSON.stringify(body))), undefined);
    }
  });
});
