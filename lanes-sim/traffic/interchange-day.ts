// A simulated day of traffic across two provinces, each with its own centre: each centre issues
// and loads its own cards; most vehicles stay on their home roads, some spend the day on the other
// province's roads. Faults: corrupted TACs and a lost card — caught by the lane when the card is the
// lane's own centre's, otherwise accepted at the lane and left for the card's issuer to dispute in
// its confirmation (result 1 or 9) — and duplicate uploads. Loads and the loss report go to the
// card's issuer. The report lists every cross-province transaction with what its issuer should say.
import { randomBytes } from 'node:crypto';
import { transIdOf } from '../../src/modules/interchange/index.ts';
import { VirtualPsam, type MasterKeys } from '../card/virtual-card.ts';
import type { Centre } from './centre.ts';
import { bankLoad, issueFleet, type SimVehicle } from './fleet.ts';
import { LaneController, type Point, type WireTransaction } from './lane.ts';
import { ORDER, passageTransaction, planDay, type DayEvent } from './plan.ts';
import { Rng } from './rng.ts';
import { LaneTariff, type DiscountDoc, type NetworkDoc } from './tariff.ts';
import { sendBatches, type Expect, type Item, type Outbox, type Sent } from './uploads.ts';

export type Side = { centre: Centre; network: string; masters: MasterKeys; keyVersion: number };
export type InterchangeDayOptions = {
  sides: [Side, Side];
  date: string;
  vehicles: number;
  visitShare: number;
  seed: number;
  faults: { tac: boolean; lost: boolean; duplicate: boolean };
  batchSize?: number;
  uploadMinutes?: number;
  log?: (line: string) => void;
};
export type IssuerExpect = { result: 'accepted' } | { result: 'disputed'; code: number };
export type Crossing = {
  laneNetwork: string;
  issuer: string;
  transId: string;
  cardNo: string;
  amount: number;
  fault: string;
  issuer_expects: IssuerExpect;
};
export type SideReport = { network: string; sent: Sent; lost?: string };
export type InterchangeDayReport = { date: string; sides: SideReport[]; crossings: Crossing[]; mismatches: unknown[] };

const HOUR = 3_600_000;

