// Both bank adapters end to end against the real centre: a virtual branch drives a virtual card
// through native messages → adapter → signed channel API → key service, and back onto the card.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { importKeys } from '../../src/modules/keys/index.ts';
import { kcv } from '../../src/platform/crypto/pboc.ts';
import { VirtualCard, type MasterKeys } from '../../lanes-sim/card/virtual-card.ts';
import { createCmbAdapter } from '../../bank-adapters/cmb/adapter.ts';
import { createIcbcAdapter } from '../../bank-adapters/icbc/adapter.ts';
import { beijingStamp } from '../../bank-adapters/common.ts';
import { VirtualBranch, type BankName, type JournalEntry } from '../../bank-adapters/virtual-branch.ts';
import { harness, loginAs, newClient, signed, type TestClient } from '../helpers/harness.ts';
import { customerWithVehicle } from '../helpers/fixtures.ts';

// Key versions no other test uses: the card reports its version, the centre picks the masters by it.
const KEY_VERSION: Record<BankName, number> = { icbc: 150, cmb: 151 };
const NATIVE = {
  icbc: { ok: '0000', mac1Invalid: '1004', cardCredited: '1009', loadReversed: '1007' },
  cmb: { ok: 'CMB0000', mac1Invalid: 'E1004', cardCredited: 'E1009', loadReversed: 'E1007' },
};

type Bank = { name: BankName; client: TestClient; branch: VirtualBranch; url: string };

