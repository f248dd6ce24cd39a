// A complaint becomes an interchange dispute (ICD §3): Jiangsu (3201) receives Anhui's (3401) package
// of 3201 cards on Anhui's roads; before 3201's confirmation goes out a handler disputes one of them
// from a ticket, and the confirmation Anhui receives lists it. Refusals: no linked transaction, an
// unknown one, a closed ticket, another province's card on our roads, a confirmation already sent,
// a different request for a transaction already disputed, a role that does not handle tickets.
import assert from 'node:assert/strict';
import { clearDay } from '../../src/modules/clearing/index.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliver, deliverPending, raiseIssuerDispute } from '../../src/modules/interchange/index.ts';
import { checkLedger } from '../../src/modules/ledger/index.ts';
import { inTransaction } from '../../src/platform/db/transaction.ts';
import { simulateInterchangeDay } from '../../lanes-sim/traffic/interchange-day.ts';
import { digest } from '../helpers/digest.ts';
import { pairCentres, sharedPurchaseMasters, startCentre, type TestCentre } from '../helpers/centres.ts';

const DAY = 86_400_000;
const at = (date: string, time: string) => new Date(`${date}T${time}:00+08:00`);
const plus = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const API = '/api/v1/servicedesk';

describe('service desk: an interchange dispute raised from a ticket', function () {
  this.timeout(300_000);
  let A: TestCentre;
  let B: TestCentre;
  const D = new Date(Date.now() + 40 * DAY).toISOString().slice(0, 10);
  let received: Array<{ id: string; amount: string; received_package_id: string }>;
  let visiting: { id: string; card_no: string };
  let unitId: number;

  // B's accepted rows of A's package, and a 3401 card's accepted row on B's roads
  before(async () => {
    const [ma, mb] = sharedPurchaseMasters();
    A = await startCentre('3401', ma, 171, at(D, '00:00'));
    B = await startCentre('3201', mb, 172, at(D, '00:00'));
    await pairCentres(A, B);
    await simulateInterchangeDay({
      sides: [
        { centre: A.centre, network: '3401', masters: ma, keyVersion: 171 },
        { centre: B.centre, network: '3201', masters: mb, keyVersion: 172 },
      ],
      date: D,
      vehicles: 5,
      visitShare: 0,
      seed: 1713,
      faults: { tac: false, lost: false, duplicate: false },
      batchSize: 10,
      uploadMinutes: 120,
    });
    for (const c of [A, B]) c.clock.set(at(plus(D, 1), '00:40'));
    // Anhui packages the day and sends the package; Jiangsu's confirmation waits in its queue
    await clearDay({ app: A.app, now: A.clock.now(), actor: 'test' }, D);
    assert.equal((await deliverPending(A.app)).failed, 0);
    received = await B.app
      .db('lane_transactions')
      .whereNotNull('received_package_id')
      .where({ disposition: 'accepted' })
      .where('amount', '>', 0)
      .orderBy('id')
      .select('id', 'amount', 'received_package_id');
    assert.ok(received.length >= 3, `Jiangsu received ${received.length} accepted transactions of its cards`);
    visiting = await B.app
      .db('lane_transactions')
      .whereNotNull('upload_id')
      .where({ own_card: false, disposition: 'accepted' })
      .orderBy('id')
      .first('id', 'card_no');
    assert.ok(visiting, 'a 3401 card drove on 3201 roads');
    const u = await B.request('admin', 'post', `${API}/units`, { code: 'DISPUTES', name: '争议处理组' });
    assert.equal(u.status, 200, JSON.stringify(u.body));
    unitId = u.body.unit.id;
  });
  after(async () => {
    await A?.close();
    await B?.close();
  });

  async function ticket(laneTransactionId?: string) {
    const r = await B.request('clerk', 'post', `${API}/tickets`, {
      channel: 'phone',
      caller: { name: '王先生', contact: '13800000000' },
      category: 'payment',
      subcategory: '异地扣费',
      description: '在安徽高速被重复扣费，要求核查',
      ...(laneTransactionId ? { links: { laneTransactionId: Number(laneTransactionId) } } : {}),
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.ticket as { id: number; ticketNo: string };
  }
  // the dispute moves money (the purchase goes back to the card): staff send an Idempotency-Key
  const tokens = new Map<string, string>();
  let keys = 0;
  async function dispute(
    role: 'clerk' | 'supervisor' | 'finance',
    id: number,
    body: Record<string, unknown>,
    key: string | null = `dispute-${++keys}`,
  ): Promise<{ status: number; body: any; replayed: boolean }> {
    if (!tokens.has(role)) {
      const r = await fetch(`${B.base}/api/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(B.staff[role]),
      });
      tokens.set(role, ((await r.json()) as { token: string }).token);
    }
    const r = await fetch(`${B.base}${API}/tickets/${id}/interchange-dispute`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens.get(role)}`,
        'content-type': 'application/json',
        ...(key ? { 'idempotency-key': key } : {}),
      },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: await r.json(), replayed: r.headers.get('idempotent-replayed') === 'true' };
  }
  async function unchanged(run: () => Promise<void>) {
    const strip = (d: Record<string, string>) => {
      const { idempotency_keys: _i, audit_log: _a, sessions: _s, ...rest } = d;
      return rest;
    };
    const before = strip(await digest(B.app.db));
    await run();
    assert.deepEqual(strip(await digest(B.app.db)), before);
  }
  let first: { id: number; ticketNo: string };
  let disputeId: number;

  it('lists the disputed transaction in the confirmation still to be sent once under a double request, takes its purchase back, logs it on the ticket', async () => {
    first = await ticket(received[0].id);
    const packageId = received[0].received_package_id;
    const before = await B.app.db('interchange_confirmations').where({ package_id: packageId }).first();
    const offered = await B.request('clerk', 'get', `${API}/tickets/${first.id}`);
    assert.deepEqual(
      [offered.body.disputeEligibility.eligible, offered.body.disputeEligibility.network],
      [true, '3401'],
      'the ticket screen offers the dispute',
    );
    // the same request twice at once (a double click): raised once, the other answer replays it
    const both = await Promise.all([
      dispute('clerk', first.id, { result: 2, note: '客户称同一次通行重复扣费' }),
      dispute('clerk', first.id, { result: 2, note: '客户称同一次通行重复扣费' }),
    ]);
    assert.deepEqual(both.map((x) => x.status).sort(), [200, 201], JSON.stringify(both.map((x) => x.body)));
    const r = both.find((x) => x.status === 201)!;
    assert.equal(both[0].body.dispute.id, both[1].body.dispute.id);
    disputeId = r.body.dispute.id;
    assert.deepEqual(
      [r.body.dispute.side, r.body.dispute.network, r.body.dispute.result, r.body.dispute.requestReference],
      ['issuer', '3401', 2, first.ticketNo],
    );
    const c = await B.app.db('interchange_confirmations').where({ package_id: packageId }).first();
    const amount = BigInt(received[0].amount);
    assert.deepEqual(
      [c.count, c.amount, c.disputed_count, c.disputed_amount],
      [before.count - 1, before.amount - amount, before.disputed_count + 1, before.disputed_amount + amount],
    );
    assert.equal(c.delivered_at, null);
    const entry = await B.app.db('journal_entries').where({ kind: 'interchange-purchase-disputed' });
    assert.equal(entry.length, 1);
    const detail = await B.request('clerk', 'get', `${API}/tickets/${first.id}`);
    const ev = detail.body.events.filter((e: { kind: string }) => e.kind === 'interchange-dispute');
    assert.equal(ev.length, 1);
    assert.deepEqual([ev[0].detail.network, ev[0].detail.result], ['3401', 2]);
    assert.deepEqual(
      detail.body.disputes.map((d: { id: number; resolution: null }) => [d.id, d.resolution]),
      [[disputeId, null]],
    );
    const listed = await B.request('finance', 'get', '/api/v1/interchange/disputes?side=issuer&status=open');
    assert.ok(
      listed.body.disputes.some(
        (d: { id: number; requestReference: string }) => d.id === disputeId && d.requestReference === first.ticketNo,
      ),
    );
    assert.deepEqual((await checkLedger(B.app.db)).failures, []);
  });

  it('answers the same request again with the same dispute (and a key replayed), and refuses a different one, changing nothing', async () => {
    const again = await dispute('clerk', first.id, { result: 2, note: '客户再次来电' });
    assert.deepEqual([again.status, again.body.dispute.id], [200, disputeId]);
    // the same key again is the first answer replayed
    const sent = await dispute('clerk', first.id, { result: 2, note: '客户再次来电' }, 'same-key');
    const replayed = await dispute('clerk', first.id, { result: 2, note: '客户再次来电' }, 'same-key');
    assert.deepEqual([replayed.status, replayed.body, replayed.replayed], [sent.status, sent.body, true]);
    const second = await ticket(received[0].id);
    await B.request('supervisor', 'get', `${API}/tickets/${second.id}`);
    await unchanged(async () => {
      const other = await dispute('clerk', first.id, { result: 6, note: '换一个原因' });
      assert.deepEqual([other.status, other.body.error.code], [409, 'dispute-exists']);
      const keyReused = await dispute('clerk', first.id, { result: 6, note: '换一个原因' }, 'same-key');
      assert.deepEqual([keyReused.status, keyReused.body.error.code], [409, 'idempotency-conflict']);
      const noKey = await dispute('clerk', first.id, { result: 2, note: '没有幂等键' }, null);
      assert.deepEqual([noKey.status, noKey.body.error.code], [400, 'idempotency-key-required']);
      const fromOther = await dispute('supervisor', second.id, { result: 2, note: '另一张工单' });
      assert.deepEqual([fromOther.status, fromOther.body.error.code], [409, 'dispute-exists']);
    });
  });

  it('refuses a ticket with no transaction, a closed ticket, a bad reason code and a role that does not handle tickets', async () => {
    const bare = await ticket();
    const closed = await ticket(received[1].id);
    for (const move of [
      { action: 'accept' },
      {
        action: 'resolve',
        rootCause: 'LANE-DOUBLE-CHARGE',
        verdict: 'not-justified',
        responsibleUnitId: unitId,
        note: '核查后为两次通行',
      },
      { action: 'close', confirmedBy: 'customer' },
    ]) {
      const m = await B.request('clerk', 'post', `${API}/tickets/${closed.id}/transitions`, move);
      assert.equal(m.status, 200, JSON.stringify(m.body));
    }
    await B.request('finance', 'get', '/api/v1/interchange/disputes');
    await unchanged(async () => {
      const none = await dispute('clerk', bare.id, { result: 2, note: '无交易' });
      assert.deepEqual([none.status, none.body.error.code], [409, 'ticket-transaction-not-linked']);
      const shut = await dispute('clerk', closed.id, { result: 2, note: '已关闭' });
      assert.deepEqual([shut.status, shut.body.error.code], [409, 'ticket-state-conflict']);
      const code = await dispute('clerk', first.id, { result: 42, note: '不存在的原因码' });
      assert.deepEqual([code.status, code.body.error.code], [400, 'invalid-request']);
      const finance = await dispute('finance', first.id, { result: 2, note: '财务' });
      assert.equal(finance.status, 403);
      const unknown = await dispute('clerk', 999_999_999, { result: 2, note: '没有这张工单' });
      assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'ticket-not-found']);
    });
    // a transaction id nobody stored (a ticket cannot link one: interchange refuses it itself)
    await assert.rejects(
      inTransaction(B.app.db, (trx) =>
        raiseIssuerDispute(trx, { app: B.app, db: trx, actor: { kind: 'system', id: 'test' } } as never, {
          transactionId: 999_999_999n,
          result: 2,
          reference: 'T-1',
          note: 'unknown',
        }),
      ),
      (e: { code?: string }) => e.code === 'dispute-transaction-not-found',
    );
  });

  it("refuses another province's card on our roads with what to do instead", async () => {
    const t = await ticket(visiting.id);
    const shown = await B.request('clerk', 'get', `${API}/tickets/${t.id}`);
    assert.deepEqual(
      [shown.body.disputeEligibility.eligible, shown.body.disputeEligibility.code],
      [false, 'dispute-not-issuer'],
    );
    await unchanged(async () => {
      const r = await dispute('clerk', t.id, { result: 2, note: '安徽卡在江苏被重复扣费' });
      assert.deepEqual([r.status, r.body.error.code], [409, 'dispute-not-issuer']);
      assert.match(r.body.error.message, /3401/);
      assert.match(r.body.error.message, /confirmation/);
    });
  });

  it('refuses a dispute while a worker is sending the confirmation, and adds nothing to it', async () => {
    const packageId = received[2].received_package_id;
    const t = await ticket(received[2].id);
    const endpoint = await B.app.db('interchange_peers').where({ network: '3401' }).first();
    // a peer that holds the call until the test lets go, then drops it (a transport failure)
    let arrived!: () => void;
    const called = new Promise<void>((r) => (arrived = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const peer = createServer((req, res) => {
      req.resume();
      arrived();
      void released.then(() => res.destroy());
    });
    await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
    try {
      const port = (peer.address() as AddressInfo).port;
      const put = await B.request('admin', 'put', '/api/v1/interchange/peers/3401/endpoint', {
        url: `http://127.0.0.1:${port}`,
        clientId: endpoint.client_id,
      });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      const delivering = deliver(B.app, 'confirmation', BigInt(packageId)).catch((e: Error) => e);
      await called;
      const before = await B.app.db('interchange_confirmations').where({ package_id: packageId }).first();
      const r = await dispute('clerk', t.id, { result: 2, note: '确认发送中' });
      assert.deepEqual([r.status, r.body.error.code], [409, 'package-confirmed']);
      assert.match(r.body.error.message, /being sent/);
      assert.deepEqual(await B.app.db('interchange_confirmations').where({ package_id: packageId }).first(), before);
      assert.equal((await B.app.db('interchange_disputes').where({ transaction_id: received[2].id })).length, 0);
      release();
      assert.ok((await delivering) instanceof Error, 'the dropped call is a delivery failure, retried later');
    } finally {
      release();
      peer.closeAllConnections();
      await new Promise((r) => peer.close(r));
      await B.request('admin', 'put', '/api/v1/interchange/peers/3401/endpoint', {
        url: endpoint.url,
        clientId: endpoint.client_id,
      });
    }
  });

  it('sends the dispute in the confirmation; after that the package is confirmed, and the decision shows on the ticket', async () => {
    assert.equal((await deliverPending(B.app)).failed, 0);
    const atA = await A.app.db('interchange_disputes').where({ side: 'provider' });
    assert.deepEqual(
      atA.map((d) => d.result),
      [2],
      'Anhui received the confirmation listing the one disputed transaction',
    );
    const late = await ticket(received[2].id);
    const shown = await B.request('clerk', 'get', `${API}/tickets/${late.id}`);
    assert.equal(shown.body.disputeEligibility.code, 'package-confirmed');
    await unchanged(async () => {
      const r = await dispute('clerk', late.id, { result: 2, note: '确认已发出' });
      assert.deepEqual([r.status, r.body.error.code], [409, 'package-confirmed']);
    });
    const replay = await dispute('clerk', first.id, { result: 2, note: '客户再次来电' });
    assert.deepEqual([replay.status, replay.body.dispute.id], [200, disputeId]);

    const decided = await B.request('finance', 'post', '/api/v1/interchange/disputes/decisions', {
      items: [{ id: disputeId, resolution: 1 }],
      note: '核实为重复扣费，不予支付',
    });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    const detail = await B.request('clerk', 'get', `${API}/tickets/${first.id}`);
    assert.deepEqual(
      detail.body.disputes.map((d: { resolution: number; resolvedOn: string }) => d.resolution),
      [1],
    );
    assert.equal((await deliverPending(B.app)).failed, 0);
    const resolvedAtA = await A.app.db('interchange_disputes').where({ side: 'provider' }).first();
    assert.equal(resolvedAtA.resolution, 1, "Anhui recorded Jiangsu's decision");
    assert.deepEqual((await checkLedger(A.app.db)).failures, []);
    assert.deepEqual((await checkLedger(B.app.db)).failures, []);
  });
});
