// The service desk: intake with its acknowledgement, the state machine and its refusals, clocks that
// pause and resume, escalation at the exact moments, a recomputation after a calendar change, a
// remedy that posts once under concurrent approvals, and the national hotline's signed intake.
import assert from 'node:assert/strict';
import request from 'supertest';
import { notificationsByKeyPrefix } from '../../src/modules/notifications/index.ts';
import {
  recomputeAfterCalendarChange,
  recomputeOpenClocks,
  sweepEscalations,
} from '../../src/modules/servicedesk/index.ts';
import { customerWithVehicle, mobile } from '../helpers/fixtures.ts';
import { fingerprint, harness, loginAs, newClient, signed, unique } from '../helpers/harness.ts';
import { assertLedgerHolds, journal } from '../helpers/ledger.ts';
import { accountBalance } from '../../src/modules/customers/index.ts';

type Auth = Awaited<ReturnType<typeof loginAs>>;
const API = '/api/v1/servicedesk';

describe('service desk', () => {
  let clerk: Auth, handler: Auth, supervisor: Auth, supervisor2: Auth, manager: Auth, admin: Auth;
  let unitId: number;

  before(async () => {
    [clerk, handler, supervisor, supervisor2, manager, admin] = await Promise.all([
      loginAs('clerk'),
      loginAs('clerk'),
      loginAs('supervisor'),
      loginAs('supervisor'),
      loginAs('account-manager'),
      loginAs('admin'),
    ]);
    const h = await harness();
    const u = await request(h.http)
      .post(`${API}/units`)
      .set('Authorization', admin.auth)
      .send({
        code: unique('U'),
        name: '客服一组',
        supervisorUserId: Number(supervisor.userId),
        managerUserId: Number(manager.userId),
        members: [Number(handler.userId), Number(clerk.userId)],
      });
    assert.equal(u.status, 200, JSON.stringify(u.body));
    unitId = u.body.unit.id;
  });

  const post = async (auth: Auth, path: string, body: unknown, key?: string) => {
    const h = await harness();
    let r = request(h.http).post(`${API}${path}`).set('Authorization', auth.auth);
    if (key) r = r.set('Idempotency-Key', key);
    return r.send(body as object);
  };
  const get = async (auth: Auth, path: string) => {
    const h = await harness();
    return request(h.http).get(`${API}${path}`).set('Authorization', auth.auth);
  };
  const move = (auth: Auth, id: number, body: Record<string, unknown>) =>
    post(auth, `/tickets/${id}/transitions`, body);

  async function counterTicket(customerId?: number) {
    const c = customerId ?? (await customerWithVehicle(clerk.auth)).customerId;
    const r = await post(clerk, '/tickets', {
      channel: 'counter',
      customerId: c,
      category: 'technical',
      subcategory: '重复扣费',
      description: '同一次通行被扣了两次费',
      links: { outlet: 'HF01' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.ticket as { id: number; ticketNo: string; customerId: number };
  }

  it('logs a complaint at the counter with an acknowledgement, clocks and a first event', async () => {
    const h = await harness();
    const t = await counterTicket();
    assert.match(t.ticketNo, /^SD\d{8}\d{6}$/);
    const d = await get(clerk, `/tickets/${t.id}`);
    assert.equal(d.status, 200);
    assert.deepEqual(
      d.body.events.map((e: { kind: string }) => e.kind),
      ['created'],
    );
    assert.equal(d.body.ticket.links.clerkUserId, Number(clerk.userId));
    // it starts in the unit of whoever logged it: an unassigned breach reaches that unit's supervisor
    assert.equal(d.body.ticket.unitId, unitId);
    const fr = d.body.clocks.find((c: { clock: string }) => c.clock === 'first-reply');
    assert.equal(fr.dueAt, d.body.ticket.replyPromisedAt);
    assert.equal(fr.targetMinutes, 1440);
    const ack = await notificationsByKeyPrefix(h.app.db, `ticket-ack:${t.ticketNo}`);
    assert.equal(ack.length, 1);
    assert.equal(ack[0].template, 'servicedesk.ack');
    assert.equal(ack[0].params.ticketNo, t.ticketNo);
  });

  it('refuses a link to nothing and changes nothing', async () => {
    const { customerId } = await customerWithVehicle(clerk.auth);
    const before = await fingerprint();
    const r = await post(clerk, '/tickets', {
      channel: 'phone',
      customerId,
      category: 'payment',
      description: '圈存未到账',
      links: { laneTransactionId: 999999999, cardNo: '34019999999999999999' },
    });
    assert.equal(r.status, 422);
    assert.equal(r.body.error.code, 'ticket-link-not-found');
    const noCustomer = await post(clerk, '/tickets', {
      channel: 'phone',
      category: 'payment',
      description: '没有客户',
    });
    assert.equal(noCustomer.body.error.code, 'ticket-customer-required');
    assert.deepEqual(await fingerprint(), before);
  });

  it('refuses a malformed card or OBU number, or a line break in a one-line field, on the field it is in, and changes nothing', async () => {
    const { customerId } = await customerWithVehicle(clerk.auth);
    const before = await fingerprint();
    const oneLine = 'control characters are not allowed';
    for (const [extra, field, message] of [
      [{ links: { cardNo: '3401999999999999999' } }, 'links.cardNo', 'must be a 20-digit card number'],
      [{ links: { obuNo: '34019999999999999' } }, 'links.obuNo', 'must be a 16-digit OBU number'],
      [{ links: { obuNo: '340199999999999A' } }, 'links.obuNo', 'must be a 16-digit OBU number'],
      // the caller, the outlet and the subcategory are each one line of the ticket
      [{ caller: { name: '王\n先生', contact: '13800000000' } }, 'caller.name', oneLine],
      [{ caller: { name: '王先生', contact: '138\t00000000' } }, 'caller.contact', oneLine],
      [{ links: { outlet: 'HF\r01' } }, 'links.outlet', oneLine],
      [{ subcategory: '圈存\n未到账' }, 'subcategory', oneLine],
    ] as const) {
      const r = await post(clerk, '/tickets', {
        channel: 'phone',
        customerId,
        category: 'payment',
        description: '圈存未到账',
        ...extra,
      });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.error.code, 'invalid-request');
      assert.equal(r.body.error.field, field);
      assert.match(r.body.error.message, new RegExp(message));
    }
    assert.deepEqual(await fingerprint(), before);
  });

  it('refuses transitions the state machine does not allow, changing nothing', async () => {
    const t = await counterTicket();
    const refuse = async (body: Record<string, unknown>, status: number, code: string) => {
      const before = await fingerprint();
      const r = await move(handler, t.id, body);
      assert.equal(r.status, status, `${JSON.stringify(body)} → ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, code);
      assert.deepEqual(await fingerprint(), before, `${body.action} changed nothing`);
    };
    await refuse({ action: 'close', confirmedBy: 'customer' }, 409, 'ticket-state-conflict');
    await refuse({ action: 'resume' }, 409, 'ticket-state-conflict');
    assert.equal((await move(handler, t.id, { action: 'accept' })).status, 200);
    await refuse({ action: 'accept' }, 409, 'ticket-state-conflict');
    await refuse(
      { action: 'resolve', verdict: 'justified', responsibleUnitId: unitId, note: '已核实' },
      422,
      'ticket-root-cause-required',
    );
    await refuse(
      {
        action: 'resolve',
        rootCause: 'NO-SUCH-CAUSE',
        verdict: 'justified',
        responsibleUnitId: unitId,
        note: '已核实',
      },
      422,
      'root-cause-not-found',
    );
    const ok = await move(handler, t.id, {
      action: 'resolve',
      rootCause: 'LANE-DOUBLE-CHARGE',
      verdict: 'justified',
      responsibleUnitId: unitId,
      note: '车道重复扣费，已核实',
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    // close on a callback needs a confirming callback recorded after the resolution
    await refuse({ action: 'close', confirmedBy: 'callback' }, 409, 'ticket-confirmation-required');
    const cb = await post(handler, `/tickets/${t.id}/callbacks`, { reached: true, confirmed: false, satisfaction: 2 });
    assert.equal(cb.status, 200);
    await refuse({ action: 'close', confirmedBy: 'callback' }, 409, 'ticket-confirmation-required');
    await post(handler, `/tickets/${t.id}/callbacks`, { reached: true, confirmed: true, satisfaction: 4 });
    const closed = await move(handler, t.id, { action: 'close', confirmedBy: 'callback' });
    assert.equal(closed.status, 200);
    assert.equal(closed.body.ticket.status, 'closed');
    assert.equal(closed.body.ticket.satisfaction, 4);
    // the event log is append-only
    const h = await harness();
    await assert.rejects(
      h.app.db('servicedesk_ticket_events').where({ ticket_id: t.id }).update({ kind: 'x' }),
      /append-only/,
    );
  });

  it('pauses the resolution clock while waiting on the customer and resumes it', async () => {
    const h = await harness();
    const t = await counterTicket();
    await move(handler, t.id, { action: 'accept' });
    const clock = async () =>
      (await get(handler, `/tickets/${t.id}`)).body.clocks.find((c: { clock: string }) => c.clock === 'resolution');
    const running = await clock();
    assert.equal(running.paused, false);
    assert.ok(running.dueAt);
    await move(handler, t.id, { action: 'wait', party: 'customer', reason: '等待客户提供扣费凭证' });
    const paused = await clock();
    assert.equal(paused.paused, true);
    assert.equal(paused.dueAt, null);
    h.clock.advance(2 * 3_600_000);
    await move(handler, t.id, { action: 'resume' });
    const resumed = await clock();
    assert.equal(resumed.paused, false);
    // the two hours waited push the deadline back, by two hours of the clock's own kind of time
    assert.ok(new Date(resumed.dueAt).getTime() >= new Date(running.dueAt).getTime(), 'no earlier than before');
    // waiting on a bank does not pause it
    await move(handler, t.id, { action: 'wait', party: 'bank', reason: '等待银行确认圈存' });
    assert.equal((await clock()).paused, false);
  });

  it('escalates at 75 %, at the breach to the supervisor and at 150 % to the manager, each once', async () => {
    const h = await harness();
    const hotline = await newClient('hotline');
    const ref = unique('HL').toUpperCase();
    const receivedAt = h.clock.now();
    const r = await signed(
      hotline,
      'post',
      `${API}/hotline/tickets`,
      {
        hotlineRef: ref,
        receivedAt: receivedAt.toISOString(),
        caller: { name: '王先生', contact: mobile() },
        category: 'payment',
        description: '外省通行重复扣费',
      },
      { idempotencyKey: ref },
    );
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const row = await h.app.db('servicedesk_tickets').where({ ticket_no: r.body.ticketNo }).first();
    const assigned = await post(supervisor, `/tickets/${row.id}/assignment`, { userId: Number(handler.userId) });
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
    assert.equal(assigned.body.ticket.unitId, unitId);
    const fr = await h.app.db('servicedesk_ticket_clocks').where({ ticket_id: row.id, clock: 'first-reply' }).first();
    // natural time for hotline tickets: 24 hours to the first reply, 4 days to the resolution
    assert.equal(fr.due_at.getTime() - receivedAt.getTime(), 24 * 3_600_000);
    assert.equal(new Date(r.body.resolutionDueAt).getTime() - receivedAt.getTime(), 4 * 24 * 3_600_000);
    const mine = async () =>
      (await h.app.db('servicedesk_escalations').where({ ticket_id: row.id, clock: 'first-reply' }).orderBy('id')).map(
        (e) => [e.level, String(e.notified_user_id)],
      );
    const at = (ms: number) => new Date(receivedAt.getTime() + ms);
    const H = 3_600_000;
    await sweepEscalations(h.app.db, at(18 * H - 1));
    assert.deepEqual(await mine(), []);
    await sweepEscalations(h.app.db, at(18 * H));
    assert.deepEqual(await mine(), [['warning', String(handler.userId)]]);
    await sweepEscalations(h.app.db, at(24 * H - 1));
    assert.equal((await mine()).length, 1);
    await sweepEscalations(h.app.db, at(24 * H));
    assert.deepEqual((await mine())[1], ['supervisor', String(supervisor.userId)]);
    await sweepEscalations(h.app.db, at(36 * H));
    await sweepEscalations(h.app.db, at(36 * H));
    assert.deepEqual(await mine(), [
      ['warning', String(handler.userId)],
      ['supervisor', String(supervisor.userId)],
      ['manager', String(manager.userId)],
    ]);
    // one message per escalation, to the person it names
    const escalations = await h.app.db('servicedesk_escalations').where({ ticket_id: row.id, clock: 'first-reply' });
    for (const e of escalations) {
      // the exact key: as a prefix, ticket-esc:1 would also find ticket-esc:10 … of other tickets
      const sent = await h.app.db('notifications').where({ dedupe_key: `ticket-esc:${e.id}` });
      assert.equal(sent.length, 1);
      assert.equal(sent[0].params.ticketNo, r.body.ticketNo);
    }
    // a hotline ticket closes on a confirming callback, not on a word at the counter
    await move(handler, row.id, { action: 'accept' });
    await move(handler, row.id, {
      action: 'resolve',
      rootCause: 'LANE-DOUBLE-CHARGE',
      verdict: 'justified',
      responsibleUnitId: unitId,
      note: '已退还',
    });
    const atCounter = await move(handler, row.id, { action: 'close', confirmedBy: 'customer' });
    assert.equal(atCounter.body.error.code, 'ticket-confirmation-required');
    await post(handler, `/tickets/${row.id}/callbacks`, { reached: true, confirmed: true, satisfaction: 5 });
    assert.equal((await move(handler, row.id, { action: 'close', confirmedBy: 'callback' })).status, 200);
    const events = await h.app.db('servicedesk_ticket_events').where({ ticket_id: row.id, kind: 'escalated' });
    assert.equal(events.length, (await h.app.db('servicedesk_escalations').where({ ticket_id: row.id })).length);
  });

  it('takes the hotline intake signed and idempotent, keyed by the hotline reference', async () => {
    const h = await harness();
    const hotline = await newClient('hotline');
    const ref = unique('HL').toUpperCase();
    const body = {
      hotlineRef: ref,
      receivedAt: h.clock.now().toISOString(),
      caller: { name: '李女士', contact: 'li@example.com' },
      category: 'service',
      description: '网点服务态度差',
    };
    const first = await signed(hotline, 'post', `${API}/hotline/tickets`, body, { idempotencyKey: `a-${ref}` });
    assert.equal(first.status, 201);
    const replay = await signed(hotline, 'post', `${API}/hotline/tickets`, body, { idempotencyKey: `a-${ref}` });
    assert.deepEqual(replay.body, first.body);
    const again = await signed(hotline, 'post', `${API}/hotline/tickets`, body, { idempotencyKey: `b-${ref}` });
    assert.equal(again.status, 200);
    assert.equal(again.body.ticketNo, first.body.ticketNo);
    const before = await fingerprint();
    const other = await signed(
      hotline,
      'post',
      `${API}/hotline/tickets`,
      { ...body, description: '别的内容' },
      { idempotencyKey: `c-${ref}` },
    );
    assert.equal(other.status, 409);
    assert.equal(other.body.error.code, 'hotline-ticket-conflict');
    const forged = await signed(hotline, 'post', `${API}/hotline/tickets`, body, {
      idempotencyKey: `d-${ref}`,
      secret: 'wrong',
    });
    assert.equal(forged.status, 401);
    // a receipt time more than 30 days back (year 0000 among them), or one the centre could not give
    // back (year 10000 in UTC), opens no ticket; 30 days is taken
    const day = 86_400_000;
    for (const receivedAt of [
      new Date(h.clock.now().getTime() - 30 * day - 1000).toISOString(),
      '0000-01-01T00:00:00Z',
      '9999-12-31T23:00:00-12:00',
    ]) {
      const old = unique('HL').toUpperCase();
      const r = await signed(
        hotline,
        'post',
        `${API}/hotline/tickets`,
        { ...body, hotlineRef: old, receivedAt },
        { idempotencyKey: old },
      );
      assert.deepEqual(
        [r.status, r.body.error?.code, r.body.error?.field],
        [400, 'invalid-request', 'receivedAt'],
        receivedAt,
      );
    }
    assert.deepEqual(await fingerprint(), before);
    const late = unique('HL').toUpperCase();
    const lateAt = new Date(h.clock.now().getTime() - 30 * day);
    const taken = await signed(
      hotline,
      'post',
      `${API}/hotline/tickets`,
      { ...body, hotlineRef: late, receivedAt: lateAt.toISOString() },
      { idempotencyKey: late },
    );
    assert.equal(taken.status, 201, JSON.stringify(taken.body));
    assert.equal(new Date(taken.body.resolutionDueAt).getTime(), lateAt.getTime() + 4 * day);
    assert.equal(
      await h.app
        .db('servicedesk_tickets')
        .where({ hotline_ref: ref })
        .count('* as n')
        .first()
        .then((x) => Number(x!.n)),
      1,
    );
    // the acknowledgement goes to the caller's address, sealed; only its mask is visible
    const ack = await notificationsByKeyPrefix(h.app.db, `ticket-ack:${first.body.ticketNo}`);
    assert.equal(ack.length, 1);
    assert.equal(ack[0].channel, 'email');
    assert.ok(!JSON.stringify(ack, (_k, v) => (typeof v === 'bigint' ? String(v) : v)).includes('li@example.com'));
    const row = await h.app.db('servicedesk_tickets').where({ hotline_ref: ref }).first();
    assert.ok(!String(row.caller_contact_mask).includes('li@example'));
  });

  it('recomputes open clocks when a day becomes a holiday', async () => {
    const h = await harness();
    const t = await counterTicket();
    const due = async () =>
      (await h.app.db('servicedesk_ticket_clocks').where({ ticket_id: t.id, clock: 'first-reply' }).first())
        .due_at as Date;
    const before = await due();
    // the local day of the clock's last counted minute
    const day = new Date(before.getTime() - 1 + 8 * 3_600_000).toISOString().slice(0, 10);
    const set = await request(h.http)
      .put(`${API}/calendar/${day}`)
      .set('Authorization', admin.auth)
      .send({ kind: 'holiday', name: '临时假日', reason: '台风停工，政府通知放假' });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.working, false);
    assert.equal(set.body.recomputation, 'queued');
    const year = Number(day.slice(0, 4));
    const change = async () =>
      (await get(admin, `/calendar?year=${year}`)).body.changes.find((c: { id: number }) => c.id === set.body.changeId);
    assert.deepEqual(
      [(await change()).reason, (await change()).toKind, (await change()).recomputedAt],
      ['台风停工，政府通知放假', 'holiday', null],
      'the change is listed with its reason, its recomputation still waiting',
    );
    await recomputeAfterCalendarChange(h.app.db, h.clock.now());
    assert.ok((await change()).recomputedAt, 'the recomputation that ran after it is shown');
    const after = await due();
    assert.ok(after.getTime() > before.getTime(), `${after.toISOString()} later than ${before.toISOString()}`);
    await request(h.http)
      .put(`${API}/calendar/${day}`)
      .set('Authorization', admin.auth)
      .send({ kind: null, reason: '通知撤回，恢复正常工作日' })
      .expect(200);
    await recomputeOpenClocks(h.app.db, h.clock.now());
    assert.equal((await due()).getTime(), before.getTime());
    const bad = await request(h.http)
      .put(`${API}/calendar/2026-12-02`)
      .set('Authorization', admin.auth)
      .send({ kind: 'workday', name: '调休', reason: '补班安排录入' });
    assert.equal(bad.body.error.code, 'calendar-day-invalid');
    const noReason = await request(h.http)
      .put(`${API}/calendar/2026-12-05`)
      .set('Authorization', admin.auth)
      .send({ kind: 'workday', name: '调休' });
    assert.deepEqual([noReason.status, noReason.body.error.code], [400, 'invalid-request']);
    const twoLines = await request(h.http)
      .put(`${API}/calendar/2026-12-05`)
      .set('Authorization', admin.auth)
      .send({ kind: 'workday', name: '调\n休', reason: '补班安排录入' });
    assert.deepEqual([twoLines.status, twoLines.body.error.field], [400, 'name']);
    const byClerk = await request(h.http)
      .put(`${API}/calendar/2026-12-05`)
      .set('Authorization', clerk.auth)
      .send({ kind: 'workday', name: '调休', reason: '补班安排录入' });
    assert.equal(byClerk.status, 403);
    assert.equal(await h.app.db('servicedesk_calendar_days').where({ day: '2026-12-05' }).first(), undefined);
  });

  it('renames and deactivates a unit with a reason: no new work order may name it, its activation undoes it', async () => {
    const h = await harness();
    const code = unique('U');
    const created = await post(admin, '/units', {
      code,
      name: '投诉二组',
      supervisorUserId: Number(supervisor.userId),
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const id = created.body.unit.id;
    assert.equal(created.body.unit.active, true);
    const renamed = await post(admin, '/units', {
      code,
      name: '投诉复核组',
      supervisorUserId: Number(supervisor.userId),
    });
    assert.deepEqual([renamed.body.unit.id, renamed.body.unit.name], [id, '投诉复核组']);
    // a unit's and a root cause's names are one line of the reports: a tab is refused
    const tabbed = await post(admin, '/units', { code, name: '投诉\t复核组' });
    assert.deepEqual([tabbed.status, tabbed.body.error.field], [400, 'name']);
    assert.equal((await h.app.db('servicedesk_units').where({ id }).first()).name, '投诉复核组');
    const cause = { code: 'LINE-FAULT', name: '线路\n故障' };
    const badCause = await post(admin, '/root-causes', cause);
    assert.deepEqual([badCause.status, badCause.body.error.field], [400, 'name']);
    assert.equal(await h.app.db('servicedesk_root_causes').where({ code: cause.code }).first(), undefined);
    const byClerk = await post(clerk, `/units/${id}/active`, { active: false, reason: '组织调整，并入一组' });
    assert.equal(byClerk.status, 403);
    const noReason = await post(admin, `/units/${id}/active`, { active: false });
    assert.deepEqual([noReason.status, noReason.body.error.code], [400, 'invalid-request']);
    const unknown = await post(admin, `/units/999999999/active`, { active: false, reason: '组织调整，并入一组' });
    assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'unit-not-found']);
    assert.equal((await h.app.db('servicedesk_units').where({ id }).first()).active, true);
    const off = await post(admin, `/units/${id}/active`, { active: false, reason: '组织调整，并入一组' });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.equal(off.body.unit.active, false);
    const t = await counterTicket();
    const wo = await post(handler, `/tickets/${t.id}/work-orders`, { step: '核查', unitId: id, limitMinutes: 60 });
    assert.deepEqual([wo.status, wo.body.error.code], [409, 'unit-inactive']);
    assert.equal((await h.app.db('servicedesk_work_orders').where({ ticket_id: t.id })).length, 0);
    const on = await post(admin, `/units/${id}/active`, { active: true, reason: '恢复独立处理' });
    assert.equal(on.body.unit.active, true);
    assert.equal((await h.app.db('servicedesk_units').where({ id }).first()).active, true);
  });

  it("keeps a unit's members as listed: one left out leaves it, one listed moves from another unit, none given keeps them", async () => {
    const h = await harness();
    const [a, b, c] = await Promise.all([loginAs('clerk'), loginAs('clerk'), loginAs('supervisor')]);
    const ids = (...who: Array<{ userId: bigint }>) => who.map((w) => Number(w.userId));
    const members = async (unit: number) =>
      (await h.app.db('servicedesk_staff').where({ unit_id: unit }).orderBy('user_id').pluck('user_id')).map(Number);
    const other = await post(admin, '/units', { code: unique('U'), name: '稽核组', members: ids(c) });
    const code = unique('U');
    const first = await post(admin, '/units', { code, name: '投诉三组', members: ids(a, b) });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const unit = first.body.unit.id;
    assert.deepEqual(
      await members(unit),
      ids(a, b).sort((x, y) => x - y),
    );
    // b is left out and c is listed: b belongs to no unit now, c has moved here from the other unit
    // b is left out and c is listed (a named twice counts once)
    const second = await post(admin, '/units', { code, name: '投诉三组', members: [...ids(a, c), ...ids(a)] });
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.deepEqual(
      second.body.unit.members.map(Number).sort((x: number, y: number) => x - y),
      ids(a, c).sort((x, y) => x - y),
    );
    assert.deepEqual(
      await members(unit),
      ids(a, c).sort((x, y) => x - y),
    );
    assert.deepEqual(await members(other.body.unit.id), []);
    assert.equal(await h.app.db('servicedesk_staff').where({ user_id: b.userId }).first(), undefined);
    const audited = await h.app
      .db('audit_log')
      .where({ action: 'servicedesk.unit-save', entity_id: String(unit) })
      .orderBy('id', 'desc')
      .first();
    assert.deepEqual(audited.detail.left, [String(b.userId)]);
    // a rename without members leaves them as they are; an unknown user changes nothing
    await post(admin, '/units', { code, name: '投诉三组（复核）' });
    assert.deepEqual(
      await members(unit),
      ids(a, c).sort((x, y) => x - y),
    );
    const unknown = await post(admin, '/units', { code, name: '投诉三组', members: [...ids(a), 999_999_999] });
    assert.deepEqual([unknown.status, unknown.body.error.code], [422, 'servicedesk-user-not-found']);
    assert.deepEqual(
      await members(unit),
      ids(a, c).sort((x, y) => x - y),
    );
    // an empty list empties the unit
    await post(admin, '/units', { code, name: '投诉三组', members: [] });
    assert.deepEqual(await members(unit), []);
  });

  it('opens a work order with its own limit, escalates it when overdue, completes it once; reopens a ticket', async () => {
    const h = await harness();
    const t = await counterTicket();
    await move(handler, t.id, { action: 'accept' });
    const wo = await post(handler, `/tickets/${t.id}/work-orders`, {
      step: '核查车道 L340102-01 的交易记录',
      unitId,
      limitMinutes: 120,
      basis: 'natural',
    });
    assert.equal(wo.status, 201, JSON.stringify(wo.body));
    const due = new Date(wo.body.workOrder.dueAt);
    assert.equal(due.getTime() - new Date(wo.body.workOrder.createdAt).getTime(), 120 * 60_000);
    const escalated = async () =>
      h.app
        .db('servicedesk_escalations')
        .where({ ticket_id: t.id, clock: 'work-order' })
        .select('level', 'notified_user_id');
    await sweepEscalations(h.app.db, new Date(due.getTime() - 1));
    assert.deepEqual(await escalated(), []);
    await sweepEscalations(h.app.db, due);
    await sweepEscalations(h.app.db, due);
    assert.deepEqual(
      (await escalated()).map((e) => [e.level, String(e.notified_user_id)]),
      [['supervisor', String(supervisor.userId)]],
    );
    const done = await post(handler, `/work-orders/${wo.body.workOrder.id}/completion`, { outcome: '确有重复扣费' });
    assert.equal(done.body.workOrder.status, 'done');
    const again = await post(handler, `/work-orders/${wo.body.workOrder.id}/completion`, { outcome: '再次' });
    assert.equal(again.body.error.code, 'work-order-state-conflict');
    await move(handler, t.id, {
      action: 'resolve',
      rootCause: 'LANE-DOUBLE-CHARGE',
      verdict: 'not-justified',
      responsibleUnitId: unitId,
      note: '经核查无重复扣费',
    });
    // not justified: no remedy
    const remedy = await post(
      handler,
      `/tickets/${t.id}/remedies`,
      { kind: 'toll-refund', amount: 100, reason: '试试' },
      unique('k'),
    );
    assert.equal(remedy.body.error.code, 'remedy-not-justified');
    const reopened = await move(handler, t.id, { action: 'reopen', reason: '客户不认可' });
    assert.equal(reopened.status, 200);
    assert.deepEqual([reopened.body.ticket.status, reopened.body.ticket.cycle], ['in-progress', 1]);
    const clocks = (await get(handler, `/tickets/${t.id}`)).body.clocks;
    assert.equal(
      clocks.find((c: { clock: string }) => c.clock === 'resolution').stoppedAt,
      null,
      'the resolution clock runs again',
    );
  });

  it('posts a remedy once under concurrent approvals, not by its proposer', async () => {
    const h = await harness();
    const c = await customerWithVehicle(clerk.auth);
    const t = await counterTicket(c.customerId);
    await move(supervisor, t.id, { action: 'accept' });
    const small = await post(
      supervisor,
      `/tickets/${t.id}/remedies`,
      { kind: 'fee-waiver', amount: 500, reason: '免收工本费' },
      unique('k'),
    );
    assert.equal(small.status, 201, JSON.stringify(small.body));
    assert.equal(small.body.remedy.status, 'posted', 'at or below the threshold it posts at once');
    const p = await post(
      supervisor,
      `/tickets/${t.id}/remedies`,
      { kind: 'toll-refund', amount: 6000, reason: '退还重复扣费' },
      unique('k'),
    );
    assert.equal(p.status, 201);
    assert.equal(p.body.remedy.status, 'proposed');
    const id = p.body.remedy.id;
    const again = await post(
      supervisor,
      `/tickets/${t.id}/remedies`,
      { kind: 'toll-refund', amount: 6000, reason: '再来一次' },
      unique('k'),
    );
    assert.equal(again.body.error.code, 'remedy-exists');
    const before = await fingerprint();
    const self = await post(supervisor, `/remedies/${id}/approve`, {}, unique('k'));
    assert.equal(self.status, 409);
    assert.equal(self.body.error.code, 'remedy-four-eyes-required');
    const noKey = await post(supervisor2, `/remedies/${id}/approve`, {});
    assert.equal(noKey.body.error.code, 'idempotency-key-required');
    assert.deepEqual(await fingerprint(), before);
    const balanceBefore = await accountBalance(h.app.db, BigInt(c.accountId));
    const other = await loginAs('supervisor');
    const results = await Promise.all(
      [supervisor2, other, supervisor2, other, supervisor2, other].map((s) =>
        post(s, `/remedies/${id}/approve`, {}, unique('k')),
      ),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409, 409, 409, 409, 409]);
    assert.ok(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'remedy-state-conflict'));
    const entry = await journal('ticket-remedy', String(id));
    assert.deepEqual(entry, { 'complaint-remedies': 6000n, [`customer-funds:${c.accountId}`]: -6000n });
    const n = await h.app
      .db('journal_entries')
      .where({ kind: 'ticket-remedy', reference: String(id) })
      .count('* as n')
      .first();
    assert.equal(Number(n!.n), 1);
    assert.equal((await accountBalance(h.app.db, BigInt(c.accountId))) - balanceBefore, 6000n);
    await assertLedgerHolds();
  });
});
