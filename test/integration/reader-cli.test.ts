// `etc demo card-stock` on the run's database: the stock file (0600) with each medium's own
// diversified keys, made only in demo mode; outside it nothing is allocated and no file written.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SoftwareHsm } from '../../src/modules/keys/index.ts';
import { cardKey } from '../../src/platform/crypto/pboc.ts';
import { readStockFile } from '../../reader/stock.ts';
import { harness } from '../helpers/harness.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('etc demo card-stock', function () {
  this.timeout(120000);
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const etc = (extra: NodeJS.ProcessEnv, ...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: ROOT,
      env: { ...env, ...extra },
      encoding: 'utf8',
    });
  const stockRows = async () => Number((await (await harness()).app.db('medium_stock').count({ n: '*' }))[0].n);

  before(async () => {
    const h = await harness();
    dir = mkdtempSync(join(tmpdir(), 'etc-stock-'));
    env = {
      ...process.env,
      DATABASE_URL: process.env.TEST_DATABASE_URL,
      ETC_KEK: h.kek.toString('hex'),
      LOG_LEVEL: 'warn',
    };
    delete env.REDIS_URL;
    delete env.ETC_DEMO;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is refused outside demo mode, allocating nothing and writing no file', async () => {
    const before = await stockRows();
    const out = join(dir, 'refused.json');
    const r = etc({}, 'demo', 'card-stock', '--count', '2', '--out', out);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /demo-mode-required/);
    // ETC_DEMO=1 with a database on another host is refused at start: reader-counter.test.ts
    assert.equal(existsSync(out), false);
    assert.equal(await stockRows(), before);
  });

  it('writes a 0600 stock of diversified card keys with ETC_DEMO=1 on the local database, never overwriting it', async () => {
    const h = await harness();
    const before = await stockRows();
    const out = join(dir, 'stock.json');
    const r = etc({ ETC_DEMO: '1' }, 'demo', 'card-stock', '--count', '2', '--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /wrote 4 blank cards and 2 blank OBUs/);
    assert.equal(statSync(out).mode & 0o777, 0o600);
    const stock = readStockFile(out);
    assert.equal(await stockRows(), before + 6);
    // each key is the medium's own Div(master, serial8), never the master
    const hsm = new SoftwareHsm(h.kek);
    const masters = new Map<string, Buffer>();
    for (const m of await h.app.db('master_keys').select('purpose', 'version', 'wrapped'))
      masters.set(`${m.purpose}:${m.version}`, hsm.open('master-key', m.wrapped));
    const card = stock.cards[0];
    const serial = Buffer.from(card.cardNo.slice(4), 'hex');
    const dlk = cardKey(masters.get(`load:${card.keyVersion}`)!, serial);
    assert.equal(card.keys.load, dlk.toString('hex').toUpperCase());
    const masterHex = [...masters.values()].map((k) => k.toString('hex').toUpperCase());
    const fileText = JSON.stringify(stock);
    assert.ok(!masterHex.some((k) => fileText.includes(k)), 'no master key in the stock');
    // an existing file is never overwritten
    writeFileSync(join(dir, 'taken.json'), '{}');
    const again = etc({ ETC_DEMO: '1' }, 'demo', 'card-stock', '--count', '1', '--out', join(dir, 'taken.json'));
    assert.equal(again.status, 2);
    assert.match(again.stderr, /exists/);
    assert.equal(await stockRows(), before + 6);
  });
});
