// The plan of a simulated day: each vehicle's trips (entry lane, exit lane at another station,
// times), mid-day loads between trips, the card reported lost between two of its trips, and the
// upload ticks. Events are processed in time order; at the same second a loss report and a load
// come before lane passages, and passages before uploads.
import type { LaneController, Point, WireTransaction } from './lane.ts';
import type { LaneTariff } from './tariff.ts';
import type { SimVehicle } from './fleet.ts';
import type { Rng } from './rng.ts';

export type Trip = {
  vehicle: SimVehicle;
  entryLane: LaneController;
  exitLane: LaneController;
  entryAt: Date;
  exitAt: Date;
};
export type DayEvent =
  | { at: Date; kind: 'loss'; vehicle: SimVehicle }
  | { at: Date; kind: 'load'; vehicle: SimVehicle; amount: number }
  | { at: Date; kind: 'entry'; trip: Trip }
  | { at: Date; kind: 'exit'; trip: Trip }
  | { at: Date; kind: 'upload'; final: boolean };

export const ORDER: Record<DayEvent['kind'], number> = { loss: 0, load: 1, entry: 2, exit: 2, upload: 3 };
const MIN = 60_000;

export const dayStart = (date: string) => new Date(`${date}T00:00:00+08:00`);

export type DayPlan = { events: DayEvent[]; trips: Trip[]; lost?: { vehicle: SimVehicle; at: Date } };

export function planDay(
  rng: Rng,
  date: string,
  vehicles: SimVehicle[],
  entryLanes: LaneController[],
  exitLanes: LaneController[],
  o: { uploadMinutes: number; lossReport: boolean },
): DayPlan {
  const start = dayStart(date).getTime();
  const events: DayEvent[] = [];
  const trips: Trip[] = [];
  let lost: DayPlan['lost'];
  for (const vehicle of vehicles) {
    let t = start + 6 * 60 * MIN + rng.int(0, 8 * 60) * MIN + rng.int(0, 59) * 1000;
    const count = rng.int(1, 3);
    const mine: Trip[] = [];
    for (let k = 0; k < count && t < start + 21 * 60 * MIN; k++) {
      const entryLane = rng.pick(entryLanes);
      const exitLane = rng.pick(exitLanes.filter((l) => l.spec.station !== entryLane.spec.station));
      const entryAt = new Date(t);
      const exitAt = new Date(t + rng.int(20, 90) * MIN + rng.int(0, 59) * 1000);
      mine.push({ vehicle, entryLane, exitLane, entryAt, exitAt });
      t = exitAt.getTime() + rng.int(30, 120) * MIN;
    }
    trips.push(...mine);
    for (const trip of mine)
      events.push({ at: trip.entryAt, kind: 'entry', trip }, { at: trip.exitAt, kind: 'exit', trip });
    const gaps = mine.slice(1).map((next, i) => ({ after: mine[i].exitAt.getTime(), before: next.entryAt.getTime() }));
    if (vehicle.own && vehicle.vehicle.cardType === 22 && gaps.length > 0) {
      const gap = gaps[0];
      // between the first trip and the next: somewhere strictly inside the gap, on a whole second
      const inside = new Date(gap.after + Math.floor((gap.before - gap.after) / 2000) * 1000);
      if (o.lossReport && !lost) {
        lost = { vehicle, at: inside };
        events.push({ at: inside, kind: 'loss', vehicle });
      } else if (rng.chance(0.3)) {
        events.push({ at: inside, kind: 'load', vehicle, amount: 5000 });
      }
    }
  }
  for (let t = start + 6 * 60 * MIN; t < start + 24 * 60 * MIN; t += o.uploadMinutes * MIN)
    events.push({ at: new Date(t), kind: 'upload', final: false });
  events.push({ at: new Date(start + 24 * 60 * MIN + 10 * MIN), kind: 'upload', final: true });
  events.sort((a, b) => a.at.getTime() - b.at.getTime() || ORDER[a.kind] - ORDER[b.kind]);
  return { events, trips, lost };
}

/** The lane transaction of a passage: an entry records where the vehicle came on (kept in
 *  `entries` for its exit), an exit charges the tariff from there, the card's own discount if own. */
export function passageTransaction(
  ev: Extract<DayEvent, { kind: 'entry' | 'exit' }>,
  tariff: LaneTariff,
  own: boolean,
  entries: Map<SimVehicle, Point>,
  rng: Rng,
): WireTransaction {
  const { trip } = ev;
  const v = trip.vehicle;
  if (ev.kind === 'entry') {
    const r = trip.entryLane.entry(v.card, v.vehicle, ev.at);
    entries.set(v, r.point);
    return r.tx;
  }
  const charge = tariff.charge(trip.entryLane.spec.station, trip.exitLane.spec.station, v.vehicle.vehicleClass, own);
  return trip.exitLane.exit(v.card, v.vehicle, ev.at, entries.get(v)!, { ...charge, sendSections: rng.chance(0.5) });
}
