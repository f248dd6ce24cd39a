// The vehicles of a simulated day, issued at the centre as a service hall would: a customer, the
// vehicle, a card (stored-value, or debit-account on a debit account with a credit limit granted
// by a supervisor) and, for stored-value cards, a first load through the bank channel. A share of
// the traffic is other provinces' cards, which the centre never issued: their keys are their own.
import { randomBytes, randomInt } from 'node:crypto';
import { VirtualCard, type MasterKeys } from '../card/virtual-card.ts';
import type { Centre } from './centre.ts';
import type { Vehicle } from './lane.ts';
import type { Rng } from './rng.ts';

export type SimVehicle = { n: number; vehicle: Vehicle; card: VirtualCard; own: boolean; cardNo: string };

export type FleetOptions = {
  count: number;
  masters: MasterKeys;
  keyVersion: number;
  foreignShare: number;
  debitShare: number;
  initialLoad: number;
  debitCreditLimit: number;
};

// ID numbers and plates are drawn at random but never twice in one run: the centre refuses a second
// customer with an ID number (and a second vehicle with a plate), and among a few hundred random
// draws from ~13 million a repeat is rare but not impossible.
function drawNew(drawn: Set<string>, draw: () => string): string {
  let v = draw();
  while (drawn.has(v)) v = draw();
  drawn.add(v);
  return v;
}
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const plates = new Set<string>();
const plate = () =>
  drawNew(
    plates,
    () =>
      `皖${LETTERS[randomInt(LETTERS.length)]}${LETTERS[randomInt(LETTERS.length)]}${LETTERS[randomInt(LETTERS.length)]}${String(randomInt(1000)).padStart(3, '0')}`,
  );
const idBodies = new Set<string>();
function residentId(): string {
  const body = drawNew(
    idBodies,
    () =>
      `340104${1960 + randomInt(40)}${String(1 + randomInt(12)).padStart(2, '0')}${String(1 + randomInt(28)).padStart(2, '0')}${String(randomInt(1000)).padStart(3, '0')}`,
  );
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}
const vin = () => Array.from({ length: 17 }, () => 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789'[randomInt(33)]).join('');

function expect(what: string, r: { status: number; body: unknown }, status: number): any {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

// Passenger cars mostly, some vans and buses, some trucks (which must register a VIN).
function vehicleClassOf(rng: Rng): number {
  const x = rng.next();
  return x < 0.7 ? 1 : x < 0.8 ? 2 : x < 0.85 ? 4 : rng.pick([11, 12, 13, 14, 15, 16]);
}

/** A complete bank-channel load (init → card credit → confirm). */
export async function bankLoad(centre: Centre, card: VirtualCard, amount: number, reference: string): Promise<void> {
  const terminalId = '0A1B2C3D4E5F';
  const init = card.initializeForLoad(amount, terminalId);
  const a = expect(
    'load init',
    await centre.bank(
      '/api/v1/channel/loads',
      { cardNo: card.cardNo, amount, terminalId, card: init, payment: { method: 'bank-account', reference } },
      `${reference}-i`,
    ),
    201,
  );
  const { tac } = card.creditForLoad(a.hostDate, a.hostTime, a.mac2);
  expect(
    'load confirm',
    await centre.bank(`/api/v1/channel/loads/${a.loadId}/confirm`, { tac }, `${reference}-c`),
    200,
  );
}

async function ownVehicle(
  centre: Centre,
  rng: Rng,
  n: number,
  o: FleetOptions,
  debit: boolean,
  runId: string,
): Promise<SimVehicle> {
  const role = debit ? 'supervisor' : 'clerk';
  const account = debit ? { account: { kind: 'debit', creditLimit: o.debitCreditLimit } } : {};
  const c = expect(
    'customer',
    await centre.staff(role, 'post', '/api/v1/customers', {
      kind: 'personal',
      name: '模拟车主',
      idType: 1,
      idNumber: residentId(),
      phone: `139${String(randomInt(1e8)).padStart(8, '0')}`,
      ...account,
    }),
    201,
  );
  const vehicleClass = vehicleClassOf(rng);
  const truck = vehicleClass >= 11;
  let v: any;
  for (let attempt = 0; ; attempt++) {
    const body = {
      plate: plate(),
      plateColor: truck ? 1 : 0,
      vehicleClass,
      ...(truck ? { vin: vin(), axles: 2 + (vehicleClass - 11), loadKg: 10000 } : { seats: 5 }),
    };
    const r = await centre.staff('clerk', 'post', `/api/v1/customers/${c.customer.id}/vehicles`, body);
    if (r.status === 201) {
      v = r.body.vehicle;
      break;
    }
    if (r.status !== 409 || attempt > 5) expect('vehicle', r, 201); // a plate already taken: draw another
  }
  const cardType = debit ? 23 : 22;
  const card = expect(
    'card',
    await centre.staff('clerk', 'post', '/api/v1/cards', {
      customerId: c.customer.id,
      vehicleId: v.id,
      cardType,
      payment: { method: 'cash' },
    }),
    201,
  ).card;
  // a debit-account card has no purse to speak of: its register is never the limit
  const virtual = new VirtualCard({
    cardNo: card.cardNo,
    masters: o.masters,
    keyVersion: o.keyVersion,
    ...(debit ? { balance: 4_000_000_000 } : {}),
  });
  if (!debit) await bankLoad(centre, virtual, o.initialLoad, `SIM-${runId}-${n}-0`);
  return {
    n,
    own: true,
    cardNo: card.cardNo,
    card: virtual,
    vehicle: {
      plate: v.plate,
      plateColor: v.plateColor,
      vehicleClass,
      obuId: `${card.cardNo.slice(0, 4)}${rng.digits(12)}`,
      cardType,
    },
  };
}

// The lanes' PSAMs hold one purchase key for the simulation, so every card's purchase key is
// derived from it (nationally it is the national key diversified by issuer: one level less here).
// The TAC key, which only the issuer holds and checks, is the other province's own.
function foreignVehicle(rng: Rng, n: number, purchase: Buffer): SimVehicle {
  const network = rng.pick(['3201', '3301', '3601']);
  const cardNo = `${network}${rng.digits(16)}`;
  const masters = { load: randomBytes(16), tac: randomBytes(16), purchase };
  const vehicleClass = vehicleClassOf(rng);
  const card = new VirtualCard({ cardNo, masters, balance: 500_000 });
  return {
    n,
    own: false,
    cardNo,
    card,
    vehicle: {
      plate: plate(),
      plateColor: vehicleClass >= 11 ? 1 : 0,
      vehicleClass,
      obuId: `${network}${rng.digits(12)}`,
      cardType: 22,
    },
  };
}

export async function issueFleet(centre: Centre, rng: Rng, o: FleetOptions, runId: string): Promise<SimVehicle[]> {
  const out: SimVehicle[] = [];
  for (let n = 0; n < o.count; n++) {
    const x = rng.next();
    if (x < o.foreignShare) out.push(foreignVehicle(rng, n, o.masters.purchase));
    else out.push(await ownVehicle(centre, rng, n, o, x < o.foreignShare + o.debitShare, runId));
  }
  return out;
}
