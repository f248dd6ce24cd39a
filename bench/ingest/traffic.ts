// The bench's lane traffic, made before the clock starts: cards issued and loaded at the centre
// through its API (../cards.ts), then every card's trips as compound purchases on virtual cards
// through virtual PSAMs (entry 0, exit by the tariff, own-card discount), queued per lane in batches
// of 1,000 and serialised — so that the timed part is the centre's work, not the generator's.
import { randomBytes } from 'node:crypto';
import { VirtualPsam } from '../../lanes-sim/card/virtual-card.ts';
import { LaneController, type LaneSpec, type WireTransaction } from '../../lanes-sim/traffic/lane.ts';
import type { LaneTariff } from '../../lanes-sim/traffic/tariff.ts';
import type { BenchCard } from '../cards.ts';

/** Every card's trips, round by round, spread over the lanes; returns each lane's batches as JSON text. */
export function makeBatches(
  cards: BenchCard[],
  lanes: LaneSpec[],
  purchase: Buffer,
  tariff: LaneTariff,
  trips: number,
  start: Date,
  batchSize: number,
): { batches: Map<string, string[]>; transactions: number } {
  const controllers = lanes.map(
    (spec) =>
      new LaneController(spec, new VirtualPsam(purchase, { terminalId: randomBytes(6).toString('hex').toUpperCase() })),
  );
  const entries = controllers.filter((c) => c.spec.direction === 'entry');
  const exits = controllers.filter((c) => c.spec.direction === 'exit');
  const queues = new Map<string, WireTransaction[]>(controllers.map((c) => [c.laneId, []]));
  let t = start.getTime();
  let n = 0;
  // trips follow each other by a millisecond or two, so that the whole traffic stays within minutes
  const step = Math.max(1, Math.min(2, Math.floor(300_000 / (trips * cards.length))));
  for (let round = 0; round < trips; round++) {
    for (const [i, bc] of cards.entries()) {
      const entry = entries[(i + round) % entries.length];
      const exit =
        exits.filter((x) => x.spec.station !== entry.spec.station)[(i * 7 + round) % (exits.length - 1 || 1)] ??
        exits[0];
      const e = entry.entry(bc.card, bc.vehicle, new Date(t));
      const charge = tariff.charge(entry.spec.station, exit.spec.station, 1, bc.own);
      const x = exit.exit(bc.card, bc.vehicle, new Date(t + 1000), e.point, {
        ...charge,
        sendSections: (i + round) % 2 === 0,
      });
      queues.get(entry.laneId)!.push(e.tx);
      queues.get(exit.laneId)!.push(x);
      n += 2;
      t += step;
    }
  }
  const batches = new Map<string, string[]>();
  for (const [laneId, txs] of queues) {
    const list: string[] = [];
    for (let i = 0; i < txs.length; i += batchSize)
      list.push(JSON.stringify({ transactions: txs.slice(i, i + batchSize) }));
    batches.set(laneId, list);
  }
  return { batches, transactions: n };
}
