// Lanes of both provinces: vehicles drive (an entry and an exit purchase on the card; other
// provinces' cards too), the transactions wait in their lane's outbox and go up in batches with
// every fault lanes-sim has — duplicates within a batch, a batch sent again under a new key, a
// replay under the same key, reordering, a corrupted TAC, a lost card used, batches held late — and
// the request faults (lost answer, concurrent replays, connection dropped). Lanes also pull lists.
import { isDeepStrictEqual } from 'node:util';
import { VirtualPsam } from '../../../../lanes-sim/card/virtual-card.ts';
import { LaneController, type Vehicle } from '../../../../lanes-sim/traffic/lane.ts';
import { LaneTariff, type DiscountDoc, type NetworkDoc } from '../../../../lanes-sim/traffic/tariff.ts';
import { LaneListClient } from '../../../../lanes-sim/status-list/client.ts';
import { transIdOf } from '../../../../src/modules/interchange/index.ts';
import { localDate } from '../../../../src/platform/clock/clock.ts';
import type { CardModel, Network } from '../model.ts';
import { must, type Pending, type Sim, type SimLane } from '../sim.ts';
import { call, send } from '../wire.ts';
import type { Action } from './index.ts';

const MIN = 60_000;

/** Each province's lanes, with PSAMs of the one purchase key, and the day's tariffs. */
export async function setUpLanes(s: Sim): Promise<void> {
  for (const n of ['3401', '3201'] as const) {
    const net: NetworkDoc = must(
      'network',
      await call(s.side(n), { kind: 'staff', role: 'clerk' }, 'GET', `/api/v1/network?date=${localDate(s.now())}`),
    );
    for (const l of net.lanes.filter((x) => x.etcEnabled)) {
      const psam = new VirtualPsam(s.side(n).masters.purchase, { terminalId: s.rng.digits(12), terminalSeq: 1 });
      s.lanes.push({
        controller: new LaneController(
          { laneId: l.id, network: n, station: l.stationId, laneNo: l.laneNo, direction: l.direction },
          psam,
        ),
        network: n,
        outbox: [],
        seen: new Set(),
      });
    }
  }
  await refreshTariffs(s);
}

export async function refreshTariffs(s: Sim): Promise<void> {
  for (const n of ['3401', '3201'] as const) {
    const clerk = { kind: 'staff', role: 'clerk' } as const;
    const net = must('network', await call(s.side(n), clerk, 'GET', `/api/v1/network?date=${localDate(s.now())}`));
    const discounts = must('discounts', await call(s.side(n), clerk, 'GET', '/api/v1/network/discounts'));
    s.tariffs.set(n, new LaneTariff(net as NetworkDoc, discounts as DiscountDoc));
  }
}

const drivable = (s: Sim) => (c: CardModel) =>
  (c.status === 'normal' || c.status === 'lost') && c.lastEventAt <= s.now().getTime() - 30 * MIN;

