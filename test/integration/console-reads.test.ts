// Console reads of a customer's media, a card's history, a customer's full history and the
// approvals queue, on real issued cards, counter loads and lane transactions.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { fingerprint, harness, loginAs, newClient, signed, type TestClient } from '../helpers/harness.ts';
import { customerWithVehicle, type CustomerFixture } from '../helpers/fixtures.ts';
import { counterInit, testMasters } from '../helpers/loads.ts';
import { controller, dayTariff, testLanes, tripTxs, upload } from '../helpers/lanes.ts';
import { cardStep, tick } from './statuslist-support.ts';
import { VirtualCard, type MasterKeys } from '../../lanes-sim/card/virtual-card.ts';
import type { LaneSpec } from '../../lanes-sim/traffic/lane.ts';
import { localDate } from '../../src/platform/clock/clock.ts';
import { historyResponse } from '../../src/modules/customers/index.ts';
import { mediaResponse } from '../../src/modules/issuance/index.ts';
import { approvalsResponse, cardHistoryResponse } from '../../src/modules/hall/index.ts';

const KV = 173;
const MIN = 60_000;

describe('console reads: media, card history, customer history, approvals', () => {
  let clerk: string;
  let clerkName: string;
  let supervisor: string;
  let auditor: string;
  let bank: TestClient;
  let masters: MasterKeys;
  let lanes: LaneSpec[];
  let realNow: Date;

  before(async () => {
    const h = await harness();
    realNow = h.clock.now();
    ({ auth: clerk, username: clerkName } = await loginAs('clerk'));
    supervisor = (await loginAs('supervisor')).auth;
    auditor = (await loginAs('auditor')).auth;
    bank = await newClient('bank');
    masters = await testMasters(KV);
    lanes = await testLanes();
  });
  after(async () => (await harness()).clock.set(realNow));

  const get = async (auth: string, path: string) =>
    request((await harness()).http)
      .get(path)
      .set('Authorization', auth);

  async function issue(f: CustomerFixture, cardType: 22 | 23 = 22): Promise<VirtualCard> {
    const h = await harness();
    const res = await request(h.http)
      .post('/api/v1/cards')
      .set('Authorization', clerk)
      .send({ customerId: f.customerId, vehicleId: f.vehicleId, cardType, payment: { method: 'cash' } })
      .expect(201);
    return new VirtualCard({ cardNo: res.body.card.cardNo, masters, keyVersion: KV });
  }

  async function issueObu(f: CustomerFixture): Promise<string> {
    const h = await harness();
    const res = await request(h.http)
      .post('/api/v1/obus')
      .set('Authorization', clerk)
      .send({ customerId: f.customerId, vehicleId: f.vehicleId, payment: { method: 'pos' } })
      .expect(201);
    return res.body.obu.obuNo;
  }

  async function counterLoad(card: VirtualCard, amount: number): Promise<string> {
    const h = await harness();
    const init = await counterInit(clerk, card, amount, 'cash');
    assert.equal(init.status, 201, JSON.stringify(init.body));
    const { tac } = card.creditForLoad(init.body.hostDate, init.body.hostTime, init.body.mac2);
    await request(h.http)
      .post(`/api/v1/channel/loads/${init.body.loadId}/confirm`)
      .set('Authorization', clerk)
      .set('Idempotency-Key', randomUUID())
      .send({ tac })
      .expect(200);
    return init.body.loadId;
  }

  const lane = (station: number, direction: 'entry' | 'exit') =>
    controller(
      lanes.find((l) => l.station === station && l.direction === direction)!,
      masters,
    );

  it("lists a customer's cards and OBUs, and a card's loads, lane transactions, list changes and events newest first", async () => {
    const h = await harness();
    const t0 = h.clock.now();
    const f = await customerWithVehicle(clerk);
    const card = await issue(f);
    const obuNo = await issueObu(f);
    h.clock.set(new Date(t0.getTime() + MIN));
    const loadId = await counterLoad(card, 10_000);
    // a trip on the card, uploaded after it ended
    const tariff = await dayTariff(clerk, localDate(t0));
    const entry = lane(340102, 'entry');
    const exit = lane(340104, 'exit');
    const [en, ex] = tripTxs(
      card,
      entry,
      exit,
      tariff,
      new Date(t0.getTime() + 30 * MIN),
      new Date(t0.getTime() + 90 * MIN),
    );
    h.clock.set(new Date(t0.getTime() + 120 * MIN));
    const up = await upload(exit.spec.laneId, [en, ex]);
    assert.equal(up.status, 200, JSON.stringify(up.body));
    h.clock.set(new Date(t0.getTime() + 121 * MIN));
    ({ auth: clerk, username: clerkName } = await loginAs('clerk')); // sessions expire: log in again
    await cardStep(clerk, card.cardNo, 'loss-report');
    h.clock.set(new Date(t0.getTime() + 122 * MIN));
    await tick();

    const media = await get(clerk, `/api/v1/customers/${f.customerId}/media`);
    assert.equal(media.status, 200, JSON.stringify(media.body));
    mediaResponse.parse(media.body);
    const byKind = Object.fromEntries(media.body.media.map((m: { kind: string }) => [m.kind, m]));
    assert.equal(media.body.media.length, 2);
    assert.equal(byKind.card.number, card.cardNo);
    assert.equal(byKind.card.cardType, 22);
    assert.equal(byKind.card.status, 6, 'reported lost');
    assert.equal(byKind.card.purseBalance, card.balance, 'the purse after the load and the trip');
    assert.equal(card.balance, 10_000 - ex.amount);
    assert.equal(byKind.card.accountId, f.accountId);
    assert.deepEqual(byKind.card.vehicle, { id: f.vehicleId, plate: f.plate, plateColor: 0 });
    assert.equal(byKind.obu.number, obuNo);
    assert.equal(byKind.obu.cardType, null);
    assert.equal(byKind.obu.purseBalance, null);
    assert.equal(byKind.obu.status, 1);
    // pages: one by one gives the same two media
    const p1 = await get(clerk, `/api/v1/customers/${f.customerId}/media?limit=1`);
    const p2 = await get(clerk, `/api/v1/customers/${f.customerId}/media?limit=1&offset=1`);
    assert.equal(p1.body.page.hasMore, true);
    assert.equal(p2.body.page.hasMore, false);
    assert.deepEqual([...p1.body.media, ...p2.body.media], media.body.media);

    const hist = await get(auditor, `/api/v1/cards/${card.cardNo}/history`);
    assert.equal(hist.status, 200, JSON.stringify(hist.body));
    cardHistoryResponse.parse(hist.body);
    const items = hist.body.items as Array<Record<string, any>>;
    for (let i = 1; i < items.length; i++) assert.ok(items[i - 1].at >= items[i].at, 'newest first');
    const kinds = items.map((i) => i.kind);
    assert.deepEqual(kinds.slice(-4), ['lane-transaction', 'lane-transaction', 'load', 'event']);
    assert.deepEqual(new Set(kinds.slice(0, -4)), new Set(['event', 'list-change']));
    const load = items.find((i) => i.kind === 'load')!;
    assert.deepEqual(
      [load.id, load.amount, load.channel, load.paymentMethod, load.status, load.balanceBefore],
      [loadId, 10_000, 'counter', 'cash', 'confirmed', 0],
    );
    const [exitTx, entryTx] = items.filter((i) => i.kind === 'lane-transaction');
    assert.deepEqual(
      [exitTx.laneId, exitTx.stationId, exitTx.direction, exitTx.amount, exitTx.fee, exitTx.disposition, exitTx.code],
      [exit.spec.laneId, 340104, 'exit', ex.amount, ex.fee, 'accepted', null],
    );
    // lanes send times to the second
    assert.equal(exitTx.at, new Date(Math.floor((t0.getTime() + 90 * MIN) / 1000) * 1000).toISOString());
    assert.ok(exitTx.stationName.length > 0);
    assert.deepEqual([entryTx.laneId, entryTx.stationId, entryTx.amount], [entry.spec.laneId, 340102, 0]);
    const change = items.find((i) => i.kind === 'list-change')!;
    assert.deepEqual([change.action, change.reason, change.state], ['enter', 1, 'published']);
    assert.ok(change.version > 0);
    const loss = items.find((i) => i.kind === 'event' && i.toStatus === 6)!;
    assert.deepEqual([loss.fromStatus, loss.reason], [1, 'customer request']);

    // pages of two make up the whole history
    const pages: unknown[] = [];
    for (let offset = 0; ; offset += 2) {
      const p = await get(clerk, `/api/v1/cards/${card.cardNo}/history?limit=2&offset=${offset}`);
      pages.push(...p.body.items);
      if (!p.body.page.hasMore) break;
    }
    assert.deepEqual(pages, items);
    // a period: the day after holds nothing; the trip's day holds everything
    const next = localDate(new Date(t0.getTime() + 36 * 60 * MIN));
    const empty = await get(clerk, `/api/v1/cards/${card.cardNo}/history?from=${next}`);
    assert.deepEqual([empty.status, empty.body.items, empty.body.from], [200, [], next]);
    const day = localDate(t0);
    const until = localDate(new Date(t0.getTime() + 3 * 60 * MIN));
    const inPeriod = await get(clerk, `/api/v1/cards/${card.cardNo}/history?from=${day}&to=${until}`);
    assert.equal(inPeriod.body.items.length, items.length);

    // the customer's full history now holds its card and OBU events, in time order
    const events = await get(clerk, `/api/v1/customers/${f.customerId}/events`);
    assert.equal(events.status, 200, JSON.stringify(events.body));
    historyResponse.parse(events.body);
    const ev = events.body.events as Array<Record<string, any>>;
    for (let i = 1; i < ev.length; i++) assert.ok(ev[i - 1].at <= ev[i].at, 'oldest first');
    assert.ok(ev.some((e) => e.source === 'customer'));
    assert.ok(ev.some((e) => e.source === 'card' && e.mediumId === card.cardNo && e.toStatus === 6));
    assert.ok(ev.some((e) => e.source === 'obu' && e.mediumId === obuNo && e.toStatus === 1));
    const newest = await get(clerk, `/api/v1/customers/${f.customerId}/events?order=desc&limit=1`);
    assert.deepEqual(newest.body.events, [ev[ev.length - 1]]);
    assert.equal(newest.body.page.hasMore, true);
    const second = await get(clerk, `/api/v1/customers/${f.customerId}/events?limit=1&offset=1`);
    assert.deepEqual(second.body.events, [ev[1]]);
    // masks only: the ID number and phone never appear
    const text = JSON.stringify([events.body, media.body, hist.body]);
    assert.ok(!text.includes(f.idNumber) && !text.includes(f.phone));
  });

  it('refuses other roles (403), unknown customers and cards (404) and bad queries (400), changing nothing', async () => {
    const f = await customerWithVehicle(clerk);
    const card = await issue(f);
    const finance = (await loginAs('finance')).auth;
    const before = await fingerprint();
    for (const path of [
      `/api/v1/customers/${f.customerId}/media`,
      `/api/v1/cards/${card.cardNo}/history`,
      '/api/v1/approvals',
    ]) {
      const r = await get(finance, path);
      assert.deepEqual([r.status, r.body.error.code], [403, 'forbidden'], `finance ${path}`);
    }
    for (const path of [`/api/v1/customers/${f.customerId}/media`, `/api/v1/cards/${card.cardNo}/history`]) {
      const r = await signed(bank, 'get', path);
      assert.deepEqual([r.status, r.body.error.code], [403, 'forbidden'], `bank ${path}`);
    }
    const noCustomer = await get(clerk, '/api/v1/customers/999999999/media');
    assert.deepEqual([noCustomer.status, noCustomer.body.error.code], [404, 'customer-not-found']);
    const noCard = await get(clerk, '/api/v1/cards/34019999999999999999/history');
    assert.deepEqual([noCard.status, noCard.body.error.code], [404, 'card-not-found']);
    const noEvents = await get(clerk, '/api/v1/customers/999999999/events');
    assert.deepEqual([noEvents.status, noEvents.body.error.code], [404, 'customer-not-found']);
    for (const path of [
      `/api/v1/customers/${f.customerId}/media?limit=0`,
      `/api/v1/customers/${f.customerId}/media?limit=501`,
      `/api/v1/customers/${f.customerId}/media?sort=x`,
      `/api/v1/customers/abc/media`,
      `/api/v1/cards/${card.cardNo}/history?from=2026-02-30`,
      `/api/v1/cards/${card.cardNo}/history?from=2026-03-02&to=2026-03-01`,
      `/api/v1/cards/${card.cardNo}/history?offset=10001`,
      `/api/v1/cards/1234/history`,
      `/api/v1/customers/${f.customerId}/events?order=sideways`,
      '/api/v1/approvals?kind=refund',
      '/api/v1/approvals?customerId=x',
    ]) {
      const r = await get(clerk, path);
      assert.deepEqual([r.status, r.body.error.code], [400, 'invalid-request'], path);
    }
    assert.deepEqual(await fingerprint(), before);
  });

  it('puts card cancellations and held list changes in one approvals queue with the URLs that decide them', async () => {
    const h = await harness();
    const f = await customerWithVehicle(clerk);
    const card = await issue(f);
    await counterLoad(card, 2_000);
    const request1 = await request(h.http)
      .post(`/api/v1/cards/${card.cardNo}/cancellation-requests`)
      .set('Authorization', clerk)
      .send({ reason: 'customer moves abroad', refundMethod: 'cash' })
      .expect(201);
    // a held customer: its loss report waits for a supervisor
    const g = await customerWithVehicle(clerk);
    const held = await issue(g, 23);
    await request(h.http)
      .post(`/api/v1/customers/${g.customerId}/hold`)
      .set('Authorization', supervisor)
      .send({ holdAutoList: true, reason: 'fleet under review' })
      .expect(200);
    await cardStep(clerk, held.cardNo, 'loss-report');
    await tick();

    const asSupervisor = await get(supervisor, '/api/v1/approvals?limit=500');
    assert.equal(asSupervisor.status, 200, JSON.stringify(asSupervisor.body));
    approvalsResponse.parse(asSupervisor.body);
    const all = asSupervisor.body.approvals as Array<Record<string, any>>;
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].requestedAt <= all[i].requestedAt, 'oldest first');
    const cancellation = all.find((a) => a.kind === 'card-cancellation' && a.subject.id === card.cardNo)!;
    assert.deepEqual(
      [cancellation.id, cancellation.amount, cancellation.requestedBy, cancellation.mayDecide, cancellation.subject],
      [
        String(request1.body.request.id),
        2_000,
        `user:${clerkName}`,
        true,
        { medium: 'card', id: card.cardNo, customerId: f.customerId },
      ],
    );
    assert.deepEqual(cancellation.about, { refundMethod: 'cash' });
    assert.equal(cancellation.requestedByName, 'Test clerk'); // the staff member's display name
    const change0 = all.find((a) => a.kind === 'list-change' && a.subject.id === held.cardNo)!;
    assert.equal(change0.requestedByName, null, `${change0.requestedBy} is the service, not a member of staff`);
    const change = all.find((a) => a.kind === 'list-change' && a.subject.id === held.cardNo)!;
    assert.equal(change.subject.customerId, g.customerId);
    // the facts a screen words in its own language: list the card, reason 1 (lost), after the loss report
    assert.deepEqual(change.about, { action: 'enter', listReason: 1, event: 'card-loss-reported' });
    assert.deepEqual(
      change.decisions.map((d: { url: string }) => d.url),
      [`/api/v1/status-list/changes/${change.id}/confirm`, `/api/v1/status-list/changes/${change.id}/discard`],
    );
    // a clerk reads the queue of one customer but may decide nothing
    const asClerk = await get(clerk, `/api/v1/approvals?customerId=${f.customerId}`);
    assert.deepEqual(
      asClerk.body.approvals.map((a: { kind: string; mayDecide: boolean }) => [a.kind, a.mayDecide]),
      [['card-cancellation', false]],
    );
    const onlyChanges = await get(supervisor, `/api/v1/approvals?kind=list-change&customerId=${g.customerId}`);
    assert.deepEqual(
      onlyChanges.body.approvals.map((a: { id: string }) => a.id),
      [change.id],
    );
    // deciding through the given URLs takes both out of the queue
    for (const item of [cancellation, change]) {
      const d = item.decisions[0];
      const res = await request(h.http)
        .post(d.url)
        .set('Authorization', supervisor)
        .set('Idempotency-Key', randomUUID())
        .send({ note: 'checked' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    const after = await get(supervisor, '/api/v1/approvals?limit=500');
    const ids = after.body.approvals.map((a: { kind: string; id: string }) => `${a.kind}:${a.id}`);
    assert.ok(!ids.includes(`card-cancellation:${cancellation.id}`));
    assert.ok(!ids.includes(`list-change:${change.id}`));
  });
});
