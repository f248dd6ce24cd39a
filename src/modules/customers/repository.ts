// Rows of customers, vehicles, accounts and their events, and the views made from them.
// Views carry masks only: the sealed columns never leave this module except through a full view.
import type { Knex } from 'knex';
import { customerFundsCode } from '../ledger/index.ts';

export type CustomerView = {
  id: bigint;
  kind: 'personal' | 'corporate';
  name: string;
  idType: number | null;
  idNumberMask: string | null;
  // personal: the customer's phone; corporate: the contact person's phone
  phoneMask: string | null;
  tier: 'important' | 'ordinary';
  holdAutoList: boolean;
  status: 'active' | 'closed';
  registrationNumber: string | null;
  contactPerson: string | null;
  accountManager: string | null;
  address: string | null;
  createdAt: Date;
  updatedAt: Date;
};

export type VehicleView = {
  id: bigint;
  customerId: bigint;
  plate: string;
  plateColor: number;
  vehicleClass: number;
  category: number;
  axles: number | null;
  wheels: number | null;
  seats: number | null;
  loadKg: number | null;
  lengthMm: number | null;
  widthMm: number | null;
  heightMm: number | null;
  wheelbaseMm: number | null;
  vin: string | null;
  engineNo: string | null;
  description: string | null;
  status: 'active' | 'removed';
  createdAt: Date;
};

export type AccountView = {
  id: bigint;
  customerId: bigint;
  kind: 'prepaid' | 'debit';
  creditLimit: bigint;
  ledgerCode: string;
  status: 'open' | 'closed';
  createdAt: Date;
};

export type CustomerEventView = {
  id: bigint;
  at: Date;
  actor: string;
  action: string;
  reason: string | null;
  changes: Record<string, unknown>;
};

// A bank client sees only the customers it opened; staff see all (scope null).
export type Scope = { openedBy: string } | null;

type Row = Record<string, any>;

export const toCustomer = (r: Row): CustomerView => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  idType: r.id_type,
  idNumberMask: r.id_number_mask,
  phoneMask: r.phone_mask,
  tier: r.tier,
  holdAutoList: r.hold_auto_list,
  status: r.status,
  registrationNumber: r.registration_number,
  contactPerson: r.contact_person,
  accountManager: r.account_manager,
  address: r.address,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const toVehicle = (r: Row): VehicleView => ({
  id: r.id,
  customerId: r.customer_id,
  plate: r.plate,
  plateColor: r.plate_color,
  vehicleClass: r.vehicle_class,
  category: r.category,
  axles: r.axles,
  wheels: r.wheels,
  seats: r.seats,
  loadKg: r.load_kg,
  lengthMm: r.length_mm,
  widthMm: r.width_mm,
  heightMm: r.height_mm,
  wheelbaseMm: r.wheelbase_mm,
  vin: r.vin,
  engineNo: r.engine_no,
  description: r.description,
  status: r.status,
  createdAt: r.created_at,
});

export const toAccount = (r: Row): AccountView => ({
  id: r.id,
  customerId: r.customer_id,
  kind: r.kind,
  creditLimit: BigInt(r.credit_limit),
  ledgerCode: customerFundsCode(r.id),
  status: r.status,
  createdAt: r.created_at,
});

function scoped(q: Knex.QueryBuilder, scope: Scope, column = 'opened_by'): Knex.QueryBuilder {
  return scope ? q.where(column, scope.openedBy) : q;
}

export async function customerRow(
  db: Knex,
  id: bigint,
  opts: { scope?: Scope; forUpdate?: boolean } = {},
): Promise<Row | undefined> {
  const q = scoped(db('customers').where({ id }), opts.scope ?? null);
  return opts.forUpdate ? q.forUpdate().first() : q.first();
}

export type SearchCriteria = {
  namePrefix?: string;
  plate?: string;
  customerIds?: bigint[];
  idNumberIndex?: Buffer;
  phoneIndex?: Buffer;
};

// Criteria combine with AND. Name is a case-insensitive prefix (served by the lower(name) index);
// plate matches vehicles in service only; ID number and phone match through the keyed index.
export async function searchCustomers(
  db: Knex,
  c: SearchCriteria,
  scope: Scope,
  limit: number,
  offset: number,
): Promise<Row[]> {
  const q = scoped(db('customers as c').select('c.*'), scope, 'c.opened_by');
  if (c.namePrefix !== undefined)
    q.whereRaw(`lower(c.name) like ? escape '\\'`, [c.namePrefix.toLowerCase().replace(/[\\%_]/g, '\\$&') + '%']);
  if (c.plate !== undefined)
    q.whereExists((s) =>
      s
        .select(db.raw('1'))
        .from('vehicles as v')
        .whereRaw('v.customer_id = c.id')
        .andWhere({ 'v.plate': c.plate, 'v.status': 'active' }),
    );
  if (c.customerIds !== undefined) q.whereIn('c.id', c.customerIds.map(String));
  if (c.idNumberIndex !== undefined) q.where('c.id_number_hash', c.idNumberIndex);
  if (c.phoneIndex !== undefined) q.where('c.phone_hash', c.phoneIndex);
  return q.orderBy('c.id').limit(limit).offset(offset);
}

export async function insertCustomerEvent(
  db: Knex,
  e: {
    customerId: bigint;
    at: Date;
    actor: string;
    action: string;
    reason?: string | null;
    changes: Record<string, unknown>;
  },
): Promise<void> {
  await db('customer_events').insert({
    customer_id: e.customerId,
    at: e.at,
    actor: e.actor,
    action: e.action,
    reason: e.reason ?? null,
    changes: JSON.stringify(e.changes, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
  });
}

export async function customerEvents(db: Knex, customerId: bigint): Promise<CustomerEventView[]> {
  const rows = await db('customer_events').where({ customer_id: customerId }).orderBy('id');
  return rows.map((r: Row) => ({
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    reason: r.reason,
    changes: r.changes,
  }));
}

export async function vehicleRow(db: Knex, id: bigint, opts: { forUpdate?: boolean } = {}): Promise<Row | undefined> {
  const q = db('vehicles').where({ id });
  return opts.forUpdate ? q.forUpdate().first() : q.first();
}

export async function vehiclesOf(db: Knex, customerId: bigint): Promise<VehicleView[]> {
  return (await db('vehicles').where({ customer_id: customerId }).orderBy('id')).map(toVehicle);
}

export async function accountRow(
  db: Knex,
  where: { id: bigint } | { customer_id: bigint },
  opts: { forUpdate?: boolean } = {},
): Promise<Row | undefined> {
  const q = db('accounts').where(where);
  return opts.forUpdate ? q.forUpdate().first() : q.first();
}
