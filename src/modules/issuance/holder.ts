// What issuing a card and issuing an OBU both begin with: the payment method is one this caller may
// use, the customer is active and in the caller's scope (a bank acts only on customers it opened),
// and the vehicle is the customer's, active, and locked — the lock order is the customer's vehicle,
// then the new medium.
import type { Knex } from 'knex';
import type { RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { getCustomer, getVehicle, scopeOf, type CustomerView, type VehicleView } from '../customers/index.ts';
import { paymentAccount, type PaymentMethod } from './fees.ts';

export async function holderForIssue(
  trx: Knex.Transaction,
  ctx: RequestContext,
  input: { customerId: bigint; vehicleId: bigint; payment: { method: PaymentMethod } },
): Promise<{ customer: CustomerView; vehicle: VehicleView }> {
  paymentAccount(input.payment.method, ctx.actor); // refuse a wrong payment method before any work
  const customer = await getCustomer(trx, input.customerId, scopeOf(ctx.actor));
  if (customer.status !== 'active') throw new AppError('customer-closed', `customer ${customer.id} is closed`);
  const vehicle = await getVehicle(trx, input.vehicleId, { lock: true });
  if (vehicle.customerId !== customer.id)
    throw new AppError(
      'invalid-request',
      `vehicleId: vehicle ${vehicle.id} does not belong to customer ${customer.id}`,
      'vehicleId',
    );
  if (vehicle.status !== 'active') throw new AppError('vehicle-removed', `vehicle ${vehicle.id} has been removed`);
  return { customer, vehicle };
}
