// The confirmation hold: Jiangsu (3201) holds its confirmations of Anhui's (3401) packages for 60
// minutes (ETC_INTERCHANGE_CONFIRMATION_HOLD_MINUTES), Anhui none. Three days of Anhui's packages
// arrive at once; before the hold ends the delivery job sends neither, Jiangsu's clearing day waits
// and says until when, and a complaint ticket disputes a transaction of the first. Finance releases
// the second early: it goes out at once; the third while Anhui is unreachable: the release stands
// and the next round sends it. Refusals (unknown, sent, not held, wrong role) change
// nothing. At the hold's end the job sends the first, listing the dispute, and Anhui records it.
import assert from 'node:assert/strict';
import { clearDay } from '../../src/modules/clearing/index.ts';
import { deliver, deliverPending } from '../../src/modules/interchange/index.ts';
import { checkLedger } from '../../src/modules/ledger/index.ts';
import { simulateInterchangeDay } from '../../lanes-sim/traffic/interchange-day.ts';
import { digest } from '../helpers/digest.ts';
import { pairCentres, sharedPurchaseMasters, startCentre, type TestCentre } from '../helpers/centres.ts';

const DAY = 86_400_000;
const at = (date: string, time: string) => new Date(`${date}T${time}:00+08:00`);
const plus = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const SD = '/api/v1/servicedesk';
const HELD = '/api/v1/interchange/held-confirmations';

