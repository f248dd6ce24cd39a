// The bench's cards, issued through the centre's API as a counter would (customer, vehicle, card),
// and other provinces' cards the centre has never seen. Shared by bench/loads and bench/ingest.
import { randomBytes, randomInt } from 'node:crypto';
import { VirtualCard, type MasterKeys } from '../lanes-sim/card/virtual-card.ts';
import type { Vehicle } from '../lanes-sim/traffic/lane.ts';
import { mobile, plate, residentId } from '../test/helpers/generators.ts';

const TERMINAL = '0A1B2C3D4E5F';
let loadSerial = 0;

/** One online load through the bank channel: init, the card's credit, confirm. `post` sends a
 *  bank's signed JSON POST and answers the body, or throws on a refusal. */
export async function bankChannelLoad(
  post: (path: string, body: unknown) => Promise<any>,
  card: VirtualCard,
  amount: number,
): Promise<void> {
  const init = card.initializeForLoad(amount, TERMINAL);
  const a = await post('/api/v1/channel/loads', {
    cardNo: card.cardNo,
    amount,
    terminalId: TERMINAL,
    card: init,
    payment: { method: 'bank-account', reference: `R${process.pid}-${++loadSerial}` },
  });
  const { tac } = card.creditForLoad(a.hostDate, a.hostTime, a.mac2);
  await post(`/api/v1/channel/loads/${a.loadId}/confirm`, { tac });
}

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
