// Customers, vehicles and accounts. Schemas give the shape; the service checks the rules that
// need more (check digits, plates by colour, who may grant credit) and names the field.
import { z } from 'zod';
import type { Role } from '../../platform/http/context.ts';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import {
  cardNo,
  fen,
  idOut,
  idParam,
  instantOut,
  limit,
  mergedOffset,
  offset,
  pageOut,
  reason,
} from '../../platform/http/schemas.ts';
import { customerFullHistory } from './history.ts';
import { accountDetail } from './accounts.ts';
import {
  createCustomer,
  customerDetail,
  findCustomers,
  scopeOf,
  setHold,
  setTier,
  updateCustomer,
  viewPii,
} from './customers.ts';
import { addVehicle, removeVehicle, vehicleFor } from './vehicles.ts';
import {
  getAccountsResponse,
  getCustomersByCustomerIdResponse,
  getCustomersEventsResponse,
  getCustomersResponse,
  getVehiclesResponse,
  patchCustomersResponse,
  postAccountsDepositsResponse,
  postCustomersHoldResponse,
  postCustomersPiiViewsResponse,
  postCustomersResponse,
  postCustomersTierResponse,
  postCustomersVehiclesResponse,
  postVehiclesRemoveResponse,
} from './responses.ts';

const WRITE: Role[] = ['clerk', 'supervisor'];
// bank branches open accounts: customers and their vehicles (ICD §1, last paragraph)
const OPEN: Role[] = ['clerk', 'supervisor', 'bank'];
const READ: Role[] = ['clerk', 'supervisor', 'auditor', 'finance', 'bank'];
const FULL_VIEW: Role[] = ['clerk', 'supervisor', 'auditor'];

const name = z.string().max(100);
const phone = z.string().max(30);
const optionalText = (max: number) => z.string().max(max).nullable().optional();
const account = z.strictObject({ kind: z.enum(['prepaid', 'debit']), creditLimit: fen.optional() });
const opening = { address: optionalText(200), account: account.optional() };

const createBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('personal'),
    name,
    idType: z.number().int(),
    idNumber: z.string().max(40),
    phone,
    ...opening,
  }),
  z.strictObject({
    kind: z.literal('corporate'),
    name,
    registrationNumber: z.string().max(30),
    contactPerson: z.string().max(50),
    contactPhone: phone,
    accountManager: optionalText(50),
    ...opening,
  }),
]);

const patchBody = z.strictObject({
  name: name.optional(),
  phone: phone.optional(),
  contactPhone: phone.optional(),
  address: optionalText(200),
  contactPerson: z.string().max(50).optional(),
  accountManager: optionalText(50),
  reason: reason.optional(),
});

const int = (min: number, max: number) => z.number().int().min(min).max(max).nullable().optional();
const vehicleBody = z.strictObject({
  plate: z.string().max(20),
  plateColor: z.number().int(),
  vehicleClass: z.number().int(),
  category: z.number().int().optional(),
  axles: int(2, 12),
  wheels: int(2, 48),
  seats: int(1, 99),
  loadKg: int(0, 200000),
  lengthMm: int(1000, 30000),
  widthMm: int(1000, 5000),
  heightMm: int(1000, 5000),
  wheelbaseMm: int(500, 20000),
  vin: z.string().max(17).nullable().optional(),
  // the OBU vehicle file holds 16 ASCII characters of engine number
  engineNo: z
    .string()
    .regex(/^[\x21-\x7e]{1,16}$/, 'must be 1-16 printable ASCII characters')
    .nullable()
    .optional(),
  description: optionalText(50),
});

const searchQuery = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  plate: z.string().min(1).max(20).optional(),
  cardNo: cardNo.optional(),
  idNumber: z.string().min(1).max(40).optional(),
  phone: z.string().min(1).max(30).optional(),
  limit,
  offset,
});

const customerParams = z.strictObject({ customerId: idParam });

export const historyResponse = z.strictObject({
  events: z.array(
    z.strictObject({
      // customer: the customer's own change; card / obu: a life-cycle event of that medium
      source: z.enum(['customer', 'card', 'obu']),
      mediumId: z.string().nullable(),
      id: idOut,
      at: instantOut,
      actor: z.string(),
      action: z.string(),
      reason: z.string().nullable(),
      // customer events: field → { from, to } (masked); media events: the event's detail
      changes: z.record(z.string(), z.unknown()),
      fromStatus: z.number().int().nullable(),
      toStatus: z.number().int().nullable(),
    }),
  ),
  page: pageOut,
});
const vehicleParams = z.strictObject({ vehicleId: idParam });
const accountParams = z.strictObject({ accountId: idParam });

