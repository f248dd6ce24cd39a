// A corporate stored-value fleet for the month simulation: a corporate customer with its vehicles,
// its account manager and payment reference, its pool paid in by a bank transfer (a CSV statement
// matched by the reference), and cards loaded at the counter from their vehicles' allocations.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { VirtualCard, type MasterKeys } from '../../lanes-sim/card/virtual-card.ts';
import { harness } from '../helpers/harness.ts';
import { mobile, plate } from '../helpers/fixtures.ts';
import { initBody } from '../helpers/loads.ts';

const key = () => randomBytes(8).toString('hex');
const letters = (n: number) =>
  Array.from({ length: n }, () => 'ABCDEFGHJKLMNPQRTUWXY0123456789'[randomBytes(1)[0]! % 30]).join('');
const yuan = (fen: bigint) => `${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`;

async function send(auth: string, path: string, body: object) {
  const h = await harness();
  return request(h.http).post(path).set('Authorization', auth).set('Idempotency-Key', key()).send(body);
}

export type StoredValueFleet = {
  customerId: number;
  accountId: number;
  vehicles: Array<{ id: number; plate: string }>;
};

export async function storedValueFleet(
  clerk: string,
  finance: string,
  accountManager: string,
  size: number,
  poolFen: bigint,
  day: string,
): Promise<StoredValueFleet> {
  const c = await send(clerk, '/api/v1/customers', {
    kind: 'corporate',
    name: '皖运快递',
    registrationNumber: letters(18),
    contactPerson: '王五',
    contactPhone: mobile(),
    accountManager,
  });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const customerId = c.body.customer.id as number;
  const vehicles: StoredValueFleet['vehicles'] = [];
  for (let i = 0; i < size; i++) {
    const p = plate();
    const v = await send(clerk, `/api/v1/customers/${customerId}/vehicles`, {
      plate: p,
      plateColor: 0,
      vehicleClass: 1,
    });
    assert.equal(v.status, 201, JSON.stringify(v.body));
    vehicles.push({ id: v.body.vehicle.id, plate: p });
  }
  const ref = await send(clerk, `/api/v1/corporate/customers/${customerId}/payment-reference`, {});
  assert.equal(ref.status, 200, JSON.stringify(ref.body));
  const csv =
    'bank,serial,date,time,direction,amount,business_reference,purpose,payer_account,payer_name\n' +
    `CCB,${key().toUpperCase()},${day},09:00:00,credit,${yuan(poolFen)},,${ref.body.reference} 通行费预付,6217000010001234,皖运快递\n`;
  const imp = await send(finance, '/api/v1/corporate/statements', {
    format: 'csv',
    fileName: `ccb-${day}.csv`,
    contentBase64: Buffer.from(csv).toString('base64'),
  });
  assert.equal(imp.status, 201, JSON.stringify(imp.body));
  assert.equal(imp.body.byStatus.matched, 1, 'the transfer matched by its payment reference');
  return { customerId, accountId: c.body.account.id, vehicles };
}

/** A stored-value card issued for the vehicle, as a virtual card with the simulation's keys. */
export async function issueStoredValueCard(
  clerk: string,
  customerId: number,
  vehicleId: number,
  masters: MasterKeys,
  keyVersion: number,
): Promise<VirtualCard> {
  const issued = await send(clerk, '/api/v1/cards', {
    customerId,
    vehicleId,
    cardType: 22,
    payment: { method: 'cash' },
  });
  assert.equal(issued.status, 201, JSON.stringify(issued.body));
  return new VirtualCard({ cardNo: issued.body.card.cardNo, masters, keyVersion });
}

/** A counter load paid from the vehicle's allocation (no cash): init, the card's credit, confirm. */
export async function loadFromAllocation(clerk: string, card: VirtualCard, amount: number): Promise<void> {
  const init = await send(clerk, '/api/v1/channel/loads', initBody(card, amount, 'allocation'));
  assert.equal(init.status, 201, JSON.stringify(init.body));
  const { tac } = card.creditForLoad(init.body.hostDate, init.body.hostTime, init.body.mac2);
  const done = await send(clerk, `/api/v1/channel/loads/${init.body.loadId}/confirm`, { tac });
  assert.equal(done.status, 200, JSON.stringify(done.body));
}
