// The counter with the virtual card reader: a demo card stock, a card issued onto a stock number,
// personalised through the reader with the centre's write commands, loaded through the reader and
// the centre's load API; and the refusals around the stock, the reader and the card.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { balanceOf } from '../../src/modules/ledger/index.ts';
import { makeDemoStock } from '../../src/modules/issuance/index.ts';
import { createReaderClient, ReaderError, type ReaderClient } from '../../reader/client.ts';
import { createReaderServer, type ReaderServer } from '../../reader/server.ts';
import { parseStock, type Stock } from '../../reader/stock.ts';
import { VirtualReader } from '../../reader/virtual-reader.ts';
import { digest } from '../helpers/digest.ts';
import { customerWithVehicle, type CustomerFixture } from '../helpers/fixtures.ts';
import { harness, loginAs } from '../helpers/harness.ts';
import { assertLedgerHolds, journal } from '../helpers/ledger.ts';

const CONSOLE = 'http://localhost:8080';
const TOKEN = 'pairing-token-of-this-test';

// A raw request with headers a browser would send (Origin), which fetch may not let us set.
function raw(url: string, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: any }>((resolve, reject) => {
    const u = new URL(path, url);
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      u,
      { method, headers: { ...headers, ...(data ? { 'Content-Type': 'application/json' } : {}) } },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : null }),
        );
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function refusal(p: Promise<unknown>): Promise<ReaderError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ReaderError) return err;
    throw err;
  }
  assert.fail('the reader accepted it');
}