describe('bank adapters against the centre', function () {
  this.timeout(60_000);
  const servers: http.Server[] = [];
  const masters = new Map<number, MasterKeys>();
  let clerk: string;
  let centreUrl: string;
  let channelPresent = false;

  async function listen(handler: http.RequestListener): Promise<string> {
    const server = http.createServer(handler).listen(0, '127.0.0.1');
    servers.push(server);
    await once(server, 'listening');
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  // A bank of its own (client, adapter, branch), so that its reconciliation day holds only its loads.
  async function bank(name: BankName): Promise<Bank> {
    const h = await harness();
    const client = await newClient('bank');
    const now = () => h.clock.now().getTime(); // the centre judges X-Timestamp by its own (manual) clock
    const opts = { centreUrl, clientId: client.id, secret: client.secret, now };
    const url = await listen(name === 'icbc' ? createIcbcAdapter(opts) : createCmbAdapter(opts));
    return { name, client, url, branch: new VirtualBranch({ baseUrl: url, bank: name, now }) };
  }

  async function card(name: BankName): Promise<VirtualCard> {
    const h = await harness();
    const f = await customerWithVehicle(clerk);
    const res = await request(h.http)
      .post('/api/v1/cards')
      .set('Authorization', clerk)
      .send({ customerId: f.customerId, vehicleId: f.vehicleId, cardType: 22, payment: { method: 'cash' } })
      .expect(201);
    const version = KEY_VERSION[name];
    return new VirtualCard({ cardNo: res.body.card.cardNo, masters: masters.get(version)!, keyVersion: version });
  }

  async function centreLoad(b: Bank, loadId: string) {
    const res = await signed(b.client, 'get', `/api/v1/channel/loads/${loadId}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { load: Record<string, unknown>; history: unknown[] };
  }

  before(async function () {
    const h = await harness();
    centreUrl = await listen(h.http);
    clerk = (await loginAs('clerk')).auth;
    // the centre's channel API is another team's module: without it there is nothing to test against
    const probe = await signed(
      await newClient('bank'),
      'post',
      '/api/v1/channel/loads',
      {},
      { idempotencyKey: `probe-${randomBytes(4).toString('hex')}` },
    );
    channelPresent = probe.status !== 404;
    if (!channelPresent) return;
    for (const version of Object.values(KEY_VERSION)) {
      // random per run and never in a fixture; the purchase master only builds the card
      const m = { load: randomBytes(16), tac: randomBytes(16), purchase: randomBytes(16) };
      await importKeys(h.app.db, h.app.keys.hsm, {
        keys: (['load', 'tac'] as const).map((purpose) => ({
          purpose,
          version,
          value: m[purpose].toString('hex'),
          kcv: kcv(m[purpose]).toString('hex'),
        })),
      });
      masters.set(version, m);
    }
    await h.app.keys.load(h.app.db);
  });

  beforeEach(function () {
    if (!channelPresent) this.skip();
  });

  after(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
  });

  for (const name of ['icbc', 'cmb'] as const) {
    describe(name.toUpperCase(), () => {
      it('loads a card end to end: the card, the confirm answer and the centre agree', async () => {
        const b = await bank(name);
        const c = await card(name);
        const first = await b.branch.topUp(c, 10_000);
        assert.equal(first.outcome, 'confirmed', JSON.stringify(first));
        assert.equal(first.confirm?.code, NATIVE[name].ok);
        assert.equal(first.confirm?.body.balance, 10_000);
        const second = await b.branch.topUp(c, 2_550);
        assert.equal(second.outcome, 'confirmed', JSON.stringify(second));
        assert.equal(c.balance, 12_550);
        assert.equal(c.onlineSeq, 2);
        assert.equal(second.confirm?.body.balance, c.balance);
        const { load, history } = await centreLoad(b, second.loadId!);
        assert.equal(load.status, 'confirmed');
        assert.equal(load.cardNo, c.cardNo);
        assert.equal(Number(load.amount), 2_550);
        assert.equal(Number(load.balanceBefore) + Number(load.amount), c.balance);
        assert.equal(load.onlineSeq, 1);
        assert.match(String(load.bankReference), name === 'icbc' ? /^ICBC-\d{20}$/ : /^CMB-CMB\d{24}$/);
        assert.ok(history.length >= 1);
        const q = await b.branch.query(second.loadId!);
        assert.deepEqual(
          [q.code, q.body.status, q.body.amount, q.body.cardNo],
          [NATIVE[name].ok, 'confirmed', 2_550, c.cardNo],
        );
      });

      it('answers a tampered MAC1 with the native code for mac1-invalid and leaves the card alone', async () => {
        const b = await bank(name);
        const c = await card(name);
        const flip = (hex: string) => (parseInt(hex[0], 16) ^ 1).toString(16).toUpperCase() + hex.slice(1);
        const r = await b.branch.topUp(c, 5_000, { tamper: (init) => ({ ...init, mac1: flip(init.mac1) }) });
        assert.equal(r.outcome, 'refused');
        assert.equal(r.init?.code, NATIVE[name].mac1Invalid);
        assert.equal(r.loadId, undefined);
        assert.deepEqual([c.balance, c.onlineSeq], [0, 0]);
        // the genuine card still loads afterwards
        assert.equal((await b.branch.topUp(c, 5_000)).outcome, 'confirmed');
      });

      it('reverses a load torn before the card write, and refuses to reverse one the card took', async () => {
        const b = await bank(name);
        const c = await card(name);
        const torn = await b.branch.topUp(c, 3_000, { tear: 'before-write', reverse: true });
        assert.equal(torn.outcome, 'reversed', JSON.stringify(torn));
        assert.equal(torn.reversal?.code, NATIVE[name].ok);
        assert.deepEqual([c.balance, c.onlineSeq], [0, 0]);
        assert.equal((await centreLoad(b, torn.loadId!)).load.status, 'reversed');
        assert.equal((await b.branch.query(torn.loadId!)).body.status, 'reversed');
        // a reversal repeated with a new serial is harmless; a confirm after it is refused natively
        assert.equal((await b.branch.reverse(torn.loadId!, c)).code, NATIVE[name].ok);
        assert.equal((await b.branch.confirm(torn.loadId!, '00000000')).code, NATIVE[name].loadReversed);

        const credited = await b.branch.topUp(c, 4_000, { tear: 'after-write', reverse: true });
        assert.equal(credited.outcome, 'reversal-refused', JSON.stringify(credited));
        assert.equal(credited.reversal?.code, NATIVE[name].cardCredited);
        assert.deepEqual([c.balance, c.onlineSeq], [4_000, 1]);
        // the next load carries the evidence; the centre settles the torn one and goes on
        const next = await b.branch.topUp(c, 1_000);
        assert.equal(next.outcome, 'confirmed', JSON.stringify(next));
        assert.equal(next.confirm?.body.balance, 5_000);
        assert.equal((await centreLoad(b, credited.loadId!)).load.status, 'confirmed');
      });

      it('reconciles its day file: matched loads and a bank-only line', async () => {
        const h = await harness();
        const b = await bank(name);
        const c = await card(name);
        assert.equal((await b.branch.topUp(c, 10_000)).outcome, 'confirmed');
        assert.equal((await b.branch.topUp(c, 2_000, { tear: 'after-init', reverse: true })).outcome, 'reversed');
        assert.equal((await b.branch.topUp(c, 300)).outcome, 'confirmed');
        const stamp = beijingStamp(h.clock.now().getTime());
        const date = `${stamp.date.slice(0, 4)}-${stamp.date.slice(4, 6)}-${stamp.date.slice(6)}`;
        const ghost: JournalEntry = {
          serial: b.branch.newSerial(),
          cardNo: c.cardNo,
          amount: 777,
          status: 'confirmed',
          date: stamp.date,
          time: stamp.time,
        };
        const file = b.branch.dayFile(date, [ghost]);
        const res = await b.branch.reconcile(date, file);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const cmp = res.body as {
          date: string;
          matched: number;
          bankOnly: Array<{ bankReference: string; amount: unknown }>;
          centreOnly: unknown[];
          amountMismatch: unknown[];
          statusMismatch: unknown[];
          exceptions: number;
        };
        assert.equal(cmp.date, date);
        assert.equal(cmp.matched, 3);
        assert.deepEqual(
          cmp.bankOnly.map((l) => [l.bankReference, Number(l.amount)]),
          [[`${name === 'icbc' ? 'ICBC-' : 'CMB-'}${ghost.serial}`, 777]],
        );
        assert.deepEqual([cmp.centreOnly.length, cmp.amountMismatch.length, cmp.statusMismatch.length], [0, 0, 0]);
        assert.ok(cmp.exceptions >= 1);
        // the same file again gets the same comparison; a broken file is refused by the adapter
        assert.deepEqual((await b.branch.reconcile(date, file)).body, res.body);
        const broken = await b.branch.reconcile(date, file.subarray(0, file.length - 7));
        assert.equal(broken.status, 400);
        assert.equal((broken.body.error as { code: string }).code, name === 'icbc' ? '9005' : 'E9006');
      });
    });
  }

  it("keeps banks apart: one bank's adapter cannot query another's load", async () => {
    const icbc = await bank('icbc');
    const cmb = await bank('cmb');
    const c = await card('icbc');
    const r = await icbc.branch.topUp(c, 1_000);
    assert.equal(r.outcome, 'confirmed');
    assert.equal((await cmb.branch.query(r.loadId!)).code, 'E1011');
  });

  it('answers a resent serial with the first answer (idempotent), not a second load', async () => {
    const b = await bank('icbc');
    const c = await card('icbc');
    const init = c.initializeForLoad(1_500, b.branch.terminalId);
    const serial = b.branch.newSerial();
    const req = {
      op: 'apply' as const,
      serial,
      cardNo: c.cardNo,
      amount: 1_500,
      terminalId: b.branch.terminalId,
      init,
    };
    const first = await b.branch.send(req);
    const again = await b.branch.send(req);
    assert.equal(first.code, '0000');
    assert.deepEqual(again.body, first.body);
    assert.ok(c.creditForLoad(first.body.hostDate!, first.body.hostTime!, first.body.mac2!).tac);
  });
});
