// Building blocks for scenarios: customers with vehicles, made through the API as a clerk would.
import { randomInt } from 'node:crypto';
import request from 'supertest';
import { harness } from './harness.ts';

// An 18-character resident ID number with a valid ISO 7064 MOD 11-2 check character.
export function residentId(): string {
  const body = `340104${1960 + randomInt(40)}${String(1 + randomInt(12)).padStart(2, '0')}${String(1 + randomInt(28)).padStart(2, '0')}${String(randomInt(1000)).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
export function plate(): string {
  let tail = '';
  for (let i = 0; i < 5; i++) tail += i < 2 ? LETTERS[randomInt(LETTERS.length)] : String(randomInt(10));
  return `皖${LETTERS[randomInt(LETTERS.length)]}${tail}`;
}

export function mobile(): string {
  return `139${String(randomInt(100_000_000)).padStart(8, '0')}`;
}

export type CustomerFixture = { customerId: number; accountId: number; vehicleId: number; plate: string; idNumber: string; phone: string };

export async function customerWithVehicle(auth: string, vehicle: Record<string, unknown> = {}): Promise<CustomerFixture> {
  const h = await harness();
  const idNumber = residentId();
  const phone = mobile();
  const c = await request(h.http).post('/api/v1/customers').set('Authorization', auth)
    .send({ kind: 'personal', name: '张三', idType: 1, idNumber, phone }).expect(201);
  const p = plate();
  const v = await request(h.http).post(`/api/v1/customers/${c.body.customer.id}/vehicles`).set('Authorization', auth)
    .send({ plate: p, plateColor: 0, vehicleClass: 1, seats: 5, lengthMm: 4800, widthMm: 1800, heightMm: 1500, ...vehicle }).expect(201);
  return { customerId: c.body.customer.id, accountId: c.body.account.id, vehicleId: v.body.vehicle.id, plate: p, idNumber, phone };
}
