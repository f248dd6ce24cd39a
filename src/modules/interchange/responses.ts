// Success bodies of the interchange routes as they travel (JSON): the OpenAPI document describes them, and
// the tests check every answer against them.
import { z } from 'zod';
import { w } from '../../platform/http/wire.ts';

// POST /api/v1/interchange/packages
export const postInterchangePackagesResponse = z.strictObject({
  result: w.int,
  message: z.string().optional(),
});

// POST /api/v1/interchange/confirmations
export const postInterchangeConfirmationsResponse = z.strictObject({
  result: w.int,
  message: z.string().optional(),
});

// POST /api/v1/interchange/dispute-resolutions
export const postInterchangeDisputeResolutionsResponse = z.strictObject({
  result: w.int,
  message: z.string().optional(),
});

// GET /api/v1/interchange/settlements/:date
export const getInterchangeSettlementsResponse = z.strictObject({
  date: w.date,
  network: z.string(),
  with: z.string(),
  state: z.string(),
  packagesSent: w.int,
  resolutionsSent: w.int,
  receivable: w.int.nullable(),
  payable: w.int.nullable(),
  net: w.int.nullable(),
});

// PUT /api/v1/interchange/peers/:network/endpoint
export const putInterchangePeersEndpointResponse = z.strictObject({
  peer: z.strictObject({
    network: z.string(),
    url: z.string().nullable(), // null: the peer leaves its documents in the drop folder
    clientId: z.string(),
    secretSet: z.boolean(),
  }),
});

// GET /api/v1/interchange/peer-endpoints
export const getInterchangePeerEndpointsResponse = z.strictObject({
  peers: z.array(
    z.strictObject({
      network: z.string(),
      url: z.string().nullable(), // null: the peer leaves its documents in the drop folder
      clientId: z.string(),
      secretSet: z.boolean(),
      updatedAt: w.dateTime,
      updatedBy: z.string(),
    }),
  ),
});

// GET /api/v1/interchange/packages
export const getInterchangePackagesResponse = z.strictObject({
  packages: z.array(
    z.strictObject({
      id: w.int,
      direction: z.enum(['outbound', 'inbound']),
      messageId: z.string(),
      sender: z.string(),
      receiver: z.string(),
      count: w.int,
      amount: w.int,
      state: z.string(),
      result: z.string().nullable(),
      attempts: w.int,
      lastError: z.string().nullable(),
      deliveredAt: w.dateTime.nullable(),
      confirmation: z
        .strictObject({
          messageId: z.string(),
          count: w.int,
          amount: w.int,
          disputedCount: w.int,
          disputedAmount: w.int,
          deliveredAt: w.dateTime.nullable(),
        })
        .nullable(),
    }),
  ),
});

// POST /api/v1/interchange/deliveries/run
export const postInterchangeDeliveriesRunResponse = z.strictObject({ delivered: w.int, failed: w.int });

// GET /api/v1/interchange/disputes
export const getInterchangeDisputesResponse = z.strictObject({
  disputes: z.array(
    z.strictObject({
      id: w.int,
      side: z.string(),
      network: z.string(),
      packageMessageId: z.string(),
      date: w.date,
      transId: z.string(),
      cardNo: z.string(),
      amount: w.int,
      result: w.int,
      // null while the dispute is open
      resolution: w.int.nullable(),
      resolvedOn: w.date.nullable(),
      resolvedBy: z.string().nullable(),
      transactionId: w.int.nullable(),
      // who asked for a dispute raised on request (a complaint ticket), and its reference
      requestedBy: z.string().nullable(),
      requestReference: z.string().nullable(),
    }),
  ),
});

// POST /api/v1/interchange/disputes/decisions
export const postInterchangeDisputesDecisionsResponse = z.strictObject({
  decided: w.int,
  resolutions: z.array(
    z.strictObject({
      id: z.string(),
      network: z.string(),
      messageId: z.string(),
      count: w.int,
    }),
  ),
  date: w.date,
});

// a confirmation we owe a province, held back for complaints to be disputed in it
const heldConfirmation = z.strictObject({
  packageId: w.int,
  messageId: z.string(),
  packageMessageId: z.string(),
  network: z.string(),
  date: w.date,
  count: w.int,
  amount: w.int,
  disputedCount: w.int,
  disputedAmount: w.int,
  // when it may be sent; held false once that has passed (the next delivery round sends it)
  heldUntil: w.dateTime,
  held: z.boolean(),
  releasedAt: w.dateTime.nullable(),
  releasedBy: z.string().nullable(),
  attempts: w.int,
  lastError: z.string().nullable(),
});

// GET /api/v1/interchange/held-confirmations
export const getInterchangeHeldConfirmationsResponse = z.strictObject({
  holdMinutes: w.int,
  confirmations: z.array(heldConfirmation),
});

// POST /api/v1/interchange/held-confirmations/{packageId}/release
export const postInterchangeHeldConfirmationsReleaseResponse = z.strictObject({
  confirmation: heldConfirmation,
  // false when it was released before (the same answer again)
  released: z.boolean(),
  // set when the province acknowledged it within this call; if not, the redelivery schedule sends it
  deliveredAt: w.dateTime.nullable(),
});
