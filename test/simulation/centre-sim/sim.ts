// The state of one seed's run that every actor shares: the world, the seeded PRNG (the only source
// of choices), the fault injector, the model, the lanes with their outboxes and the simulated time.
import type { LaneController, WireTransaction } from '../../../lanes-sim/traffic/lane.ts';
import type { Rng } from '../../../lanes-sim/traffic/rng.ts';
import type { LaneTariff } from '../../../lanes-sim/traffic/tariff.ts';
import type { Faults } from './faults.ts';
import type { CardModel, Model, Network } from './model.ts';
import type { Side, World } from './world.ts';

/** A lane transaction waiting in its lane's outbox, with what the lane's centre should answer. */
export type Pending = {
  tx: WireTransaction;
  card: CardModel;
  order: number;
  balance: bigint; // the purse after it
  expect: { disposition: 'accepted' | 'rejected'; code?: number };
  issuerAccepts: boolean; // for another province's card: whether its issuer should confirm it
  weights: Map<string, number>;
};

export type SimLane = { controller: LaneController; network: Network; outbox: Pending[]; seen: Set<string> };

export class Sim {
  readonly world: World;
  readonly rng: Rng;
  readonly faults: Faults;
  readonly model: Model;
  readonly seed: number;
  readonly tariffs = new Map<Network, LaneTariff>();
  readonly lanes: SimLane[] = [];
  readonly log: string[] = [];
  step = 0;
  #serial = 0;
  peerDown = false;
  date = '';

  constructor(o: { world: World; rng: Rng; faults: Faults; model: Model; seed: number }) {
    this.world = o.world;
    this.rng = o.rng;
    this.faults = o.faults;
    this.model = o.model;
    this.seed = o.seed;
  }

  side(n: Network): Side {
    return n === '3401' ? this.world.home : this.world.peer;
  }

  /** A fresh Idempotency-Key (the seed and a counter: the same run makes the same keys). */
  key(what: string): string {
    return `sim-${this.seed}-${what}-${++this.#serial}`;
  }

  now(): Date {
    return this.world.home.clock.now();
  }

  setTime(at: Date): void {
    this.world.home.clock.set(at);
  }

  advance(ms: number): void {
    this.world.home.clock.advance(ms);
  }

  note(line: string): void {
    this.log.push(`step ${this.step}: ${line}`);
    if (this.log.length > 5000) this.log.shift();
  }

  cards(issuer: Network, f: (c: CardModel) => boolean = () => true): CardModel[] {
    return [...this.model.cards.values()].filter((c) => c.issuer === issuer && f(c));
  }
}

export function must(what: string, r: { status: number; body: any }, status = 200): any {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
