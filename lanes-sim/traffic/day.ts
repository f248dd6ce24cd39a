// A simulated day of lane traffic against the centre, with fault injection. Every transaction
// carries the disposition its fault implies (or "accepted"); each upload's answer is compared with
// it, transaction by transaction. Faults: duplicate uploads (a batch sent again under a new key, a
// transaction twice in one batch, a replay under the same key), reordering (within and between
// batches), a corrupted TAC, a card used after its loss report, a lane whose clock is two hours
// ahead, late uploads (a lane's evening batches held until the day is cleared) and a purse balance off
// by a fen.
import { randomBytes } from 'node:crypto';
import { VirtualPsam, type MasterKeys } from '../card/virtual-card.ts';
import type { Centre } from './centre.ts';
import { bankLoad, issueFleet, type SimVehicle } from './fleet.ts';
import { LaneController, type LaneSpec, type Point, type WireTransaction } from './lane.ts';
import { passageTransaction, planDay } from './plan.ts';
import { Rng } from './rng.ts';
import { LaneTariff, type DiscountDoc, type NetworkDoc } from './tariff.ts';
import { expectedSplit, sendBatches, type Expect, type Item, type Outbox, type Sent } from './uploads.ts';

export const FAULTS = ['duplicate', 'reorder', 'tac', 'lost', 'skew', 'late', 'balance'] as const;
export type Fault = (typeof FAULTS)[number];

export type DayOptions = {
  centre: Centre;
  date: string;
  vehicles: number;
  seed: number;
  faults: ReadonlySet<Fault>;
  masters: MasterKeys;
  keyVersion: number;
  network?: string;
  laneIds?: string[]; // default: every ETC lane of the network
  uploadMinutes?: number;
  batchSize?: number;
  foreignShare?: number;
  debitShare?: number;
  log?: (line: string) => void;
};

export type Mismatch = {
  laneId: string;
  terminalId: string;
  terminalSeq: number;
  fault: string;
  expected: Expect;
  got: unknown;
};

export type DayReport = {
  date: string;
  vehicles: number;
  trips: number;
  transactions: number;
  uploads: number;
  received: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  replays: number;
  byFault: Record<string, { transactions: number; asExpected: number }>;
  mismatches: Mismatch[];
  lateTransactions: Array<{ terminalId: string; terminalSeq: number }>;
  clearing: {
    date: string;
    operators: Array<{ operatorId: string; amount: number }>;
    expected: Record<string, number>;
    steps: string[];
  };
  debitCards: string[];
};

const HOUR = 3_600_000;

