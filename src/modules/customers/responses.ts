// Success bodies of the customers routes as they travel (JSON): the OpenAPI document describes them, and
// the tests check every answer against them.
import { z } from 'zod';
import { w } from '../../platform/http/wire.ts';

// POST /api/v1/customers
export const postCustomersResponse = z.strictObject({
  customer: z.strictObject({
    id: w.int,
    kind: z.string(),
    name: z.string(),
    idType: w.int.nullable(),
    idNumberMask: z.string().nullable(),
    phoneMask: z.string(),
    tier: z.string(),
    holdAutoList: z.boolean(),
    status: z.string(),
    registrationNumber: z.string().nullable(),
    contactPerson: z.string().nullable(),
    accountManager: z.string().nullable(),
    address: z.string().nullable(),
    createdAt: w.dateTime,
    updatedAt: w.dateTime,
  }),
  account: z.strictObject({
    id: w.int,
    customerId: w.int,
    kind: z.string(),
    creditLimit: w.int,
    ledgerCode: z.string(),
    status: z.string(),
    createdAt: w.dateTime,
  }),
});

// GET /api/v1/customers
export const getCustomersResponse = z.strictObject({
  customers: z.array(
    z.strictObject({
      id: w.int,
      kind: z.string(),
      name: z.string(),
      idType: w.int.nullable(),
      idNumberMask: z.string().nullable(),
      phoneMask: z.string(),
      tier: z.string(),
      holdAutoList: z.boolean(),
      status: z.string(),
      registrationNumber: z.string().nullable(),
      contactPerson: z.string().nullable(),
      accountManager: z.string().nullable(),
      address: z.string().nullable(),
      createdAt: w.dateTime,
      updatedAt: w.dateTime,
    }),
  ),
  limit: w.int,
  offset: w.int,
});

// GET /api/v1/customers/:customerId
export const getCustomersByCustomerIdResponse = z.strictObject({
  customer: z.strictObject({
    id: w.int,
    kind: z.string(),
    name: z.string(),
    idType: w.int.nullable(),
    idNumberMask: z.string().nullable(),
    phoneMask: z.string(),
    tier: z.string(),
    holdAutoList: z.boolean(),
    status: z.string(),
    registrationNumber: z.string().nullable(),
    contactPerson: z.string().nullable(),
    accountManager: z.string().nullable(),
    address: z.string().nullable(),
    createdAt: w.dateTime,
    updatedAt: w.dateTime,
  }),
  vehicles: z.array(
    z.strictObject({
      id: w.int,
      customerId: w.int,
      plate: z.string(),
      plateColor: w.int,
      vehicleClass: w.int,
      category: w.int,
      axles: w.int.nullable(),
      wheels: w.int.nullable(),
      seats: w.int.nullable(),
      loadKg: w.int.nullable(),
      lengthMm: w.int.nullable(),
      widthMm: w.int.nullable(),
      heightMm: w.int.nullable(),
      wheelbaseMm: w.int.nullable(),
      vin: z.string().nullable(),
      engineNo: z.string().nullable(),
      description: z.string().nullable(),
      status: z.string(),
      createdAt: w.dateTime,
    }),
  ),
  account: z.strictObject({
    id: w.int,
    customerId: w.int,
    kind: z.string(),
    creditLimit: w.int,
    ledgerCode: z.string(),
    status: z.string(),
    createdAt: w.dateTime,
    balance: w.int,
  }),
});

// PATCH /api/v1/customers/:customerId
export const patchCustomersResponse = z.strictObject({
  customer: z.strictObject({
    id: w.int,
    kind: z.string(),
    name: z.string(),
    idType: w.int.nullable(),
    idNumberMask: z.string().nullable(),
    phoneMask: z.string(),
    tier: z.string(),
    holdAutoList: z.boolean(),
    status: z.string(),
    registrationNumber: z.string().nullable(),
    contactPerson: z.string().nullable(),
    accountManager: z.string().nullable(),
    address: z.string().nullable(),
    createdAt: w.dateTime,
    updatedAt: w.dateTime,
  }),
});

// POST /api/v1/customers/:customerId/tier
export const postCustomersTierResponse = z.strictObject({
  customer: z.strictObject({
    id: w.int,
    kind: z.string(),
    name: z.string(),
    idType: w.int.nullable(),
    idNumberMask: z.string().nullable(),
    phoneMask: z.string(),
    tier: z.string(),
    holdAutoList: z.boolean(),
    status: z.string(),
    registrationNumber: z.string().nullable(),
    contactPerson: z.string().nullable(),
    accountManager: z.string().nullable(),
    address: z.string().nullable(),
    createdAt: w.dateTime,
    updatedAt: w.dateTime,
  }),
});

