// The interchange documents' refusals (ICD §3, ETC-REFERENCE §7), between two real centres: every
// package result code, a bad signature, confirmations that do not add up, a province asking for
// another's position, and delivery retried after the peer could not be reached.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  canonicalJson,
  deliver,
  deliverPending,
  importDropFolder,
  registerInterchangeJobs,
  transIdOf,
} from '../../src/modules/interchange/index.ts';
import { enqueueDelivery } from '../../src/modules/interchange/delivery.ts';
import { documentSha256, signDocument } from '../../src/modules/interchange/documents.ts';
import { digest } from '../helpers/digest.ts';
import { asProvince, pairCentres, sharedPurchaseMasters, startCentre, type TestCentre } from '../helpers/centres.ts';

describe('interchange documents between two centres', function () {
  this.timeout(120_000);
  let A: TestCentre;
  let B: TestCentre;
  const today = '2027-03-10';
  const D = '2027-03-09';
  let serial = 0;

  // a transaction of a 3201 card on 3401's roads, in the ICD §2 form with its transId
  function tx(amount: number) {
    const terminalId = 'A1B2C3D4E5F6';
    const terminalSeq = ++serial;
    return {
      transId: transIdOf(terminalId, terminalSeq),
      terminalId,
      terminalSeq,
      transType: '09',
      time: `${D}T10:00:00+08:00`,
      cardNo: '32010000000000000001',
      cardType: 22,
      vehicleClass: 1,
      entry: { network: '3401', station: 340102, lane: 1, time: `${D}T09:00:00+08:00` },
      exit: { network: '3401', station: 340104, lane: 2, time: `${D}T10:00:00+08:00` },
      sections: ['G40-02', 'G40-03'],
      fee: amount,
      amount,
      balanceBefore: 50_000,
      balanceAfter: 50_000 - amount,
      offlineSeq: serial,
      tac: '0A0B0C0D',
    };
  }
  async function pkg(txs: ReturnType<typeof tx>[], header: Record<string, unknown> = {}) {
    return signDocument(A.app, {
      header: {
        messageId: `T${++serial}`,
        sender: '3401',
        receiver: '3201',
        clearTargetDate: D,
        count: txs.length,
        amount: txs.reduce((s, t) => s + t.amount, 0),
        ...header,
      },
      transactions: txs,
    });
  }
  const post = (path: string, doc: unknown, key = `K${++serial}`) =>
    asProvince(B, 'POST', `/api/v1/interchange${path}`, doc, key);
  // a refused document leaves B as it was (the answer itself is kept for replays)
  async function unchanged(run: () => Promise<void>) {
    const strip = (d: Record<string, string>) => {
      const { idempotency_keys: _i, ...rest } = d;
      return rest;
    };
    const before = strip(await digest(B.app.db));
    await run();
    assert.deepEqual(strip(await digest(B.app.db)), before);
  }

  before(async () => {
    const [ma, mb] = sharedPurchaseMasters();
    A = await startCentre('3401', ma, 191, new Date(`${today}T09:00:00+08:00`));
    B = await startCentre('3201', mb, 192, new Date(`${today}T09:00:00+08:00`));
    await pairCentres(A, B);
  });
  after(async () => {
    await A?.close();
    await B?.close();
  });

  it('stores a sound package once: its replay gets the same answer, the same package under a new key is a duplicate (5)', async () => {
    const doc = await pkg([tx(1200), tx(800)]);
    const first = await post('/packages', doc, 'P-1');
    assert.deepEqual([first.status, first.body], [200, { result: 1 }]);
    const replay = await post('/packages', doc, 'P-1');
    assert.deepEqual([replay.status, replay.body], [200, { result: 1 }]);
    await unchanged(async () => {
      const again = await post('/packages', doc, 'P-2');
      assert.deepEqual([again.status, again.body.result], [200, 5]);
    });
    const stored = await B.app.db('interchange_packages').where({ direction: 'inbound', sender: '3401' });
    assert.equal(stored.length, 1);
    assert.equal(stored[0].document_sha256, documentSha256(doc), 'the exact document accepted is on record');
    // the card is not one of 3201's: both transactions are disputed with 8, nothing is confirmed
    const c = await B.app.db('interchange_confirmations').where({ package_id: stored[0].id }).first();
    assert.deepEqual([c.count, c.amount, c.disputed_count, c.disputed_amount], [0, 0n, 2, 2000n]);
    assert.deepEqual(
      (await B.app.db('interchange_disputes').where({ package_id: stored[0].id })).map((d) => d.result),
      [8, 8],
    );
  });

  it('lets finance decide a dispute it raised once: a second decision 409, an unknown one 404, changing nothing', async () => {
    const [d] = await B.app.db('interchange_disputes').where({ side: 'issuer' }).orderBy('id').limit(1);
    const first = await B.request('finance', 'post', '/api/v1/interchange/disputes/decisions', {
      items: [{ id: Number(d.id), resolution: 1 }],
      note: 'card unknown to us',
    });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(
      [first.body.decided, first.body.resolutions.length, first.body.resolutions[0].network],
      [1, 1, '3401'],
    );
    await unchanged(async () => {
      const again = await B.request('finance', 'post', '/api/v1/interchange/disputes/decisions', {
        items: [{ id: Number(d.id), resolution: 0 }],
        note: 'changed my mind',
      });
      assert.deepEqual([again.status, again.body.error.code], [409, 'dispute-resolved']);
      const unknown = await B.request('finance', 'post', '/api/v1/interchange/disputes/decisions', {
        items: [{ id: 999999, resolution: 0 }],
        note: 'no such dispute',
      });
      assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'dispute-not-found']);
      const twice = await B.request('finance', 'post', '/api/v1/interchange/disputes/decisions', {
        items: [
          { id: 999999, resolution: 0 },
          { id: 999999, resolution: 1 },
        ],
        note: 'listed twice',
      });
      assert.deepEqual([twice.status, twice.body.error.code], [400, 'invalid-request']);
    });
    const resolved = await B.request('finance', 'get', '/api/v1/interchange/disputes?side=issuer&status=resolved');
    assert.ok(
      resolved.body.disputes.some(
        (x: { id: number; resolution: number }) => x.id === Number(d.id) && x.resolution === 1,
      ),
    );
  });

  it("refuses a document whose signature is not the sender's (422), changing nothing", async () => {
    const doc = await pkg([tx(500)]);
    (doc.transactions as Array<{ amount: number }>)[0].amount = 400; // altered after signing
    await unchanged(async () => {
      const r = await post('/packages', doc);
      assert.deepEqual([r.status, r.body.error.code], [422, 'document-signature-invalid']);
      const unsigned = await post('/packages', { ...doc, signature: 'AAAA' });
      assert.deepEqual([unsigned.status, unsigned.body.error.code], [422, 'document-signature-invalid']);
    });
  });

  it('answers a header that does not hold 2, a transaction that does not parse 3, counts off 4, a day not over or too far back 6', async () => {
    const cases: Array<[string, () => Promise<unknown>, number]> = [
      ['count off by one', async () => pkg([tx(300), tx(300)], { count: 3 }), 4],
      ['amount off by a fen', async () => pkg([tx(300)], { amount: 301 }), 4],
      ['receiver not this centre', async () => pkg([tx(300)], { receiver: '3301' }), 2],
      ['sender not the caller', async () => pkg([tx(300)], { sender: '3301' }), 2],
      [
        'header without a message id',
        async () => {
          const d = await pkg([tx(300)]);
          const { messageId: _m, ...h } = d.header as Record<string, unknown>;
          return signDocument(A.app, { header: h, transactions: d.transactions });
        },
        2,
      ],
      [
        'a transaction without its TAC',
        async () => {
          const { tac: _t, ...t } = tx(300);
          return signDocument(A.app, {
            header: {
              messageId: `T${++serial}`,
              sender: '3401',
              receiver: '3201',
              clearTargetDate: D,
              count: 1,
              amount: 300,
            },
            transactions: [t],
          });
        },
        3,
      ],
      ['a transId that is not the terminal key', async () => pkg([{ ...tx(300), transId: 'FFFF' }]), 4],
      ['a clearing date not over yet', async () => pkg([tx(300)], { clearTargetDate: today }), 6],
      // the lanes' age limit is 30 days (ETC_LANE_MAX_AGE_DAYS): 2027-02-08 is the oldest day taken
      ['a clearing date 31 days back', async () => pkg([tx(300)], { clearTargetDate: '2027-02-07' }), 6],
      ['a clearing date of year 0001', async () => pkg([tx(300)], { clearTargetDate: '0001-01-01' }), 6],
    ];
    for (const [what, make, result] of cases) {
      const doc = await make();
      await unchanged(async () => {
        const r = await post('/packages', doc);
        assert.deepEqual([r.status, r.body.result], [200, result], `${what}: ${JSON.stringify(r.body)}`);
      });
    }
  });

  it('signs canonical JSON: keys sorted at every level, no spaces', () => {
    assert.equal(canonicalJson({ b: [2, { d: 1, c: 'x' }], a: null }), '{"a":null,"b":[2,{"c":"x","d":1}]}');
  });

  it('answers confirmations: unknown package 404, amounts that do not reconcile 8, a second one 5', async () => {
    // A's package to B, delivered for real: B confirms it back
    const header = (over: Record<string, unknown>) => ({
      messageId: `C${++serial}`,
      originalMessageId: 'none',
      sender: '3201',
      receiver: '3401',
      processedAt: new Date().toISOString(),
      count: 0,
      amount: 0,
      disputedCount: 0,
      ...over,
    });
    const unknown = await asProvince(
      A,
      'POST',
      '/api/v1/interchange/confirmations',
      await signDocument(B.app, { header: header({}), disputed: [] }),
      `K${++serial}`,
    );
    assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'package-not-found']);
    const [row] = await A.app
      .db('interchange_packages')
      .insert({
        direction: 'outbound',
        message_id: `OUT${serial}`,
        sender: '3401',
        receiver: '3201',
        clear_target_date: D,
        count: 0,
        amount: 0,
        first_transaction_id: 1,
        last_transaction_id: 0,
        state: 'delivered',
        created_at: new Date(),
      })
      .returning('*');
    const off = await asProvince(
      A,
      'POST',
      '/api/v1/interchange/confirmations',
      await signDocument(B.app, { header: header({ originalMessageId: row.message_id, amount: 5 }), disputed: [] }),
      `K${++serial}`,
    );
    assert.deepEqual([off.status, off.body.result], [200, 8]);
    const ok = await asProvince(
      A,
      'POST',
      '/api/v1/interchange/confirmations',
      await signDocument(B.app, { header: header({ originalMessageId: row.message_id }), disputed: [] }),
      `K${++serial}`,
    );
    assert.deepEqual([ok.status, ok.body.result], [200, 1]);
    const twice = await asProvince(
      A,
      'POST',
      '/api/v1/interchange/confirmations',
      await signDocument(B.app, { header: header({ originalMessageId: row.message_id }), disputed: [] }),
      `K${++serial}`,
    );
    assert.deepEqual([twice.status, twice.body.result], [200, 5]);
  });

  it("refuses a province's confirmation of a package sent to another province (404), changing nothing", async () => {
    const [row] = await A.app
      .db('interchange_packages')
      .insert({
        direction: 'outbound',
        message_id: `OUT${++serial}`,
        sender: '3401',
        receiver: '3301',
        clear_target_date: D,
        count: 0,
        amount: 0,
        first_transaction_id: 1,
        last_transaction_id: 0,
        state: 'delivered',
        created_at: new Date(),
      })
      .returning('*');
    const before = await digest(A.app.db);
    const doc = await signDocument(B.app, {
      header: {
        messageId: `C${++serial}`,
        originalMessageId: row.message_id,
        sender: '3201',
        receiver: '3401',
        processedAt: new Date().toISOString(),
        count: 0,
        amount: 0,
        disputedCount: 0,
      },
      disputed: [],
    });
    const res = await asProvince(A, 'POST', '/api/v1/interchange/confirmations', doc, `K${++serial}`);
    assert.deepEqual([res.status, res.body.error.code], [404, 'package-not-found']);
    assert.deepEqual(await digest(A.app.db), before);
  });

  it('answers a confirmation whose header is not for us 2, and a disputed item that does not parse 3', async () => {
    const header = {
      messageId: `C${++serial}`,
      originalMessageId: 'none',
      sender: '3201',
      receiver: '3301',
      processedAt: new Date().toISOString(),
      count: 0,
      amount: 0,
      disputedCount: 0,
    };
    const wrongReceiver = await asProvince(
      A,
      'POST',
      '/api/v1/interchange/confirmations',
      await signDocument(B.app, { header, disputed: [] }),
      `K${++serial}`,
    );
    assert.deepEqual([wrongReceiver.status, wrongReceiver.body.result], [200, 2]);
    const badItem = await asProvince(
      A,
      'POST',
      '/api/v1/interchange/confirmations',
      await signDocument(B.app, {
        header: { ...header, receiver: '3401', disputedCount: 1 },
        disputed: [{ transId: 'AB', result: 0 }],
      }),
      `K${++serial}`,
    );
    assert.deepEqual([badItem.status, badItem.body.result], [200, 3]);
    // processedAt is a time as ICD §0 has them: ISO 8601 with an offset, of a year that can be stored
    // (the earliest time JavaScript knows was a 500: PostgreSQL has no such year)
    // answered (200 with a result code), so only the answer is kept for its idempotency key
    const held = async () => ({ ...(await digest(A.app.db)), idempotency_keys: '' });
    const before = await held();
    for (const processedAt of ['-271821-04-20T00:00:00Z', '9999-12-31T23:00:00-12:00', '2026']) {
      const badTime = await asProvince(
        A,
        'POST',
        '/api/v1/interchange/confirmations',
        await signDocument(B.app, {
          header: { ...header, messageId: `C${++serial}`, receiver: '3401', processedAt },
          disputed: [],
        }),
        `K${++serial}`,
      );
      assert.deepEqual([badTime.status, badTime.body.result], [200, 2], processedAt);
    }
    assert.deepEqual(await held(), before);
  });

  it('records a resolution its run has already passed on the next day, telling finance; a second copy is a duplicate (5), a count off 4', async () => {
    // one of A's packages to B with a disputed transaction, on a day whose province split A has done
    const [p] = await A.app
      .db('interchange_packages')
      .insert({
        direction: 'outbound',
        message_id: `OUT${++serial}`,
        sender: '3401',
        receiver: '3201',
        clear_target_date: D,
        count: 1,
        amount: 900,
        first_transaction_id: 1,
        last_transaction_id: 1,
        state: 'delivered',
        created_at: new Date(),
      })
      .returning('id');
    await A.app.db('interchange_disputes').insert({
      side: 'provider',
      package_id: p.id,
      trans_id: 'LATE0000000000000001',
      transaction_id: 1,
      clearing_date: D,
      card_no: '32010000000000000001',
      card_type: 22,
      amount: 900,
      result: 1,
    });
    await A.app
      .db('clearing_days')
      .insert({ clearing_date: D, opened_at: new Date(), state: 'sealed', sealed_at: new Date(), sealed_by: 'test' })
      .onConflict('clearing_date')
      .ignore();
    await A.app
      .db('clearing_day_steps')
      .insert({ clearing_date: D, step: 'interchange-split', done_at: new Date(), actor: 'test' });
    const doc = await signDocument(B.app, {
      header: { messageId: `R${++serial}`, sender: '3201', receiver: '3401', clearTargetDate: D, count: 1 },
      items: [{ transId: 'LATE0000000000000001', result: 0 }],
    });
    const r = await asProvince(A, 'POST', '/api/v1/interchange/dispute-resolutions', doc, `K${++serial}`);
    assert.deepEqual([r.status, r.body.result], [200, 1]);
    const d = await A.app.db('interchange_disputes').where({ trans_id: 'LATE0000000000000001' }).first();
    assert.deepEqual([d.resolution, d.resolved_on], [0, today], 'its date was split already: it goes to the next one');
    const told = await A.app.db('finance_exceptions').where({ kind: 'interchange-resolution-late' });
    assert.deepEqual([told.length, told[0].amount], [1, 900n]);
    const again = await asProvince(A, 'POST', '/api/v1/interchange/dispute-resolutions', doc, `K${++serial}`);
    assert.deepEqual([again.status, again.body.result], [200, 5]);
    const off = await signDocument(B.app, {
      header: { messageId: `R${++serial}`, sender: '3201', receiver: '3401', clearTargetDate: D, count: 2 },
      items: [{ transId: 'LATE0000000000000001', result: 1 }],
    });
    const counted = await asProvince(A, 'POST', '/api/v1/interchange/dispute-resolutions', off, `K${++serial}`);
    assert.deepEqual([counted.status, counted.body.result], [200, 4]);

    // the issuer decides its disputes; the provider cannot (409), and a refused decision changes nothing
    const listed = await A.request('finance', 'get', '/api/v1/interchange/disputes?side=provider&status=resolved'); // logs in first
    assert.ok(listed.body.disputes.some((x: { transId: string }) => x.transId === 'LATE0000000000000001'));
    const before = await digest(A.app.db);
    const mine = await A.request('finance', 'post', '/api/v1/interchange/disputes/decisions', {
      items: [{ id: Number(d.id), resolution: 1 }],
      note: 'not ours to decide',
    });
    assert.deepEqual([mine.status, mine.body.error.code], [409, 'dispute-not-ours']);
    const { audit_log: _a, ...rest } = await digest(A.app.db);
    const { audit_log: _b, ...was } = before;
    assert.deepEqual(rest, was);
  });

  it('refuses a peer endpoint reached over HTTP without a secret, and one for this centre itself (400), changing nothing', async () => {
    const before = await digest(A.app.db);
    const noSecret = await A.request('admin', 'put', '/api/v1/interchange/peers/3301/endpoint', {
      url: 'https://peer.example',
      clientId: '3401',
    });
    assert.deepEqual(
      [noSecret.status, noSecret.body.error.code, noSecret.body.error.field],
      [400, 'invalid-request', 'secret'],
    );
    const self = await A.request('admin', 'put', '/api/v1/interchange/peers/3401/endpoint', {
      url: null,
      clientId: '3401',
    });
    assert.deepEqual([self.status, self.body.error.code], [400, 'invalid-request']);
    assert.deepEqual(await digest(A.app.db), before);
    const listed = await A.request('admin', 'get', '/api/v1/interchange/peer-endpoints');
    assert.ok(
      listed.body.peers.every((p: Record<string, unknown>) => !('secret' in p) && !('secretSealed' in p)),
      'a secret is never shown',
    );
  });

  it('answers a resolution for a transaction not disputed with 4', async () => {
    const doc = await signDocument(B.app, {
      header: { messageId: `R${++serial}`, sender: '3201', receiver: '3401', clearTargetDate: D, count: 1 },
      items: [{ transId: 'ABCDEF0123456789', result: 0 }],
    });
    const r = await asProvince(A, 'POST', '/api/v1/interchange/dispute-resolutions', doc, `K${++serial}`);
    assert.deepEqual([r.status, r.body.result], [200, 4]);
  });

  it('shows a province only its own position', async () => {
    const own = await asProvince(A, 'GET', '/api/v1/interchange/settlements/2027-03-09?with=3201');
    assert.deepEqual([own.status, own.body.with, own.body.state], [200, '3201', 'open']);
    const other = await asProvince(A, 'GET', '/api/v1/interchange/settlements/2027-03-09?with=3301');
    assert.deepEqual([other.status, other.body.error.code], [403, 'forbidden']);
  });

  it('keeps a package that could not be delivered and delivers it once the peer answers', async () => {
    await B.app.db('interchange_confirmations').whereNull('delivered_at').update({ delivered_at: new Date() }); // not this test's concern
    const [row] = await A.app
      .db('interchange_packages')
      .insert({
        direction: 'outbound',
        message_id: `OUT${++serial}`,
        sender: '3401',
        receiver: '3201',
        clear_target_date: D,
        count: 0,
        amount: 0,
        first_transaction_id: 1,
        last_transaction_id: 0,
        state: 'built',
        created_at: new Date(),
      })
      .returning('*');
    await A.request('admin', 'put', '/api/v1/interchange/peers/3201/endpoint', {
      url: 'http://127.0.0.1:9',
      clientId: '3401',
    });
    assert.deepEqual(await deliverPending(A.app), { delivered: 0, failed: 1 });
    const failed = await A.app.db('interchange_packages').where({ id: row.id }).first();
    assert.deepEqual(
      [failed.state, failed.attempts, /unreachable|ECONNREFUSED|fetch failed/.test(failed.last_error)],
      ['built', 1, true],
    );
    await A.request('admin', 'put', '/api/v1/interchange/peers/3201/endpoint', { url: B.base, clientId: '3401' });
    assert.deepEqual(await deliverPending(A.app), { delivered: 1, failed: 0 });
    const done = await A.app.db('interchange_packages').where({ id: row.id }).first();
    // an empty package is no package: the issuer says so, and finance is told
    assert.deepEqual([done.state, done.result], ['refused', 3]);
    assert.equal((await A.app.db('finance_exceptions').where({ kind: 'interchange-package-refused' })).length, 1);
  });

  it('holds no row lock during the peer call: the row is claimed, sent outside a transaction, then recorded', async () => {
    const [row] = await A.app
      .db('interchange_packages')
      .insert({
        direction: 'outbound',
        message_id: `OUT${++serial}`,
        sender: '3401',
        receiver: '3201',
        clear_target_date: D,
        count: 0,
        amount: 0,
        first_transaction_id: 1,
        last_transaction_id: 0,
        state: 'built',
        created_at: new Date(),
      })
      .returning('*');
    // a peer that takes its time: it answers only when the test lets it
    let arrived!: () => void;
    const called = new Promise<void>((r) => (arrived = r));
    let answer!: () => void;
    const answered = new Promise<void>((r) => (answer = r));
    const peer = createServer((req, res) => {
      req.resume();
      arrived();
      void answered.then(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"result":1}'));
    });
    await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
    try {
      const port = (peer.address() as AddressInfo).port;
      await A.request('admin', 'put', '/api/v1/interchange/peers/3201/endpoint', {
        url: `http://127.0.0.1:${port}`,
        clientId: '3401',
      });
      const delivering = deliver(A.app, 'package', BigInt(row.id));
      await called;
      // while the peer holds the call: another transaction locks the row at once, and sees it claimed
      const during = await A.app.db.transaction((trx) =>
        trx('interchange_packages').where({ id: row.id }).forUpdate().noWait().first(),
      );
      assert.equal(during.state, 'built');
      assert.ok(during.delivery_claimed_until > A.clock.now(), 'claimed, and the claim is committed');
      // a second worker does not send it again while the claim holds
      assert.equal(await deliver(A.app, 'package', BigInt(row.id)), false);
      answer();
      assert.equal(await delivering, true);
      const done = await A.app.db('interchange_packages').where({ id: row.id }).first();
      assert.deepEqual(
        [done.state, done.result, done.attempts, done.delivery_claimed_until],
        ['delivered', 1, 1, null],
      );
    } finally {
      answer();
      peer.closeAllConnections();
      await new Promise((r) => peer.close(r));
      await A.request('admin', 'put', '/api/v1/interchange/peers/3201/endpoint', { url: B.base, clientId: '3401' });
    }
  });

  it('reads documents a peer left in the drop folder: answers each, files it under done or refused', async () => {
    const inbox = join(B.app.config.dataDir, 'interchange', 'in', '3401');
    mkdirSync(inbox, { recursive: true });
    const good = await pkg([tx(700)]);
    const bad = await pkg([tx(700)]);
    (bad.header as { amount: number }).amount = 1; // altered after signing
    writeFileSync(join(inbox, '01-good.json'), JSON.stringify(good));
    writeFileSync(join(inbox, '02-bad.json'), JSON.stringify(bad));
    writeFileSync(join(inbox, '03-torn.json'), '{"header": ');
    // signed as it is, but a text the database cannot hold: refused like the same POST, not stuck
    const nul = await pkg([{ ...tx(700), plate: '苏A\u000012345' } as ReturnType<typeof tx>]);
    writeFileSync(join(inbox, '04-nul.json'), JSON.stringify(nul));
    const read = await importDropFolder(B.app);
    assert.deepEqual(
      read.map((f) => [f.file, f.outcome]),
      [
        ['01-good.json', 'answered'],
        ['02-bad.json', 'refused'],
        ['03-torn.json', 'refused'],
        ['04-nul.json', 'refused'],
      ],
    );
    assert.deepEqual(read[3].answer, {
      error: { code: 'invalid-request', message: 'transactions[0].plate: must not contain a NUL character' },
    });
    assert.deepEqual(read[0].answer, { result: 1 });
    assert.equal((read[1].answer as { error: { code: string } }).error.code, 'document-signature-invalid');
    assert.deepEqual(readdirSync(join(inbox, 'done')), ['01-good.json']);
    assert.deepEqual(readdirSync(join(inbox, 'refused')).sort(), ['02-bad.json', '03-torn.json', '04-nul.json']);
    const answer = JSON.parse(
      readFileSync(join(B.app.config.dataDir, 'interchange', 'out', '3401', 'answer-01-good.json'), 'utf8'),
    );
    assert.deepEqual(answer, { result: 1 });
    const header = good.header as { messageId: string };
    assert.equal(
      (await B.app.db('interchange_packages').where({ direction: 'inbound', message_id: header.messageId })).length,
      1,
    );
    assert.deepEqual(await importDropFolder(B.app), [], 'each file is read once');
  });

  it('delivers through the queue: the job of a document delivers it once, however often it is queued', async () => {
    registerInterchangeJobs(A.app);
    const [row] = await A.app
      .db('interchange_packages')
      .insert({
        direction: 'outbound',
        message_id: `OUT${++serial}`,
        sender: '3401',
        receiver: '3201',
        clear_target_date: D,
        count: 0,
        amount: 0,
        first_transaction_id: 1,
        last_transaction_id: 0,
        state: 'built',
        created_at: new Date(),
      })
      .returning('*');
    for (let i = 0; i < 3; i++) await enqueueDelivery(A.app, 'package', row.id);
    let state = 'built';
    for (let i = 0; i < 200 && state === 'built'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      state = (await A.app.db('interchange_packages').where({ id: row.id }).first()).state;
    }
    assert.equal(state, 'refused');
    assert.equal((await A.app.db('interchange_packages').where({ id: row.id }).first()).attempts, 1);
  });
});