function must(what: string, r: { status: number; body: any }, status = 200): any {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function simulateDay(o: DayOptions): Promise<DayReport> {
  const rng = new Rng(o.seed);
  const log = o.log ?? (() => {});
  const network = o.network ?? '3401';
  const { centre } = o;
  const runId = randomBytes(3).toString('hex').toUpperCase();
  const day0 = new Date(`${o.date}T00:00:00+08:00`);

  // the day before: issue the fleet and load it
  centre.setTime(new Date(day0.getTime() - 14 * HOUR));
  const net: NetworkDoc = must('network', await centre.staff('clerk', 'get', `/api/v1/network?date=${o.date}`));
  const tariff = new LaneTariff(
    net,
    must('discounts', await centre.staff('clerk', 'get', '/api/v1/network/discounts')) as DiscountDoc,
  );
  const vehicles = await issueFleet(
    centre,
    rng,
    {
      count: o.vehicles,
      masters: o.masters,
      keyVersion: o.keyVersion,
      foreignShare: o.foreignShare ?? 0.1,
      debitShare: o.debitShare ?? 0.15,
      initialLoad: 200_000,
      debitCreditLimit: 3000,
    },
    runId,
  );
  log(
    `issued ${vehicles.filter((v) => v.own).length} own cards and ${vehicles.filter((v) => !v.own).length} other provinces' cards`,
  );

  const specs: LaneSpec[] = net.lanes
    .filter((l) => l.etcEnabled && (!o.laneIds || o.laneIds.includes(l.id)))
    .map((l) => ({ laneId: l.id, network, station: l.stationId, laneNo: l.laneNo, direction: l.direction }));
  const lanes = specs.map(
    (s) =>
      new LaneController(
        s,
        new VirtualPsam(o.masters.purchase, {
          terminalId: randomBytes(6).toString('hex').toUpperCase(),
          terminalSeq: 1,
        }),
      ),
  );
  const entryLanes = lanes.filter((l) => l.spec.direction === 'entry');
  const exitLanes = lanes.filter((l) => l.spec.direction === 'exit');
  const plan = planDay(rng, o.date, vehicles, entryLanes, exitLanes, {
    uploadMinutes: o.uploadMinutes ?? 60,
    lossReport: o.faults.has('lost'),
  });
  // the faulty lanes are chosen from the plan, so that each fault meets traffic: the skewed clock at
  // the busiest exit lane, the late uploads at the lane busiest in the evening (from 18:00 on)
  const evening = day0.getTime() + 18 * HOUR;
  const busiest = (pool: LaneController[], count: (l: LaneController) => number) =>
    [...pool].sort((a, b) => count(b) - count(a) || (a.laneId < b.laneId ? -1 : 1))[0];
  const passages = (l: LaneController, from = 0) =>
    plan.trips.filter(
      (t) => (t.entryLane === l && t.entryAt.getTime() >= from) || (t.exitLane === l && t.exitAt.getTime() >= from),
    ).length;
  const skewed = o.faults.has('skew') ? busiest(exitLanes, (l) => passages(l)) : undefined;
  if (skewed) skewed.skewMs = 2 * HOUR;
  const late = o.faults.has('late')
    ? busiest(
        lanes.filter((l) => l !== skewed),
        (l) => passages(l, evening),
      )
    : undefined;

  const outbox: Outbox = new Map(lanes.map((l) => [l.laneId, []]));
  const entries = new Map<SimVehicle, Point>();
  const sent: Sent = {
    keys: new Set(),
    results: [],
    uploads: 0,
    replays: 0,
    copies: 0,
    resent: 0,
    received: 0,
    counts: { accepted: 0, duplicate: 0, rejected: 0 },
  };
  const held: Array<{ laneId: string; items: Item[] }> = [];
  const injected = new Set<Fault>();
  const cardFaults = { tac: o.faults.has('tac'), balance: o.faults.has('balance') };
  const batch = { size: o.batchSize ?? 1000, reorder: o.faults.has('reorder'), duplicate: o.faults.has('duplicate') };

  for (const ev of plan.events) {
    centre.setTime(ev.at);
    if (ev.kind === 'loss') {
      must(
        'loss report',
        await centre.staff('clerk', 'post', `/api/v1/cards/${ev.vehicle.cardNo}/loss-report`, {
          reason: 'simulated loss',
        }),
      );
    } else if (ev.kind === 'load') {
      await bankLoad(centre, ev.vehicle.card, ev.amount, `SIM-${runId}-${ev.vehicle.n}-${ev.at.getTime()}`);
    } else if (ev.kind === 'entry' || ev.kind === 'exit') {
      const { trip } = ev;
      const v = trip.vehicle;
      const tx = passageTransaction(ev, tariff, v.own, entries, rng);
      const lane = ev.kind === 'entry' ? trip.entryLane : trip.exitLane;
      // the faults this transaction carries, and the refusal they imply (ETC-REFERENCE §7)
      const faults: Array<{ fault: Fault; code: number }> = [];
      if (lane === skewed) faults.push({ fault: 'skew', code: 16 });
      if (plan.lost?.vehicle === v && ev.at >= plan.lost.at) faults.push({ fault: 'lost', code: 9 });
      if (faults.length === 0 && v.own && ev.kind === 'exit') {
        // each at the first chance, then now and again
        if (cardFaults.tac && (!injected.has('tac') || rng.chance(0.05))) {
          injected.add('tac');
          tx.tac = tx.tac.slice(0, 7) + (tx.tac[7] === '0' ? '1' : '0');
          faults.push({ fault: 'tac', code: 1 });
        } else if (cardFaults.balance && v.vehicle.cardType === 22 && (!injected.has('balance') || rng.chance(0.04))) {
          injected.add('balance');
          tx.balanceAfter = tx.balanceAfter! - 1;
          faults.push({ fault: 'balance', code: 14 });
        }
      }
      const code = [16, 1, 9, 14].find((c) => faults.some((f) => f.code === c));
      const fault = faults.find((f) => f.code === code)?.fault ?? 'none';
      outbox.get(lane.laneId)!.push({
        tx,
        fault,
        expect: code === undefined ? { disposition: 'accepted' } : { disposition: 'rejected', code },
        own: v.own,
        charge:
          ev.kind === 'exit' && v.own
            ? tariff.charge(trip.entryLane.spec.station, trip.exitLane.spec.station, v.vehicle.vehicleClass, true)
                .operators
            : undefined,
        late: false,
      });
    } else {
      for (const lane of lanes) {
        const items = outbox.get(lane.laneId)!.splice(0);
        if (items.length === 0) continue;
        if (lane === late && ev.at.getTime() >= evening) {
          for (const it of items) it.late = true;
          held.push({ laneId: lane.laneId, items });
          continue;
        }
        await sendBatches(centre, rng, lane.laneId, items, batch, sent, runId);
      }
    }
  }

  // the day is over: finance clears it; then the held batches arrive, late
  centre.setTime(new Date(day0.getTime() + 25 * HOUR));
  const run = must('clearing run', await centre.staff('finance', 'post', `/api/v1/clearing/days/${o.date}/run`));
  centre.setTime(new Date(day0.getTime() + 25 * HOUR + 10 * 60_000));
  for (const h of held) await sendBatches(centre, rng, h.laneId, h.items, batch, sent, runId);

  // per fault: the transactions that carried it (re-sent copies count under "duplicate")
  const byFault: DayReport['byFault'] = {};
  for (const r of sent.results) {
    const f = (byFault[r.fault] ??= { transactions: 0, asExpected: 0 });
    f.transactions++;
    if (r.ok) f.asExpected++;
  }
  const debitCards = vehicles.filter((v) => v.own && v.vehicle.cardType === 23).map((v) => v.cardNo);
  return {
    date: o.date,
    vehicles: vehicles.length,
    trips: plan.trips.length,
    transactions: sent.results.filter((r) => r.first).length,
    uploads: sent.uploads,
    received: sent.received,
    ...sent.counts,
    replays: sent.replays,
    byFault,
    mismatches: sent.results.filter((r) => !r.ok).map((r) => r.mismatch!),
    lateTransactions: held.flatMap((h) =>
      h.items.map((i) => ({ terminalId: i.tx.terminalId, terminalSeq: i.tx.terminalSeq })),
    ),
    clearing: {
      date: o.date,
      steps: run.done,
      operators: run.day.operators
        .filter((x: { source: string }) => x.source === 'own-card')
        .map((x: { operatorId: string; amount: number }) => ({ operatorId: x.operatorId, amount: x.amount })),
      expected: expectedSplit(sent.results),
    },
    debitCards,
  };
}
