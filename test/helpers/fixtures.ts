// Building blocks for scenarios: customers with vehicles, made through the API as a clerk would.
import request from 'supertest';
import { harness } from './harness.ts';
import { mobile, plate, residentId } from './generators.ts';

export { mobile, plate, residentId };

export type CustomerFixture = {
  customerId: number;
  accountId: number;
  vehicleId: number;
  plate: string;
  idNumber: string;
  phone: string;
};

export async function customerWithVehicle(
  auth: string,
  vehicle: Record<string, unknown> = {},
): Promise<CustomerFixture> {
  const h = await harness();
  const idNumber = residentId();
  const phone = mobile();
  const c = await request(h.http)
    .post('/api/v1/customers')
    .set('Authorization', auth)
    .send({ kind: 'personal', name: '张三', idType: 1, idNumber, phone })
    .expect(201);
  const p = plate();
  const v = await request(h.http)
    .post(`/api/v1/customers/${c.body.customer.id}/vehicles`)
    .set('Authorization', auth)
    .send({
      plate: p,
      plateColor: 0,
      vehicleClass: 1,
      seats: 5,
      lengthMm: 4800,
      widthMm: 1800,
      heightMm: 1500,
      ...vehicle,
    })
    .expect(201);
  return {
    customerId: c.body.customer.id,
    accountId: c.body.account.id,
    vehicleId: v.body.vehicle.id,
    plate: p,
    idNumber,
    phone,
  };
}