function must(what: string, r: { status: number; body: any }, status = 200): any {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

type Lanes = { side: Side; tariff: LaneTariff; lanes: LaneController[]; outbox: Outbox; sent: Sent };
type Tagged = DayEvent & { lanes: Lanes };

export async function simulateInterchangeDay(o: InterchangeDayOptions): Promise<InterchangeDayReport> {
  const rng = new Rng(o.seed);
  const log = o.log ?? (() => {});
  const runId = randomBytes(3).toString('hex').toUpperCase();
  const day0 = new Date(`${o.date}T00:00:00+08:00`);
  const setTime = (at: Date) => {
    for (const s of o.sides) s.centre.setTime(at);
  };
  if (!o.sides[0].masters.purchase.equals(o.sides[1].masters.purchase))
    throw new Error("the lanes' PSAMs hold one purchase key for both provinces");
  const sideOf = (cardNo: string) => o.sides.find((s) => cardNo.startsWith(s.network))!;

  // the day before: each centre issues and loads its fleet
  setTime(new Date(day0.getTime() - 14 * HOUR));
  const all: Lanes[] = [];
  const fleets = new Map<string, SimVehicle[]>();
  for (const side of o.sides) {
    const net: NetworkDoc = must('network', await side.centre.staff('clerk', 'get', `/api/v1/network?date=${o.date}`));
    const tariff = new LaneTariff(
      net,
      must('discounts', await side.centre.staff('clerk', 'get', '/api/v1/network/discounts')) as DiscountDoc,
    );
    const lanes = net.lanes
      .filter((l) => l.etcEnabled)
      .map(
        (l) =>
          new LaneController(
            { laneId: l.id, network: side.network, station: l.stationId, laneNo: l.laneNo, direction: l.direction },
            new VirtualPsam(side.masters.purchase, {
              terminalId: randomBytes(6).toString('hex').toUpperCase(),
              terminalSeq: 1,
            }),
          ),
      );
    fleets.set(
      side.network,
      await issueFleet(
        side.centre,
        rng,
        {
          count: o.vehicles,
          masters: side.masters,
          keyVersion: side.keyVersion,
          foreignShare: 0,
          debitShare: 0.2,
          initialLoad: 200_000,
          debitCreditLimit: 3000,
        },
        runId,
      ),
    );
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
    all.push({ side, tariff, lanes, outbox: new Map(lanes.map((l) => [l.laneId, []])), sent });
  }

  // who drives where: the first three of each fleet, and a share of the rest, visit the other province
  const roads = new Map<Lanes, SimVehicle[]>(all.map((l) => [l, []]));
  for (const [i, here] of all.entries()) {
    const there = all[1 - i];
    for (const [k, v] of fleets.get(here.side.network)!.entries()) {
      const visits = k < 3 || rng.chance(o.visitShare);
      // visitors first: the plan reports the first stored-value card with two trips lost, so the
      // lost card is one on the other province's roads, where only its issuer can catch it
      if (visits) roads.get(there)!.unshift(v);
      else roads.get(here)!.push(v);
    }
  }
  const events: Tagged[] = [];
  const lost = new Map<Lanes, { vehicle: SimVehicle; at: Date } | undefined>();
  for (const l of all) {
    const plan = planDay(
      rng,
      o.date,
      roads.get(l)!,
      l.lanes.filter((x) => x.spec.direction === 'entry'),
      l.lanes.filter((x) => x.spec.direction === 'exit'),
      { uploadMinutes: o.uploadMinutes ?? 60, lossReport: o.faults.lost },
    );
    lost.set(l, plan.lost);
    events.push(...plan.events.map((e) => ({ ...e, lanes: l })));
  }
  events.sort((a, b) => a.at.getTime() - b.at.getTime() || ORDER[a.kind] - ORDER[b.kind]);
  log(
    `${o.sides.map((s) => `${s.network}: ${fleets.get(s.network)!.length} cards`).join(', ')}; ${events.length} events`,
  );

  const crossings = new Map<string, Crossing>();
  const entries = new Map<SimVehicle, Point>();
  const injected = new Set<string>();
  const batch = { size: o.batchSize ?? 1000, reorder: false, duplicate: o.faults.duplicate };
  for (const ev of events) {
    setTime(ev.at);
    const l = ev.lanes;
    if (ev.kind === 'loss') {
      must(
        'loss report',
        await sideOf(ev.vehicle.cardNo).centre.staff(
          'clerk',
          'post',
          `/api/v1/cards/${ev.vehicle.cardNo}/loss-report`,
          { reason: 'simulated loss' },
        ),
      );
    } else if (ev.kind === 'load') {
      await bankLoad(
        sideOf(ev.vehicle.cardNo).centre,
        ev.vehicle.card,
        ev.amount,
        `SIM-${runId}-${ev.vehicle.cardNo}-${ev.at.getTime()}`,
      );
    } else if (ev.kind === 'entry' || ev.kind === 'exit') {
      const { trip } = ev;
      const v = trip.vehicle;
      const own = v.cardNo.startsWith(l.side.network);
      const tx = passageTransaction(ev, l.tariff, own, entries, rng);
      let fault = 'none';
      let code: number | undefined;
      const plannedLoss = lost.get(l);
      if (plannedLoss?.vehicle === v && ev.at >= plannedLoss.at) {
        fault = 'lost';
        code = 9;
      } else if (
        o.faults.tac &&
        ev.kind === 'exit' &&
        (!injected.has(`tac:${l.side.network}:${own}`) || rng.chance(0.05))
      ) {
        // at the first chance for own and for visiting cards on each province's roads, then now and again
        injected.add(`tac:${l.side.network}:${own}`);
        tx.tac = tx.tac.slice(0, 7) + (tx.tac[7] === '0' ? '1' : '0');
        fault = 'tac';
        code = 1;
      }
      // the lane's own cards are judged by the lane's centre; a visiting card only by its issuer
      const expect: Expect =
        own && code !== undefined ? { disposition: 'rejected', code } : { disposition: 'accepted' };
      const lane = ev.kind === 'entry' ? trip.entryLane : trip.exitLane;
      l.outbox.get(lane.laneId)!.push({ tx, fault, expect, own, late: false });
      if (!own) {
        const transId = transIdOf(tx.terminalId, tx.terminalSeq);
        crossings.set(transId, {
          laneNetwork: l.side.network,
          issuer: sideOf(v.cardNo).network,
          transId,
          cardNo: v.cardNo,
          amount: tx.amount,
          fault,
          issuer_expects: code === undefined ? { result: 'accepted' } : { result: 'disputed', code },
        });
      }
    } else {
      for (const lane of l.lanes) {
        const items: Item[] = l.outbox.get(lane.laneId)!.splice(0);
        if (items.length) await sendBatches(l.side.centre, rng, lane.laneId, items, batch, l.sent, runId);
      }
    }
  }
  return {
    date: o.date,
    sides: all.map((l) => ({ network: l.side.network, sent: l.sent, lost: lost.get(l)?.vehicle.cardNo })),
    crossings: [...crossings.values()],
    mismatches: all.flatMap((l) => l.sent.results.filter((r) => !r.ok).map((r) => r.mismatch)),
  };
}
