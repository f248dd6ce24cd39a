// The peer province as the issuer of the visiting cards it disputed: its finance decides each open
// dispute — pay (the money comes to us, and on to the operators, on the day of the decision) or bad
// debt (nothing moves) — and the resolution travels to us with the day's documents.
import { localDate } from '../../../../src/platform/clock/clock.ts';
import { must, type Sim } from '../sim.ts';
import { call } from '../wire.ts';
import type { Action } from './index.ts';

const finance = { kind: 'staff', role: 'finance' } as const;

export const peerActions: Action[] = [
  {
    name: 'peer-decides-disputes',
    weight: (s) =>
      [...s.model.days.values()].some((d) => d.visiting.some((t) => !t.confirmed && !t.decided)) ? 0.8 : 0,
    act: async (s) => {
      const open = must(
        'disputes',
        await call(s.world.peer, finance, 'GET', '/api/v1/interchange/disputes?side=issuer&status=open'),
      ).disputes as Array<{ id: number; transId: string; amount: number }>;
      if (open.length === 0) return null;
      const chosen = open.sort((a, b) => a.id - b.id).filter(() => s.rng.chance(0.6));
      if (chosen.length === 0) return null;
      const items = chosen.map((d) => ({ id: d.id, resolution: s.rng.chance(0.5) ? 0 : 1 }));
      must(
        'dispute decisions',
        await call(s.world.peer, finance, 'POST', '/api/v1/interchange/disputes/decisions', {
          items,
          note: 'reviewed with 3401',
        }),
      );
      const today = localDate(s.now());
      for (const [i, d] of chosen.entries()) {
        const t = s.model.disputed(d.transId);
        if (!t) throw new Error(`3201 disputed ${d.transId}, which the model has no dispute for`);
        if (BigInt(d.amount) !== t.amount) throw new Error(`dispute ${d.transId}: ${d.amount}, the model ${t.amount}`);
        t.decided = true;
        if (items[i].resolution === 0) s.model.day(today).disputesPaid.push({ ...t, confirmed: true });
      }
      return `3201 decided ${items.length} dispute(s): ${items.filter((i) => i.resolution === 0).length} paid`;
    },
  },
];
