// Success bodies of the lanes routes as they travel (JSON): the OpenAPI document describes them, and
// the tests check every answer against them.
import { z } from 'zod';
import { w } from '../../platform/http/wire.ts';

// POST /api/v1/lanes/:laneId/transactions
export const postLanesTransactionsResponse = z.strictObject({
  results: z.array(
    z.strictObject({
      terminalId: z.string(),
      terminalSeq: w.int,
      disposition: z.enum(['accepted', 'duplicate', 'rejected']),
      code: w.int.optional(),
    }),
  ),
});

// GET /api/v1/network
export const getNetworkResponse = z.strictObject({
  date: w.date,
  operators: z.array(
    z.strictObject({
      id: z.string(),
      name: z.string(),
    }),
  ),
  stations: z.array(
    z.strictObject({
      id: w.int,
      network: z.string(),
      name: z.string(),
      road: z.string(),
      kind: z.string(),
    }),
  ),
  lanes: z.array(
    z.strictObject({
      id: z.string(),
      stationId: w.int,
      stationName: z.string(),
      laneNo: w.int,
      direction: z.string(),
      etcEnabled: z.boolean(),
    }),
  ),
  sections: z.array(
    z.strictObject({
      id: z.string(),
      road: z.string(),
      fromStation: w.int,
      toStation: w.int,
      lengthM: w.int,
      operator: z.strictObject({
        id: z.string(),
        name: z.string(),
      }),
      tolls: z.array(
        z.strictObject({
          vehicleClass: w.int,
          toll: w.int,
          effectiveFrom: w.date,
        }),
      ),
    }),
  ),
});

// GET /api/v1/network/tariffs
export const getNetworkTariffsResponse = z.strictObject({
  versions: z.array(
    z.strictObject({
      effectiveFrom: w.date,
      tolls: w.int,
      reason: z.string().nullable(),
      createdBy: z.string().nullable(),
      createdAt: w.dateTime.nullable(),
    }),
  ),
});

// POST /api/v1/network/tariffs
export const postNetworkTariffsResponse = z.strictObject({
  version: z.strictObject({
    effectiveFrom: w.date,
    tolls: w.int,
    reason: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: w.dateTime.nullable(),
  }),
});

// GET /api/v1/network/discounts
export const getNetworkDiscountsResponse = z.strictObject({
  discounts: z.array(
    z.strictObject({
      kind: z.string(),
      effectiveFrom: w.date,
      percent: z.string(),
      reason: z.string().nullable(),
      createdBy: z.string().nullable(),
      createdAt: w.dateTime.nullable(),
    }),
  ),
});

// POST /api/v1/network/discounts
export const postNetworkDiscountsResponse = z.strictObject({
  discount: z.strictObject({
    kind: z.string(),
    effectiveFrom: w.date,
    percent: z.string(),
    reason: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: w.dateTime.nullable(),
  }),
});