describe('interchange: our confirmation held for complaints, then sent', function () {
  this.timeout(300_000);
  let A: TestCentre;
  let B: TestCentre;
  const D = new Date(Date.now() + 50 * DAY).toISOString().slice(0, 10);
  const D1 = plus(D, 1);
  const D2 = plus(D, 2);
  let arrived: Date;
  let holdEnd: Date;
  // Jiangsu's received packages of D and D1 (by Anhui's message id order) and their accepted rows
  let first: { id: string; messageId: string };
  let second: { id: string; messageId: string };
  let third: { id: string; messageId: string };
  let rows: Array<{ id: string; amount: string }>;

  before(async () => {
    const [ma, mb] = sharedPurchaseMasters();
    A = await startCentre('3401', ma, 173, at(D, '00:00'));
    B = await startCentre('3201', mb, 174, at(D, '00:00'), { ETC_INTERCHANGE_CONFIRMATION_HOLD_MINUTES: '60' });
    await pairCentres(A, B);
    for (const [date, seed] of [
      [D, 1731],
      [D1, 1732],
      [D2, 1733],
    ] as const) {
      await simulateInterchangeDay({
        sides: [
          { centre: A.centre, network: '3401', masters: ma, keyVersion: 173 },
          { centre: B.centre, network: '3201', masters: mb, keyVersion: 174 },
        ],
        date,
        vehicles: 4,
        visitShare: 0,
        seed,
        faults: { tac: false, lost: false, duplicate: false },
        batchSize: 10,
        uploadMinutes: 120,
      });
    }
    arrived = at(plus(D, 3), '00:40');
    holdEnd = new Date(arrived.getTime() + 60 * 60_000);
    for (const c of [A, B]) c.clock.set(arrived);
    // Anhui packages both days and sends the packages; Jiangsu stores each with a held confirmation
    for (const date of [D, D1, D2]) await clearDay({ app: A.app, now: A.clock.now(), actor: 'test' }, date);
    assert.equal((await deliverPending(A.app)).failed, 0);
    const packages = await B.app
      .db('interchange_packages')
      .where({ direction: 'inbound' })
      .orderBy('clear_target_date')
      .select('id', 'message_id', 'clear_target_date');
    assert.deepEqual(
      packages.map((p) => p.clear_target_date),
      [D, D1, D2],
    );
    [first, second, third] = packages.map((p) => ({ id: String(p.id), messageId: p.message_id }));
    rows = await B.app
      .db('lane_transactions')
      .where({ received_package_id: first.id, disposition: 'accepted' })
      .where('amount', '>', 0)
      .orderBy('id')
      .select('id', 'amount');
    assert.ok(rows.length >= 2, `package ${first.messageId} holds ${rows.length} accepted charges of Jiangsu cards`);
  });
  after(async () => {
    await A?.close();
    await B?.close();
  });

  const confirmationAtA = (messageId: string) =>
    A.app
      .db('interchange_confirmations as c')
      .join('interchange_packages as p', 'p.id', 'c.package_id')
      .where({ 'p.direction': 'outbound', 'p.message_id': messageId })
      .first('c.message_id', 'c.count', 'c.disputed_count', 'c.received_at');
  // the dispute moves money: staff send an Idempotency-Key with it
  async function keyedPost(role: 'clerk', path: string, key: string, body: unknown) {
    const login = await fetch(`${B.base}/api/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(B.staff[role]),
    });
    const { token } = (await login.json()) as { token: string };
    const r = await fetch(`${B.base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as any };
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

  it('holds every confirmation: the delivery jobs send nothing before the hold ends, and finance sees until when', async () => {
    const held = await B.app
      .db('interchange_confirmations')
      .whereIn('package_id', [first.id, second.id, third.id])
      .orderBy('package_id');
    assert.deepEqual(
      held.map((c) => [c.hold_until.toISOString(), c.delivered_at]),
      [
        [holdEnd.toISOString(), null],
        [holdEnd.toISOString(), null],
        [holdEnd.toISOString(), null],
      ],
    );
    for (const c of [A, B]) c.clock.set(new Date(holdEnd.getTime() - 60_000));
    // the per-document job queued at arrival, then the redelivery round
    assert.equal(await deliver(B.app, 'confirmation', BigInt(first.id)), false);
    assert.deepEqual(await deliverPending(B.app), { delivered: 0, failed: 0 });
    assert.equal(await confirmationAtA(first.messageId), undefined);
    assert.equal(await confirmationAtA(second.messageId), undefined);
    const list = await B.request('finance', 'get', HELD);
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.equal(list.body.holdMinutes, 60);
    assert.deepEqual(
      list.body.confirmations.map((c: { packageMessageId: string; heldUntil: string; held: boolean }) => [
        c.packageMessageId,
        Date.parse(c.heldUntil),
        c.held,
      ]),
      [
        [first.messageId, holdEnd.getTime(), true],
        [second.messageId, holdEnd.getTime(), true],
        [third.messageId, holdEnd.getTime(), true],
      ],
    );
    // Anhui, holding no confirmation, keeps no hold (the default)
    assert.equal((await A.request('finance', 'get', HELD)).body.holdMinutes, 0);
  });

  it("keeps Jiangsu's clearing day waiting while its confirmation of the day's package is held, saying until when", async () => {
    const run = await clearDay({ app: B.app, now: B.clock.now(), actor: 'test' }, D);
    assert.equal(run.pending?.step, 'interchange-split');
    const reason = run.pending!.reasons.find((r) => r.includes('held until'));
    assert.ok(reason, JSON.stringify(run.pending));
    assert.match(reason, new RegExp(`1 package\\(s\\) from 3401 is held until ${holdEnd.toISOString()}`));
  });

  it('raises a dispute from a ticket during the hold, offered until the hold ends', async () => {
    const t = await B.request('clerk', 'post', `${SD}/tickets`, {
      channel: 'phone',
      caller: { name: '李女士', contact: '13900000000' },
      category: 'payment',
      subcategory: '异地扣费',
      description: '安徽高速扣费金额不对',
      links: { laneTransactionId: Number(rows[0].id) },
    });
    assert.equal(t.status, 201, JSON.stringify(t.body));
    const shown = await B.request('clerk', 'get', `${SD}/tickets/${t.body.ticket.id}`);
    assert.deepEqual(
      [shown.body.disputeEligibility.eligible, Date.parse(shown.body.disputeEligibility.until)],
      [true, holdEnd.getTime()],
    );
    const before = await B.app.db('interchange_confirmations').where({ package_id: first.id }).first();
    const r = await keyedPost('clerk', `${SD}/tickets/${t.body.ticket.id}/interchange-dispute`, 'hold-dispute-1', {
      result: 2,
      note: '客户称金额与实际不符',
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const c = await B.app.db('interchange_confirmations').where({ package_id: first.id }).first();
    assert.deepEqual([c.count, c.disputed_count, c.delivered_at], [before.count - 1, before.disputed_count + 1, null]);
  });

  it('sends the second confirmation at once when finance releases it, and audits who did', async () => {
    const r = await B.request('finance', 'post', `${HELD}/${second.id}/release`, { note: '客服确认无投诉，提前发出' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.released, true);
    assert.ok(r.body.deliveredAt, 'acknowledged by Anhui within the call');
    assert.equal(r.body.confirmation.packageMessageId, second.messageId);
    const atA = await confirmationAtA(second.messageId);
    assert.ok(atA?.received_at, 'Anhui recorded the confirmation');
    const c = await B.app.db('interchange_confirmations').where({ package_id: second.id }).first();
    assert.deepEqual(
      [c.released_by !== null, c.release_note, c.delivered_at !== null],
      [true, '客服确认无投诉，提前发出', true],
    );
    const audited = await B.app.db('audit_log').where({ action: 'interchange.confirmation-released' });
    assert.deepEqual(
      audited.map((a) => [a.entity_id, a.actor_kind]),
      [[second.id, 'user']],
    );
    const list = await B.request('finance', 'get', HELD);
    assert.deepEqual(
      list.body.confirmations.map((x: { packageMessageId: string }) => x.packageMessageId),
      [first.messageId, third.messageId],
    );
  });

  it('keeps a release when Anhui cannot be reached: asked again it answers the same, and the next round sends it', async () => {
    const endpoint = await B.app.db('interchange_peers').where({ network: '3401' }).first();
    const point = (url: string) =>
      B.request('admin', 'put', '/api/v1/interchange/peers/3401/endpoint', { url, clientId: endpoint.client_id });
    // a port nobody listens on: the connection is refused
    assert.equal((await point('http://127.0.0.1:9')).status, 200);
    try {
      const r = await B.request('finance', 'post', `${HELD}/${third.id}/release`, { note: '提前发出第三个确认' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(
        [r.body.released, r.body.deliveredAt, r.body.confirmation.held, r.body.confirmation.attempts],
        [true, null, false, 1],
      );
      assert.ok(r.body.confirmation.lastError);
      const again = await B.request('finance', 'post', `${HELD}/${third.id}/release`, { note: '再次提前发出' });
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.deepEqual(
        [again.body.released, again.body.confirmation.releasedAt, again.body.confirmation.releasedBy],
        [false, r.body.confirmation.releasedAt, r.body.confirmation.releasedBy],
      );
      const c = await B.app.db('interchange_confirmations').where({ package_id: third.id }).first();
      assert.equal(c.release_note, '提前发出第三个确认', 'the first release stands');
      assert.equal(
        (await B.app.db('audit_log').where({ action: 'interchange.confirmation-released', entity_id: third.id }))
          .length,
        1,
      );
      assert.equal(await confirmationAtA(third.messageId), undefined);
    } finally {
      await point(endpoint.url);
    }
    // still before the first one's hold ends: of the confirmations, the round sends only the released one
    assert.equal((await deliverPending(B.app)).failed, 0);
    assert.ok((await confirmationAtA(third.messageId))?.received_at);
    assert.equal(await confirmationAtA(first.messageId), undefined);
  });

  it('refuses a release that is unknown, already sent, by a role other than finance, or without a note, changing nothing', async () => {
    const outbound = await B.app.db('interchange_packages').where({ direction: 'outbound' }).first('id');
    await unchanged(async () => {
      const unknown = await B.request('finance', 'post', `${HELD}/999999999/release`, { note: '不存在' });
      assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'confirmation-not-found']);
      // a package we sent: the confirmation is Anhui's to give, not ours
      if (outbound) {
        const ours = await B.request('finance', 'post', `${HELD}/${outbound.id}/release`, { note: '我方交易包' });
        assert.deepEqual([ours.status, ours.body.error.code], [404, 'confirmation-not-found']);
      }
      const sent = await B.request('finance', 'post', `${HELD}/${second.id}/release`, { note: '再次放行' });
      assert.deepEqual([sent.status, sent.body.error.code], [409, 'confirmation-delivered']);
      for (const role of ['clerk', 'supervisor', 'admin'] as const) {
        const r = await B.request(role, 'post', `${HELD}/${first.id}/release`, { note: '无权放行' });
        assert.equal(r.status, 403, `${role}: ${JSON.stringify(r.body)}`);
      }
      const noNote = await B.request('finance', 'post', `${HELD}/${first.id}/release`, { note: '' });
      assert.deepEqual([noNote.status, noNote.body.error.code], [400, 'invalid-request']);
    });
    assert.equal(await confirmationAtA(first.messageId), undefined, 'the first is still held');
  });

  it('sends the first confirmation with the dispute once the hold has passed; Anhui records the dispute', async () => {
    for (const c of [A, B]) c.clock.set(holdEnd);
    // its hold is over: nothing left to release, the next round sends it
    await unchanged(async () => {
      const r = await B.request('finance', 'post', `${HELD}/${first.id}/release`, { note: '到期后放行' });
      assert.deepEqual([r.status, r.body.error.code], [409, 'confirmation-not-held']);
    });
    const listed = await B.request('finance', 'get', HELD);
    assert.deepEqual(
      listed.body.confirmations.map((x: { held: boolean }) => x.held),
      [false],
    );
    const run = await deliverPending(B.app);
    assert.equal(run.failed, 0);
    assert.ok(run.delivered >= 1);
    const atA = await confirmationAtA(first.messageId);
    assert.equal(atA?.disputed_count, 1);
    const disputes = await A.app
      .db('interchange_disputes as d')
      .join('interchange_packages as p', 'p.id', 'd.package_id')
      .where({ 'd.side': 'provider', 'p.message_id': first.messageId })
      .select('d.result', 'd.transaction_id');
    assert.deepEqual(
      disputes.map((d) => d.result),
      [2],
    );
    assert.deepEqual((await B.request('finance', 'get', HELD)).body.confirmations, []);
    // sent: no more disputes in it, and Jiangsu's day no longer waits on it
    const t = await B.request('clerk', 'post', `${SD}/tickets`, {
      channel: 'phone',
      caller: { name: '李女士', contact: '13900000000' },
      category: 'payment',
      subcategory: '异地扣费',
      description: '另一笔扣费',
      links: { laneTransactionId: Number(rows[1].id) },
    });
    const shown = await B.request('clerk', 'get', `${SD}/tickets/${t.body.ticket.id}`);
    assert.equal(shown.body.disputeEligibility.code, 'package-confirmed');
    const again = await clearDay({ app: B.app, now: B.clock.now(), actor: 'test' }, D);
    assert.ok(!(again.pending?.reasons ?? []).some((r) => r.includes('held until')), JSON.stringify(again.pending));
    assert.deepEqual((await checkLedger(A.app.db)).failures, []);
    assert.deepEqual((await checkLedger(B.app.db)).failures, []);
  });
});
