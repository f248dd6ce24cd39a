// The actors of the simulation, as one list the run draws from with the seed's weights. A new
// capability joins by adding its actions here (corporate transfers and allocations: corporate.ts).
import type { Sim } from '../sim.ts';
import { clerkActions } from './clerks.ts';
import { corporateActions } from './corporate.ts';
import { financeActions } from './finance.ts';
import { peerActions } from './peer.ts';
import { infrastructureActions } from './clearing.ts';
import { laneActions } from './lanes.ts';

export type Action = {
  name: string;
  /** How likely the action is now (0: not possible in this state). */
  weight: (s: Sim) => number;
  /** Does it; says what it did, or null when it found nothing to do. */
  act: (s: Sim) => Promise<string | null>;
};

export const ACTIONS: Action[] = [
  ...clerkActions,
  ...laneActions,
  ...financeActions,
  ...peerActions,
  ...corporateActions,
  ...infrastructureActions,
];

export function pickAction(s: Sim): Action {
  const weights = ACTIONS.map((a) => Math.max(0, a.weight(s)));
  const total = weights.reduce((a, b) => a + b, 0);
  let x = s.rng.next() * total;
  for (let i = 0; i < ACTIONS.length; i++) {
    x -= weights[i];
    if (x < 0 && weights[i] > 0) return ACTIONS[i];
  }
  const last = weights.map((w, i) => (w > 0 ? i : -1)).reduce((a, b) => Math.max(a, b), -1);
  return ACTIONS[last];
}