async function trip(s: Sim): Promise<string | null> {
  const cards = [...s.model.cards.values()].filter(drivable(s));
  if (cards.length === 0) return null;
  const card = s.rng.pick(cards);
  // a lost card drives only as a fault, once; then it is put away
  if (card.status === 'lost') {
    if (!s.faults.roll(0.5)) return null;
    s.faults.count('lost-card-used');
  }
  const abroad = s.rng.chance(card.issuer === '3401' ? 0.2 : 0.6);
  const roads: Network = abroad ? (card.issuer === '3401' ? '3201' : '3401') : card.issuer;
  const lanes = s.lanes.filter((l) => l.network === roads);
  const entry = s.rng.pick(lanes.filter((l) => l.controller.spec.direction === 'entry'));
  const exits = lanes.filter(
    (l) => l.controller.spec.direction === 'exit' && l.controller.spec.station !== entry.controller.spec.station,
  );
  const exit = s.rng.pick(exits);
  const tariff = s.tariffs.get(roads)!;
  const own = card.issuer === roads;
  const charge = tariff.charge(entry.controller.spec.station, exit.controller.spec.station, card.vehicleClass, own);
  if (card.card.balance < charge.amount) return null;
  const vehicle: Vehicle = {
    plate: card.plate,
    plateColor: 0,
    vehicleClass: card.vehicleClass,
    obuId: `${card.issuer}${card.cardNo.slice(-12)}`,
    cardType: 22,
  };
  const exitAt = s.now();
  const entryAt = new Date(exitAt.getTime() - s.rng.int(20, 29) * MIN);
  card.lastEventAt = exitAt.getTime();
  const e = entry.controller.entry(card.card, vehicle, entryAt);
  card.order++;
  const entryItem = item(s, card, roads, e.tx, new Map(), card.order);
  // the exit's fault, if the seed gives it one: a corrupted TAC (the lane's centre refuses it for its
  // own card; another province's card is taken at the lane and disputed by its issuer), a purse
  // balance off by a fen (14) or the exit lane's clock two hours ahead (16), both on own cards
  const fault =
    card.status === 'normal' && charge.amount > 0 && s.faults.roll(0.09)
      ? s.rng.pick(own ? (['tac', 'balance', 'skew'] as const) : (['tac'] as const))
      : null;
  if (fault === 'skew') exit.controller.skewMs = 120 * MIN;
  const x = exit.controller.exit(card.card, vehicle, exitAt, e.point, { ...charge, sendSections: s.rng.chance(0.5) });
  exit.controller.skewMs = 0;
  card.order++;
  const exitItem = item(s, card, roads, x, charge.operators, card.order);
  if (fault === 'tac') {
    s.faults.count('corrupted-tac');
    x.tac = x.tac.slice(0, 7) + (x.tac[7] === '0' ? '1' : '0');
    if (own) exitItem.expect = { disposition: 'rejected', code: 1 };
    else exitItem.issuerAccepts = false;
  } else if (fault === 'balance') {
    s.faults.count('purse-arithmetic');
    x.balanceAfter = x.balanceAfter! - 1;
    exitItem.expect = { disposition: 'rejected', code: 14 };
  } else if (fault === 'skew') {
    s.faults.count('lane-clock-ahead');
    exitItem.expect = { disposition: 'rejected', code: 16 };
  }
  entry.outbox.push(entryItem);
  exit.outbox.push(exitItem);
  card.unsettled += 2;
  if (card.status === 'lost') card.status = 'retired';
  // the lane with the clock ahead sends at once, while its times are still in the centre's future
  if (fault === 'skew') await upload(s, exit, exit.outbox.splice(0));
  return `trip of ${card.cardNo} on ${roads} roads ${entry.controller.laneId} → ${exit.controller.laneId}: ${charge.amount}`;
}

function item(
  s: Sim,
  card: CardModel,
  roads: Network,
  tx: Pending['tx'],
  weights: Map<string, number>,
  order: number,
): Pending {
  const own = card.issuer === roads;
  // a card reported lost is refused by its issuer: at its own lanes at once, otherwise in the confirmation
  const refused = card.status === 'lost';
  return {
    tx,
    card,
    order,
    balance: BigInt(card.card.balance),
    expect: own && refused ? { disposition: 'rejected', code: 9 } : { disposition: 'accepted' },
    issuerAccepts: !refused,
    weights,
  };
}

/** Sends part or all of a lane's outbox, with the seed's upload faults. */
export async function upload(s: Sim, lane: SimLane, items: Pending[]): Promise<void> {
  if (items.length === 0) return;
  const side = s.side(lane.network);
  const who = { kind: 'lane', laneId: lane.controller.laneId } as const;
  const path = `/api/v1/lanes/${lane.controller.laneId}/transactions`;
  let body = [...items];
  if (body.length > 1 && s.faults.roll()) {
    s.faults.count('reordered-upload');
    s.rng.shuffle(body);
  }
  if (body.length > 1 && s.faults.roll(0.1)) {
    s.faults.count('duplicate-upload');
    const at = s.rng.int(1, body.length);
    body = [...body.slice(0, at), body[s.rng.int(0, at - 1)], ...body.slice(at)];
  }
  const key = s.key(`up-${lane.controller.laneId}`);
  const payload = { transactions: body.map((i) => i.tx) };
  const reply = must(
    `upload ${lane.controller.laneId}`,
    await send(
      side,
      who,
      path,
      payload,
      key,
      s.faults,
      s.faults.delivery(),
      s.faults.pick([/^insert into "lane_transactions"/, /^update "idempotency_keys"/]),
    ),
  );
  check(s, lane, body, reply, true);
  if (s.faults.roll(0.1)) {
    s.faults.count('replayed-upload');
    const again = await call(side, who, 'POST', path, payload, key);
    if (again.status !== 200 || !isDeepStrictEqual(again.body, reply))
      throw new Error(`the replay of ${key} answered differently`);
  }
  if (s.faults.roll(0.1)) {
    // the lane lost the answer and sends the batch again under a new key: every one a duplicate
    s.faults.count('duplicate-upload');
    const r2 = must(`re-upload ${lane.controller.laneId}`, await call(side, who, 'POST', path, payload, s.key('reup')));
    check(s, lane, body, r2, false);
  }
}

