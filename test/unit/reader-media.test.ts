// The virtual reader's media on their own: secure-messaging writes checked with the medium's own key,
// the state kept across a restart of the reader, and a stock file others may read refused.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mac16 } from '../../src/platform/crypto/pboc.ts';
import { DEMO_STOCK_FORMAT } from '../../src/modules/keys/index.ts';
import { parseStock, readStockFile, type Stock } from '../../reader/stock.ts';
import { ReaderFault, VirtualReader } from '../../reader/virtual-reader.ts';

const key = () => randomBytes(16).toString('hex').toUpperCase();
const stock: Stock = parseStock({
  format: DEMO_STOCK_FORMAT,
  network: '3401',
  createdAt: new Date().toISOString(),
  cards: [
    {
      cardNo: '34012622000000000077',
      cardType: 22,
      keyVersion: 1,
      keys: { load: key(), tac: key(), purchase: key(), maintenance: key() },
    },
  ],
  obus: [{ obuNo: '3401260000000077', keys: { maintenance: key(), vehicle: key() } }],
});

// What the key service would compute for this card: 04 D6 96 00 Lc ‖ data ‖ MAC16(AMK, …, challenge ‖ 0…)
function write0016(challenge: string, data: Buffer, amk = stock.cards[0].keys.maintenance): string {
  const cmd = Buffer.concat([Buffer.from([0x04, 0xd6, 0x96, 0x00, data.length + 4]), data]);
  const mac = mac16(Buffer.from(amk, 'hex'), cmd, Buffer.concat([Buffer.from(challenge, 'hex'), Buffer.alloc(4)]));
  return Buffer.concat([cmd, mac]).toString('hex').toUpperCase();
}

describe('virtual reader media', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'reader-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a file under the card maintenance key and refuses one under another key', () => {
    const r = new VirtualReader({ stock });
    r.insert({ kind: 'blank-card', cardType: 22 });
    const data = Buffer.alloc(55, 0x31);
    assert.throws(
      () => r.write([{ file: '0016', command: write0016(r.challenge('0016'), data, key()) }]),
      (e: unknown) => e instanceof ReaderFault && e.sw === '6988',
    );
    assert.equal(r.readCard().file0016, '00'.repeat(55));
    r.write([{ file: '0016', command: write0016(r.challenge('0016'), data) }]);
    assert.equal(r.readCard().file0016, data.toString('hex').toUpperCase());
    // an OBU file with a card on the reader, and a write addressed to another file than it says
    assert.throws(
      () => r.challenge('system'),
      (e: unknown) => e instanceof ReaderFault && e.code === 'wrong-medium',
    );
    const c = r.challenge('0015');
    assert.throws(
      () => r.write([{ file: '0015', command: write0016(c, data) }]),
      (e: unknown) => e instanceof ReaderFault && e.sw === '6A82',
    );
  });

  it('keeps purses and files across a restart of the reader', () => {
    const statePath = join(dir, 'state.json');
    const a = new VirtualReader({ stock, statePath });
    a.insert({ kind: 'blank-card', cardType: 22 });
    const data = Buffer.alloc(55, 0x41);
    a.write([{ file: '0016', command: write0016(a.challenge('0016'), data) }]);
    const init = a.loadInit({ amount: 500 });
    assert.equal(init.card.onlineSeq, 0);
    const b = new VirtualReader({ stock, statePath });
    assert.deepEqual(b.status().medium, a.status().medium);
    assert.deepEqual(b.readCard(), a.readCard());
    // the blank card taken is not handed out again
    assert.throws(
      () => b.insert({ kind: 'blank-card', cardType: 22 }),
      (e: unknown) => e instanceof ReaderFault && e.code === 'stock-exhausted',
    );
  });

  it('refuses a stock file that others may read, and one that is not a stock', () => {
    const file = join(dir, 'stock.json');
    writeFileSync(file, JSON.stringify(stock), { mode: 0o644 });
    chmodSync(file, 0o644);
    assert.throws(() => readStockFile(file), /readable by others/);
    chmodSync(file, 0o600);
    assert.equal(readStockFile(file).cards[0].cardNo, stock.cards[0].cardNo);
    assert.throws(() => parseStock({ ...stock, format: 'something-else' }), /not a demo card stock/);
    assert.throws(() => parseStock({ ...stock, cards: [{ ...stock.cards[0], keys: {} }] }), /not a demo card stock/);
  });
});