describe('the counter with the virtual card reader', function () {
  this.timeout(30000);
  let clerk: string;
  let stock: Stock;
  let srv: ReaderServer;
  let url: string;
  let reader: ReaderClient;

  before(async () => {
    const h = await harness();
    clerk = (await loginAs('clerk')).auth;
    // the harness runs on PostgreSQL without ETC_DEMO; this stock is made as in demo mode
    const file = await makeDemoStock(
      { ...h.app, config: { ...h.app.config, demo: true } },
      { cards22: 5, cards23: 1, obus: 1 },
    );
    stock = parseStock(JSON.parse(JSON.stringify(file))); // as the reader reads it from the file
    srv = createReaderServer({ reader: new VirtualReader({ stock }), origin: CONSOLE, token: TOKEN });
    url = await srv.listen(0);
    reader = createReaderClient({ url, token: TOKEN });
  });
  after(async () => srv?.close());

  async function issueOntoBlankCard(f: CustomerFixture) {
    const h = await harness();
    const blank = await reader.admin.insert({ kind: 'blank-card', cardType: 22 });
    assert.equal(blank.kind, 'card');
    const cardNo = blank.kind === 'card' ? blank.cardNo : '';
    const challenge = await reader.challenge('0015');
    const issued = await request(h.http)
      .post('/api/v1/cards')
      .set('Authorization', clerk)
      .send({
        customerId: f.customerId,
        vehicleId: f.vehicleId,
        cardType: 22,
        payment: { method: 'cash' },
        cardNo,
        challenge,
      })
      .expect(201);
    assert.equal(issued.body.card.cardNo, cardNo, 'issued onto the stock number');
    assert.deepEqual(await reader.write(issued.body.personalisation.writes), {
      results: [{ file: '0015', sw: '9000' }],
    });
    const c16 = await reader.challenge('0016');
    const w16 = await request(h.http)
      .post(`/api/v1/cards/${cardNo}/file-writes`)
      .set('Authorization', clerk)
      .send({ file: '0016', challenge: c16 })
      .expect(200);
    await reader.write([w16.body.write]);
    return cardNo;
  }

  it('makes a stock of numbers recorded in the centre, with card keys only in the file', async () => {
    const h = await harness();
    assert.equal(stock.cards.length, 6);
    assert.equal(stock.obus.length, 1);
    const rows = await h.app
      .db('medium_stock')
      .whereIn('medium_no', [...stock.cards.map((c) => c.cardNo), ...stock.obus.map((o) => o.obuNo)]);
    assert.equal(rows.length, 7);
    assert.ok(rows.every((r) => r.used_at === null));
    for (const c of stock.cards) {
      assert.match(c.cardNo, new RegExp(`^3401\\d{2}${c.cardType}\\d{12}$`));
      assert.equal(new Set(Object.values(c.keys)).size, 4, 'one key per purpose');
    }
  });

  it('issues, personalises and reads back a card, loads it at the counter and shows the balance', async () => {
    const h = await harness();
    const f = await customerWithVehicle(clerk);
    const cardNo = await issueOntoBlankCard(f);
    assert.ok((await h.app.db('medium_stock').where({ medium: 'card', medium_no: cardNo }).first()).used_at);

    const status = await reader.status();
    assert.deepEqual(status.medium, { kind: 'card', cardNo, cardType: 22, blank: false });
    const files = await reader.readCard();
    assert.equal(files.issuance?.serial, cardNo.slice(4));
    assert.equal(files.issuance?.network, '3401');
    assert.equal(files.issuance?.plate, f.plate);
    assert.equal(files.issuance?.cardType, 22);
    assert.equal(files.holder?.name, '张三');
    assert.equal(files.holder?.idNumber, f.idNumber);
    assert.deepEqual([files.balance, files.onlineSeq], [0, 0]);

    // the counter load: card → centre → card → centre
    const cash = await balanceOf(h.app.db, 'counter-cash');
    const init = await reader.loadInit({ amount: 12_345 });
    assert.equal(init.cardNo, cardNo);
    const auth = await request(h.http)
      .post('/api/v1/channel/loads')
      .set('Authorization', clerk)
      .set('Idempotency-Key', randomUUID())
      .send({ ...init, payment: { method: 'cash' } })
      .expect(201);
    const credit = await reader.loadCredit({
      hostDate: auth.body.hostDate,
      hostTime: auth.body.hostTime,
      mac2: auth.body.mac2,
    });
    assert.deepEqual([credit.balance, credit.onlineSeq], [12_345, 1]);
    const conf = await request(h.http)
      .post(`/api/v1/channel/loads/${auth.body.loadId}/confirm`)
      .set('Authorization', clerk)
      .set('Idempotency-Key', randomUUID())
      .send({ tac: credit.tac })
      .expect(200);
    assert.deepEqual([conf.body.status, conf.body.balance], ['confirmed', 12_345]);
    assert.equal((await reader.readCard()).balance, 12_345);
    assert.equal(await balanceOf(h.app.db, 'counter-cash'), cash + 12_345n);
    assert.deepEqual(await journal('load-confirm', auth.body.loadId), {
      'loads-in-flight': 12_345n,
      'purse-float': -12_345n,
    });
    const card = await request(h.http).get(`/api/v1/cards/${cardNo}`).set('Authorization', clerk).expect(200);
    assert.equal(card.body.card.status, 1);
    await assertLedgerHolds();
  });

  // the counter's load steps through the reader, as the console runs them
  async function counterLoad(amount: number, method: 'cash' | 'carry-over') {
    const h = await harness();
    const init = await reader.loadInit({ amount });
    const auth = await request(h.http)
      .post('/api/v1/channel/loads')
      .set('Authorization', clerk)
      .set('Idempotency-Key', randomUUID())
      .send({ ...init, payment: { method } })
      .expect(201);
    const { hostDate, hostTime, mac2 } = auth.body;
    const credit = await reader.loadCredit({ hostDate, hostTime, mac2 });
    await request(h.http)
      .post(`/api/v1/channel/loads/${auth.body.loadId}/confirm`)
      .set('Authorization', clerk)
      .set('Idempotency-Key', randomUUID())
      .send({ tac: credit.tac })
      .expect(200);
    return auth.body.loadId as string;
  }

  it('replaces a card onto a blank stock card and loads the carried balance onto it through the reader', async () => {
    const h = await harness();
    const f = await customerWithVehicle(clerk);
    const oldNo = await issueOntoBlankCard(f);
    await counterLoad(3_000, 'cash');
    const blank = await reader.admin.insert({ kind: 'blank-card', cardType: 22 });
    const newNo = blank.kind === 'card' ? blank.cardNo : '';
    const replaced = await request(h.http)
      .post(`/api/v1/cards/${oldNo}/replacement`)
      .set('Authorization', clerk)
      .send({
        reason: 'damaged',
        payment: { method: 'cash' },
        newCardNo: newNo,
        challenge: await reader.challenge('0015'),
      })
      .expect(201);
    assert.equal(replaced.body.card.cardNo, newNo);
    await reader.write(replaced.body.personalisation.writes);
    assert.equal((await reader.readCard()).issuance?.plate, f.plate);
    const loadId = await counterLoad(3_000, 'carry-over');
    assert.equal((await reader.readCard()).balance, 3_000);
    assert.deepEqual(await journal('load-authorise', loadId), { 'balance-carry': 3_000n, 'loads-in-flight': -3_000n });
    // the old card keeps its purse: it is cancelled in the centre, not emptied
    await reader.admin.insert({ kind: 'card', cardNo: oldNo });
    assert.equal((await reader.readCard()).balance, 3_000);
    await assertLedgerHolds();
  });

  it('issues an OBU onto a stock number and writes and activates its ESAM through the reader', async () => {
    const h = await harness();
    const f = await customerWithVehicle(clerk);
    const blank = await reader.admin.insert({ kind: 'blank-obu' });
    const obuNo = blank.kind === 'obu' ? blank.obuNo : '';
    assert.equal(obuNo, stock.obus[0].obuNo);
    const challenge = await reader.challenge('system');
    const vehicleChallenge = await reader.challenge('vehicle');
    const issued = await request(h.http)
      .post('/api/v1/obus')
      .set('Authorization', clerk)
      .send({
        customerId: f.customerId,
        vehicleId: f.vehicleId,
        payment: { method: 'cash' },
        obuNo,
        challenge,
        vehicleChallenge,
      })
      .expect(201);
    await reader.write(issued.body.personalisation.writes);
    let files = await reader.readObu();
    assert.equal(files.systemFile.slice(0, 54), issued.body.personalisation.systemFile.slice(0, 54));
    assert.equal(files.vehicleFile, issued.body.personalisation.vehicleFile);
    assert.equal(files.activated, false);
    const act = await request(h.http)
      .post(`/api/v1/obus/${obuNo}/activation`)
      .set('Authorization', clerk)
      .send({ challenge: await reader.challenge('system') })
      .expect(200);
    await reader.write([act.body.write]);
    files = await reader.readObu();
    assert.equal(files.activated, true);
    // the blank OBU stock is used up
    assert.equal((await refusal(reader.admin.insert({ kind: 'blank-obu' }))).code, 'stock-exhausted');
  });

  it('refuses a file write whose MAC does not verify, and changes nothing on the card', async () => {
    const h = await harness();
    const f = await customerWithVehicle(clerk);
    const cardNo = await issueOntoBlankCard(f);
    const before = await reader.readCard();
    const challenge = await reader.challenge('0016');
    const w = await request(h.http)
      .post(`/api/v1/cards/${cardNo}/file-writes`)
      .set('Authorization', clerk)
      .send({ file: '0016', challenge })
      .expect(200);
    const cmd: string = w.body.write.command;
    const bad = cmd.slice(0, -2) + (parseInt(cmd.slice(-2), 16) ^ 0x01).toString(16).padStart(2, '0').toUpperCase();
    const e = await refusal(reader.write([{ file: '0016', command: bad }]));
    assert.deepEqual([e.status, e.code, e.sw], [422, 'card-refused', '6988']);
    // the challenge was used up by the failed attempt: the genuine command is refused too
    const again = await refusal(reader.write([w.body.write]));
    assert.equal(again.sw, '6985');
    // altered data under the original MAC is refused as well
    const c2 = await reader.challenge('0016');
    const w2 = await request(h.http)
      .post(`/api/v1/cards/${cardNo}/file-writes`)
      .set('Authorization', clerk)
      .send({ file: '0016', challenge: c2 })
      .expect(200);
    const altered = w2.body.write.command.slice(0, 14) + 'FF' + w2.body.write.command.slice(16);
    assert.equal((await refusal(reader.write([{ file: '0016', command: altered }]))).sw, '6988');
    assert.deepEqual(await reader.readCard(), before);
  });

  it('issuance refuses a number outside the stock, a used one and one of the other card type, changing nothing', async () => {
    const h = await harness();
    const f = await customerWithVehicle(clerk);
    const issue = (cardNo: string, cardType = 22) =>
      request(h.http)
        .post('/api/v1/cards')
        .set('Authorization', clerk)
        .send({ customerId: f.customerId, vehicleId: f.vehicleId, cardType, payment: { method: 'cash' }, cardNo });
    const used = (await h.app.db('medium_stock').whereNotNull('used_at').where({ medium: 'card' }).first()).medium_no;
    const unused23 = stock.cards.find((c) => c.cardType === 23)!.cardNo;
    const d0 = await digest(h.app.db);
    let r = await issue('34012622999999999999');
    assert.deepEqual([r.status, r.body.error.code], [422, 'stock-number-unknown']);
    r = await issue(used);
    assert.deepEqual([r.status, r.body.error.code], [409, 'stock-number-used']);
    r = await issue(unused23, 22);
    assert.deepEqual([r.status, r.body.error.code], [422, 'stock-number-unknown']);
    r = await issue('1234');
    assert.deepEqual([r.status, r.body.error.code], [400, 'invalid-request']);
    assert.deepEqual(await digest(h.app.db), d0);
    // the right type is accepted
    await issue(unused23, 23).expect(201);
  });

  it('refuses a stock outside demo mode, allocating nothing', async () => {
    const h = await harness();
    const d0 = await digest(h.app.db);
    await assert.rejects(makeDemoStock(h.app, { cards22: 1, cards23: 1, obus: 1 }), { code: 'demo-mode-required' });
    assert.deepEqual(await digest(h.app.db), d0);
    assert.equal(h.app.config.demo, false, 'PostgreSQL without ETC_DEMO is not demo mode');
  });

  it('refuses ETC_DEMO=1 with a production-looking set-up, and admits it on a local database', () => {
    const kek = 'ab'.repeat(32);
    const env = (extra: Record<string, string>) => ({ ETC_KEK: kek, ETC_DATA_DIR: '/tmp/etc-test-data', ...extra });
    assert.throws(
      () => loadConfig(env({ ETC_DEMO: '1', DATABASE_URL: 'postgres://etc@db.internal.example:5432/etc' })),
      (e: unknown) => e instanceof ConfigError && /ETC_DEMO/.test(e.message),
    );
    assert.throws(
      () => loadConfig(env({ ETC_DEMO: '1', DATABASE_URL: 'postgres://etc@127.0.0.1/etc', NODE_ENV: 'production' })),
      ConfigError,
    );
    assert.throws(() => loadConfig(env({ ETC_DEMO: 'yes' })), ConfigError);
    assert.equal(loadConfig(env({ ETC_DEMO: '1', DATABASE_URL: 'postgres://etc@127.0.0.1/etc' })).demo, true);
    assert.equal(loadConfig(env({ DATABASE_URL: 'postgres://etc@127.0.0.1/etc' })).demo, false);
    assert.equal(loadConfig(env({})).demo, true, 'the embedded database is the demo');
  });

  it('refuses a reader call without the pairing token, with a wrong one, or from another origin', async () => {
    const before = await reader.status();
    let r = await raw(url, 'GET', '/v1/status', {});
    assert.deepEqual([r.status, r.body.error.code], [401, 'reader-token-required']);
    r = await raw(url, 'POST', '/v1/admin/remove', { 'X-Reader-Token': TOKEN.slice(1) + 'x' }, {});
    assert.deepEqual([r.status, r.body.error.code], [401, 'reader-token-required']);
    r = await raw(url, 'POST', '/v1/admin/remove', { 'X-Reader-Token': TOKEN, Origin: 'https://evil.example' }, {});
    assert.deepEqual([r.status, r.body.error.code], [403, 'origin-not-allowed']);
    assert.equal(r.headers['access-control-allow-origin'], undefined);
    r = await raw(url, 'OPTIONS', '/v1/admin/remove', {
      Origin: 'https://evil.example',
      'Access-Control-Request-Method': 'POST',
    });
    assert.equal(r.status, 403, 'no preflight for another origin');
    assert.deepEqual(await reader.status(), before, 'nothing was removed');
    // a page under another host name resolving to the loopback (DNS rebinding)
    r = await raw(url, 'GET', '/v1/status', { 'X-Reader-Token': TOKEN, Host: `rebind.example:${new URL(url).port}` });
    assert.deepEqual([r.status, r.body.error.code], [403, 'host-not-allowed']);
    // the paired console: preflight and call
    r = await raw(url, 'OPTIONS', '/v1/status', { Origin: CONSOLE, 'Access-Control-Request-Method': 'GET' });
    assert.equal(r.status, 204);
    assert.equal(r.headers['access-control-allow-origin'], CONSOLE);
    assert.match(String(r.headers['access-control-allow-headers']), /X-Reader-Token/);
    r = await raw(url, 'GET', '/v1/status', { 'X-Reader-Token': TOKEN, Origin: CONSOLE });
    assert.equal(r.status, 200);
    assert.equal(r.headers['access-control-allow-origin'], CONSOLE);
  });

  it('answers the protocol errors: empty slot, wrong medium, bad input, MAC2 refused', async () => {
    await reader.admin.remove();
    assert.equal((await reader.status()).medium, null);
    assert.equal((await refusal(reader.readCard())).code, 'no-medium');
    const obuNo = stock.obus[0].obuNo;
    await reader.admin.insert({ kind: 'obu', obuNo });
    assert.equal((await refusal(reader.loadInit({ amount: 100 }))).code, 'wrong-medium');
    assert.equal(
      (await refusal(reader.admin.insert({ kind: 'card', cardNo: '34012622999999999999' }))).code,
      'medium-unknown',
    );
    const bad = await refusal(reader.loadInit({ amount: -1 }));
    assert.deepEqual([bad.status, bad.code], [400, 'invalid-request']);
    const cardNo = stock.cards.find((c) => c.cardType === 22)!.cardNo;
    await reader.admin.insert({ kind: 'card', cardNo });
    const balance = (await reader.readCard()).balance;
    await reader.loadInit({ amount: 100 });
    const e = await refusal(reader.loadCredit({ hostDate: '20261204', hostTime: '120000', mac2: '00000000' }));
    assert.deepEqual([e.code, e.sw], ['card-refused', '9302']);
    assert.equal((await reader.readCard()).balance, balance);
  });
});