export const customerRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/customers',
    tag: 'customers',
    roles: OPEN,
    status: 201,
    summary:
      'Open a personal or corporate customer with its account (prepaid, or debit with a credit limit set by a supervisor)',
    body: createBody,
    response: postCustomersResponse,
    handler: async (ctx, { body }) => ok(await createCustomer(ctx.db, ctx, body), 201),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/customers',
    tag: 'customers',
    roles: READ,
    summary: 'Find customers by name prefix, plate, card number, ID number or phone (at least one); masked',
    query: searchQuery,
    response: getCustomersResponse,
    handler: async (ctx, { query }) =>
      ok({ customers: await findCustomers(ctx.db, ctx, query), limit: query.limit, offset: query.offset }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/customers/:customerId',
    tag: 'customers',
    roles: READ,
    summary: 'A customer (masked) with its vehicles and its account balance',
    params: customerParams,
    response: getCustomersByCustomerIdResponse,
    handler: async (ctx, { params }) => ok(await customerDetail(ctx.db, scopeOf(ctx.actor), params.customerId)),
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/customers/:customerId',
    tag: 'customers',
    roles: WRITE,
    summary: 'Change name, phone, address or contact fields; recorded with masked values',
    params: customerParams,
    body: patchBody,
    response: patchCustomersResponse,
    handler: async (ctx, { params, body }) =>
      ok({ customer: await updateCustomer(ctx.db, ctx, params.customerId, body) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/customers/:customerId/tier',
    tag: 'customers',
    roles: ['supervisor'],
    summary: 'Set the customer tier (important | ordinary), with a reason',
    params: customerParams,
    body: z.strictObject({ tier: z.enum(['important', 'ordinary']), reason }),
    response: postCustomersTierResponse,
    handler: async (ctx, { params, body }) =>
      ok({ customer: await setTier(ctx.db, ctx, params.customerId, body.tier, body.reason) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/customers/:customerId/hold',
    tag: 'customers',
    roles: ['supervisor'],
    summary: 'Hold (or release) automatic status-list entries of the customer, with a reason',
    params: customerParams,
    body: z.strictObject({ holdAutoList: z.boolean(), reason }),
    response: postCustomersHoldResponse,
    handler: async (ctx, { params, body }) =>
      ok({ customer: await setHold(ctx.db, ctx, params.customerId, body.holdAutoList, body.reason) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/customers/:customerId/pii-views',
    tag: 'customers',
    roles: FULL_VIEW,
    summary: 'The full ID number and phone; needs a reason and is audited',
    params: customerParams,
    body: z.strictObject({ reason }),
    response: postCustomersPiiViewsResponse,
    handler: async (ctx, { params, body }) => ok(await viewPii(ctx.db, ctx, params.customerId, body.reason)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/customers/:customerId/events',
    tag: 'customers',
    roles: READ,
    summary:
      "The customer's full history: its own changes and its cards' and OBUs' life-cycle events, who, when and why (masked), in time order",
    params: customerParams,
    query: z.strictObject({
      limit: z.coerce.number().int().min(1).max(500).default(200),
      offset: mergedOffset,
      order: z.enum(['asc', 'desc']).default('asc'),
    }),
    response: historyResponse,
    handler: async (ctx, { params, query }) => {
      const { events, hasMore } = await customerFullHistory(ctx.db, scopeOf(ctx.actor), params.customerId, query);
      return ok({ events, page: { limit: query.limit, offset: query.offset, hasMore } });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/customers/:customerId/vehicles',
    tag: 'customers',
    roles: OPEN,
    status: 201,
    summary: 'Register a vehicle of the customer; plate and plate colour are unique among active vehicles',
    params: customerParams,
    body: vehicleBody,
    response: postCustomersVehiclesResponse,
    handler: async (ctx, { params, body }) =>
      ok({ vehicle: await addVehicle(ctx.db, ctx, params.customerId, body) }, 201),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/vehicles/:vehicleId',
    tag: 'customers',
    roles: READ,
    summary: 'A vehicle',
    params: vehicleParams,
    response: getVehiclesResponse,
    handler: async (ctx, { params }) => ok({ vehicle: await vehicleFor(ctx.db, scopeOf(ctx.actor), params.vehicleId) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/vehicles/:vehicleId/remove',
    tag: 'customers',
    roles: WRITE,
    summary: 'Remove a vehicle with a reason; refused while a card or OBU of it is in service',
    params: vehicleParams,
    body: z.strictObject({ reason }),
    response: postVehiclesRemoveResponse,
    handler: async (ctx, { params, body }) =>
      ok({ vehicle: await removeVehicle(ctx.db, ctx, params.vehicleId, body.reason) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/accounts/:accountId',
    tag: 'customers',
    roles: READ,
    summary: 'An account: kind, credit limit and balance (positive = money held for the customer)',
    params: accountParams,
    response: getAccountsResponse,
    handler: async (ctx, { params }) =>
      ok({ account: await accountDetail(ctx.db, scopeOf(ctx.actor), params.accountId) }),
  }),
];
