// Vehicles of customers: registering and removing them. A vehicle is recorded on its customer's
// history (customer_events) as well as in the audit log.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction, isUniqueViolation } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { scopeOf } from './customers.ts';
import { customerRow, insertCustomerEvent, toVehicle, vehicleRow, type Scope, type VehicleView } from './repository.ts';
import { mediaFacts } from './media.ts';
import { checkVehicle, type VehicleInput } from './vehicle-rules.ts';

// lock: issuance passes true inside its transaction so that the vehicle cannot be removed
// between its check and its insert of a card or OBU.
export async function getVehicle(db: Knex, id: bigint, opts: { lock?: boolean } = {}): Promise<VehicleView> {
  const row = await vehicleRow(db, id, { forUpdate: opts.lock });
  if (!row) throw new AppError('vehicle-not-found', `no vehicle ${id}`);
  return toVehicle(row);
}

// A vehicle as a caller may see it: a bank only those of customers it opened.
export async function vehicleFor(db: Knex, scope: Scope, id: bigint): Promise<VehicleView> {
  const v = await getVehicle(db, id);
  if (scope && !(await customerRow(db, v.customerId, { scope })))
    throw new AppError('vehicle-not-found', `no vehicle ${id}`);
  return v;
}

export async function addVehicle(
  db: Knex,
  ctx: RequestContext,
  customerId: bigint,
  input: VehicleInput,
): Promise<VehicleView> {
  const v = checkVehicle(input);
  return inTransaction(db, async (trx) => {
    const customer = await customerRow(trx, customerId, { scope: scopeOf(ctx.actor) });
    if (!customer) throw new AppError('customer-not-found', `no customer ${customerId}`);
    if (customer.status !== 'active') throw new AppError('customer-closed', `customer ${customerId} is closed`);
    const now = ctx.app.clock.now();
    let row: Record<string, any>;
    try {
      [row] = await trx('vehicles')
        .insert({
          customer_id: customerId,
          plate: v.plate,
          plate_color: v.plateColor,
          vehicle_class: v.vehicleClass,
          category: v.category,
          axles: v.axles,
          wheels: v.wheels,
          seats: v.seats,
          load_kg: v.loadKg,
          length_mm: v.lengthMm,
          width_mm: v.widthMm,
          height_mm: v.heightMm,
          wheelbase_mm: v.wheelbaseMm,
          vin: v.vin,
          engine_no: v.engineNo,
          description: v.description,
          created_at: now,
        })
        .returning('*');
    } catch (err) {
      if (isUniqueViolation(err, 'vehicles_plate_uq'))
        throw new AppError(
          'duplicate-plate',
          `a vehicle with plate ${v.plate} and this plate colour is registered already`,
          'plate',
        );
      throw err;
    }
    const vehicle = toVehicle(row);
    await insertCustomerEvent(trx, {
      customerId,
      at: now,
      actor: actorLabel(ctx.actor),
      action: 'vehicle.add',
      changes: {
        vehicleId: vehicle.id,
        plate: vehicle.plate,
        plateColor: vehicle.plateColor,
        vehicleClass: vehicle.vehicleClass,
      },
    });
    await audit(trx, ctx, {
      action: 'vehicle.create',
      entity: 'vehicle',
      entityId: vehicle.id,
      detail: { customerId, plate: vehicle.plate, plateColor: vehicle.plateColor },
    });
    return vehicle;
  });
}

// A vehicle with a card or OBU in service keeps them tied to its plate: those must be
// cancelled first, or the lanes would see media for a vehicle that no longer exists here.
export async function removeVehicle(db: Knex, ctx: RequestContext, id: bigint, reason: string): Promise<VehicleView> {
  return inTransaction(db, async (trx) => {
    const row = await vehicleRow(trx, id, { forUpdate: true });
    if (!row || !(await customerRow(trx, row.customer_id, { scope: scopeOf(ctx.actor) })))
      throw new AppError('vehicle-not-found', `no vehicle ${id}`);
    if (row.status === 'removed') throw new AppError('vehicle-removed', `vehicle ${id} was removed already`);
    const media = await mediaFacts().vehicleHasMediaInService(trx, id);
    if (media.card || media.obu) {
      const what = [media.card ? 'a card' : null, media.obu ? 'an OBU' : null].filter(Boolean).join(' and ');
      throw new AppError('vehicle-in-use', `vehicle ${id} has ${what} in service; cancel it first`);
    }
    const now = ctx.app.clock.now();
    const [updated] = await trx('vehicles').where({ id }).update({ status: 'removed' }).returning('*');
    await insertCustomerEvent(trx, {
      customerId: row.customer_id,
      at: now,
      actor: actorLabel(ctx.actor),
      action: 'vehicle.remove',
      reason,
      changes: { vehicleId: id, plate: row.plate, status: { from: 'active', to: 'removed' } },
    });
    await audit(trx, ctx, {
      action: 'vehicle.remove',
      entity: 'vehicle',
      entityId: id,
      detail: { customerId: row.customer_id, reason },
    });
    return toVehicle(updated);
  });
}