function check(s: Sim, lane: SimLane, body: Pending[], reply: any, apply: boolean): void {
  const results: Array<{ terminalId: string; terminalSeq: number; disposition: string; code?: number }> = reply.results;
  if (results.length !== body.length) throw new Error(`upload: ${results.length} results for ${body.length}`);
  body.forEach((p, i) => {
    const r = results[i];
    const k = `${p.tx.terminalId}|${p.tx.terminalSeq}`;
    const first = apply && !lane.seen.has(k);
    const expected = first ? p.expect : { disposition: 'duplicate', code: 2 };
    if (r.terminalSeq !== p.tx.terminalSeq || r.disposition !== expected.disposition || r.code !== expected.code)
      throw new Error(
        `lane ${lane.controller.laneId} tx ${k} of ${p.card.cardNo}: got ${r.disposition}/${r.code}, expected ${expected.disposition}/${expected.code}`,
      );
    if (!first) return;
    lane.seen.add(k);
    settle(s, lane, p);
  });
}

/** The model takes an answered transaction: own cards' tolls on the day, visitors' for the package. */
function settle(s: Sim, lane: SimLane, p: Pending): void {
  const accepted = p.expect.disposition === 'accepted';
  const date = s.model.clearingDate(localDate(new Date(p.tx.time)), lane.network === '3201');
  const amount = BigInt(p.tx.amount);
  if (lane.network === '3401') {
    if (p.card.issuer === '3401') {
      p.card.unsettled--;
      if (!accepted) return;
      // the centre keeps the purse a charged purchase shows (an entry's 0 is no reading)
      if (amount > 0n) {
        s.model.know(p.card, p.order, p.balance);
        s.model.post('lane-purchase', [
          ['purse-float', amount],
          ['toll-revenue-clearing', -amount],
        ]);
        s.model.day(date).own.push({ amount, weights: p.weights, confirmed: true });
      }
    } else if (amount > 0n)
      s.model.day(date).visiting.push({
        amount,
        weights: p.weights,
        confirmed: p.issuerAccepts,
        transId: transIdOf(p.tx.terminalId, p.tx.terminalSeq),
      });
    return;
  }
  // the peer's lanes: our cards go into its package of the day, to be checked by us
  if (p.card.issuer === '3401') {
    s.model
      .day(date, true)
      .abroad.push({ amount, card: p.card, order: p.order, balance: p.balance, accept: p.issuerAccepts });
  }
}

export const laneActions: Action[] = [
  { name: 'trip', weight: (s) => (s.model.cards.size ? 8 : 0), act: trip },
  {
    name: 'upload',
    weight: (s) => (s.lanes.some((l) => l.outbox.length) ? 4 : 0),
    act: async (s) => {
      const lane = s.rng.pick(s.lanes.filter((l) => l.outbox.length));
      const n = s.rng.int(1, lane.outbox.length);
      const items = lane.outbox.splice(0, n);
      await upload(s, lane, items);
      return `upload of ${items.length} from ${lane.controller.laneId}`;
    },
  },
  {
    name: 'list-pull',
    weight: () => 0.5,
    act: async (s) => {
      const lane = s.rng.pick(s.lanes.filter((l) => l.network === '3401'));
      const side = s.world.home;
      const client = new LaneListClient({
        centre: side.base,
        laneId: lane.controller.laneId,
        secret: side.lanes.get(lane.controller.laneId)!,
        now: () => side.clock.now().getTime(),
      });
      const r = await client.pull();
      return `list pull by ${lane.controller.laneId}: ${r.kind} v${r.version}`;
    },
  },
];