// POST /api/v1/customers/:customerId/hold
export const postCustomersHoldResponse = z.strictObject({
  customer: z.strictObject({
    id: w.int,
    kind: z.string(),
    name: z.string(),
    idType: w.int.nullable(),
    idNumberMask: z.string().nullable(),
    phoneMask: z.string(),
    tier: z.string(),
    holdAutoList: z.boolean(),
    status: z.string(),
    registrationNumber: z.string().nullable(),
    contactPerson: z.string().nullable(),
    accountManager: z.string().nullable(),
    address: z.string().nullable(),
    createdAt: w.dateTime,
    updatedAt: w.dateTime,
  }),
});

// POST /api/v1/customers/:customerId/pii-views
export const postCustomersPiiViewsResponse = z.strictObject({
  customerId: w.int,
  idType: w.int.nullable(),
  idNumber: z.string(),
  phone: z.string(),
  registrationNumber: z.string().nullable(),
});

// GET /api/v1/customers/:customerId/events
export const getCustomersEventsResponse = z.strictObject({
  events: z.array(
    z.strictObject({
      id: w.int,
      at: w.dateTime,
      actor: z.string(),
      action: z.string(),
      reason: z.string().nullable(),
      changes: z.record(z.string(), z.unknown()),
    }),
  ),
});

// POST /api/v1/customers/:customerId/vehicles
export const postCustomersVehiclesResponse = z.strictObject({
  vehicle: z.strictObject({
    id: w.int,
    customerId: w.int,
    plate: z.string(),
    plateColor: w.int,
    vehicleClass: w.int,
    category: w.int,
    axles: w.int.nullable(),
    wheels: w.int.nullable(),
    seats: w.int.nullable(),
    loadKg: w.int.nullable(),
    lengthMm: w.int.nullable(),
    widthMm: w.int.nullable(),
    heightMm: w.int.nullable(),
    wheelbaseMm: w.int.nullable(),
    vin: z.string().nullable(),
    engineNo: z.string().nullable(),
    description: z.string().nullable(),
    status: z.string(),
    createdAt: w.dateTime,
  }),
});

// GET /api/v1/vehicles/:vehicleId
export const getVehiclesResponse = z.strictObject({
  vehicle: z.strictObject({
    id: w.int,
    customerId: w.int,
    plate: z.string(),
    plateColor: w.int,
    vehicleClass: w.int,
    category: w.int,
    axles: w.int.nullable(),
    wheels: w.int.nullable(),
    seats: w.int.nullable(),
    loadKg: w.int.nullable(),
    lengthMm: w.int.nullable(),
    widthMm: w.int.nullable(),
    heightMm: w.int.nullable(),
    wheelbaseMm: w.int.nullable(),
    vin: z.string().nullable(),
    engineNo: z.string().nullable(),
    description: z.string().nullable(),
    status: z.string(),
    createdAt: w.dateTime,
  }),
});

// POST /api/v1/vehicles/:vehicleId/remove
export const postVehiclesRemoveResponse = z.strictObject({
  vehicle: z.strictObject({
    id: w.int,
    customerId: w.int,
    plate: z.string(),
    plateColor: w.int,
    vehicleClass: w.int,
    category: w.int,
    axles: w.int.nullable(),
    wheels: w.int.nullable(),
    seats: w.int.nullable(),
    loadKg: w.int.nullable(),
    lengthMm: w.int.nullable(),
    widthMm: w.int.nullable(),
    heightMm: w.int.nullable(),
    wheelbaseMm: w.int.nullable(),
    vin: z.string().nullable(),
    engineNo: z.string().nullable(),
    description: z.string().nullable(),
    status: z.string(),
    createdAt: w.dateTime,
  }),
});

// GET /api/v1/accounts/:accountId
export const getAccountsResponse = z.strictObject({
  account: z.strictObject({
    id: w.int,
    customerId: w.int,
    kind: z.string(),
    creditLimit: w.int,
    ledgerCode: z.string(),
    status: z.string(),
    createdAt: w.dateTime,
    balance: w.int,
  }),
});

// POST /api/v1/accounts/:accountId/deposits
export const postAccountsDepositsResponse = z.strictObject({
  deposit: z.strictObject({
    id: w.int,
    accountId: w.int,
    amount: w.int,
    method: z.string(),
    reference: z.string().nullable(),
    at: w.dateTime,
    actor: z.string(),
  }),
  balance: w.int,
});
