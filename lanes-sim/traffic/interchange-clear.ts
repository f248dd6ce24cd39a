// Clearing one day at two (or more) centres that are each other's peers, the way the daily jobs and
// delivery jobs would, but in order: each runs the day (sealed, split, packaged; then waiting for
// confirmations), each delivers what it owes until nothing is pending (packages, then the
// confirmations and resolutions they cause), and each runs the day again until none waits.
import { clearDay, type RunOutcome } from '../../src/modules/clearing/index.ts';
import { deliverPending } from '../../src/modules/interchange/index.ts';
import type { SimCentre } from './sim-centre.ts';

export async function exchangeDocuments(centres: SimCentre[]): Promise<number> {
  let total = 0;
  for (let round = 0; round < 5; round++) {
    let delivered = 0;
    for (const c of centres) {
      const r = await deliverPending(c.app);
      if (r.failed) throw new Error(`${c.network}: ${r.failed} document(s) could not be delivered`);
      delivered += r.delivered;
    }
    total += delivered;
    if (delivered === 0) return total;
  }
  throw new Error('documents keep coming after five rounds of delivery');
}

export async function clearTogether(centres: SimCentre[], date: string, actor = 'lanes-sim'): Promise<RunOutcome[]> {
  const run = (c: SimCentre) => clearDay({ app: c.app, now: c.clock.now(), actor }, date);
  let outcomes: RunOutcome[] = [];
  for (let pass = 0; pass < 4; pass++) {
    outcomes = [];
    for (const c of centres) outcomes.push(await run(c));
    if (outcomes.every((o) => o.pending === null)) return outcomes;
    await exchangeDocuments(centres);
  }
  return outcomes;
}
