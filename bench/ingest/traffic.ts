// The bench's lane traffic, made before the clock starts: cards issued and loaded at the centre
// through its API, then every card's trips as compound purchases on virtual cards through virtual
// PSAMs (entry 0, exit by the tariff, own-card discount), queued per lane in batches of 1,000 and
// serialised — so that the timed part is the centre's work, not the generator's.
import { randomBytes, randomInt } from 'node:crypto';
import { VirtualCard, VirtualPsam, type MasterKeys } from '../../lanes-sim/card/virtual-card.ts';
import { LaneController, type LaneSpec, type Vehicle, type WireTransaction } from '../../lanes-sim/traffic/lane.ts';
import type { LaneTariff } from '../../lanes-sim/traffic/tariff.ts';
import { mobile, plate, residentId } from '../../test/helpers/generators.ts';

export type Api = (path: string, body: unknown, auth: Record<string, string>) => Promise<any>;
export type BenchCard = { card: VirtualCard; vehicle: Vehicle; own: boolean };

/** One own card: customer, vehicle, card (debit ones on a debit account), and a load for stored-value. */
export async function issueCard(
  api: Api,
  staff: { clerk: Record<string, string>; supervisor: Record<string, string> },
  bankLoad: (card: VirtualCard) => Promise<void>,
  masters: MasterKeys,
  keyVersion: number,
  debit: boolean,
): Promise<BenchCard> {
  const c = await api(
    '/api/v1/customers',
    {
      kind: 'personal',
      name: '压测',
      idType: 1,
      idNumber: residentId(),
      phone: mobile(),
      ...(debit ? { account: { kind: 'debit', creditLimit: 100_000_000 } } : {}),
    },
    debit ? staff.supervisor : staff.clerk,
  );
  let v: any;
  for (let i = 0; !v; i++) {
    v = (
      await api(
        `/api/v1/customers/${c.customer.id}/vehicles`,
        { plate: plate(), plateColor: 0, vehicleClass: 1, seats: 5 },
        staff.clerk,
      ).catch((e) => {
        if (i > 5) throw e;
        return null;
      })
    )?.vehicle;
  }
  const cardType = debit ? 23 : 22;
  const issued = await api(
    '/api/v1/cards',
    { customerId: c.customer.id, vehicleId: v.id, cardType, payment: { method: 'cash' } },
    staff.clerk,
  );
  const card = new VirtualCard({ cardNo: issued.card.cardNo, masters, keyVersion, balance: debit ? 4_000_000_000 : 0 });
  if (!debit) await bankLoad(card);
  return {
    card,
    own: true,
    vehicle: {
      plate: v.plate,
      plateColor: 0,
      vehicleClass: 1,
      obuId: `3401${randomInt(1e12).toString().padStart(12, '0')}`,
      cardType,
    },
  };
}

export function foreignCard(purchase: Buffer): BenchCard {
  const cardNo = `3201${randomInt(1e8).toString().padStart(8, '0')}${randomInt(1e8).toString().padStart(8, '0')}`;
  const card = new VirtualCard({
    cardNo,
    masters: { load: randomBytes(16), tac: randomBytes(16), purchase },
    balance: 4_000_000_000,
  });
  return {
    card,
    own: false,
    vehicle: {
      plate: plate(),
      plateColor: 0,
      vehicleClass: 1,
      obuId: `3201${randomInt(1e12).toString().padStart(12, '0')}`,
      cardType: 22,
    },
  };
}

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
