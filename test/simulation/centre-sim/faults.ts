// The faults the seed injects, and how many of each kind a run injected.
import type { Rng } from '../../../lanes-sim/traffic/rng.ts';
import type { Delivery } from './wire.ts';

export const FAULT_KINDS = [
  'lost-answer',
  'concurrent-replay',
  'db-connection-dropped',
  'duplicate-upload',
  'reordered-upload',
  'replayed-upload',
  'late-upload',
  'corrupted-tac',
  'purse-arithmetic',
  'lane-clock-ahead',
  'lost-card-used',
  'torn-load',
  'redis-restarted',
  'job-run-twice',
  'peer-down',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export class Faults {
  readonly counts: Record<string, number> = {};
  readonly #rng: Rng;
  readonly rate: number;

  constructor(rng: Rng, rate = 0.25) {
    this.#rng = rng;
    this.rate = rate;
  }

  count(kind: FaultKind): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
  }

  /** Whether to inject a fault now (the seed decides). */
  roll(p = this.rate): boolean {
    return this.#rng.chance(p);
  }

  pick<T>(xs: readonly T[]): T {
    return this.#rng.pick(xs);
  }

  /** How a money-moving request travels: mostly plainly, else with one of the request faults. */
  delivery(): Delivery {
    if (!this.roll()) return 'plain';
    return this.#rng.pick(['lost-answer', 'concurrent', 'db-drop'] as const);
  }
}
