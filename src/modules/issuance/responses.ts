// Success bodies of the issuance routes as they travel (JSON): the OpenAPI document describes them, and
// the tests check every answer against them.
import { z } from 'zod';
import { w } from '../../platform/http/wire.ts';

// a secure-messaging write with its MAC for the card's challenge
const writeCommand = z.strictObject({ file: z.string(), command: z.string(), mac: z.string(), keyVersion: w.int });

// a card as the register holds it
const card = z.strictObject({
  cardNo: z.string(),
  cardType: w.int,
  cardVersion: w.int,
  customerId: w.int,
  vehicleId: w.int,
  accountId: w.int,
  status: w.int,
  statusName: z.string(),
  startDate: w.date,
  expiryDate: w.date,
  issuedAt: w.dateTime,
  issuedBy: z.string(),
  replacedBy: z.string().nullable(),
  lastBalance: w.int,
  lastOnlineSeq: w.int,
  lastOfflineSeq: w.int,
  statusChangedAt: w.dateTime,
});

// the fee charged for an issue, with the list price it was taken from
const fee = z.strictObject({
  item: z.string(),
  effectiveFrom: w.date,
  listPrice: w.int,
  price: w.int,
});

// the card files written at personalisation, with their MACed writes
const cardPersonalisation = z.strictObject({
  file0015: z.string(),
  file0016: z.string(),
  writes: z.array(writeCommand),
});

// one status change in a card's or an OBU's history
const statusEvent = z.strictObject({
  id: w.int,
  at: w.dateTime,
  actor: z.string(),
  action: z.string(),
  fromStatus: w.int.nullable(),
  toStatus: w.int,
  reason: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});

// a request to cancel a card, with its decision once taken
const cancellationRequest = z.strictObject({
  id: w.int,
  cardNo: z.string(),
  status: z.string(),
  reason: z.string().nullable(),
  refundMethod: z.string(),
  refundAmount: w.int.nullable(),
  requestedBy: z.string(),
  requestedAt: w.dateTime,
  decidedBy: z.string().nullable(),
  decidedAt: w.dateTime.nullable(),
  decisionNote: z.string().nullable(),
});

// an OBU as the register holds it
const obu = z.strictObject({
  obuNo: z.string(),
  customerId: w.int,
  vehicleId: w.int,
  status: w.int,
  statusName: z.string(),
  contractVersion: w.int,
  signedDate: w.date,
  expiryDate: w.date,
  issuedAt: w.dateTime,
  issuedBy: z.string(),
  activatedAt: w.dateTime.nullable(),
  tamperedAt: w.dateTime.nullable(),
  statusChangedAt: w.dateTime,
});

// a fee-schedule entry, with who set it and when
const feeRecord = z.strictObject({
  item: z.string(),
  effectiveFrom: w.date,
  listPrice: w.int,
  price: w.int,
  createdBy: z.string(),
  createdAt: w.dateTime,
});

// POST /api/v1/cards/:cardNo/${path}
export const postCardsPathResponse = z.strictObject({
  card: card,
});

// POST /api/v1/cards
export const postCardsResponse = z.strictObject({
  card: card,
  fee: fee,
  personalisation: cardPersonalisation,
});

// GET /api/v1/cards/:cardNo
export const getCardsResponse = z.strictObject({
  card: card,
  events: z.array(statusEvent),
  carries: z.array(
    z.strictObject({
      id: w.int,
      fromCard: z.string(),
      toCard: z.string(),
      kind: z.string(),
      amount: w.int.nullable(), // a reissue's carry has no amount until the waiting period ends
      availableAt: w.dateTime,
      status: z.string(),
    }),
  ),
});

// POST /api/v1/cards/:cardNo/file-writes
export const postCardsFileWritesResponse = z.strictObject({ write: writeCommand });

// POST /api/v1/cards/:cardNo/replacement
export const postCardsReplacementResponse = z.strictObject({
  card: card,
  fee: fee,
  personalisation: cardPersonalisation,
  predecessor: card.nullable(),
});

// POST /api/v1/cards/:cardNo/reissue
export const postCardsReissueResponse = z.strictObject({
  card: card,
  fee: fee,
  personalisation: cardPersonalisation,
  predecessor: card.nullable(),
});

// POST /api/v1/cards/:cardNo/cancellation-requests
export const postCardsCancellationRequestsResponse = z.strictObject({
  request: cancellationRequest,
});

// GET /api/v1/card-cancellations
export const getCardCancellationsResponse = z.strictObject({
  requests: z.array(cancellationRequest),
});

// POST /api/v1/card-cancellations/:requestId/${decision}
export const postCardCancellationsDecisionResponse = z.strictObject({
  request: cancellationRequest,
});

// POST /api/v1/obus/:obuNo/${path}
export const postObusPathResponse = z.strictObject({
  obu: obu,
});

// POST /api/v1/obus
export const postObusResponse = z.strictObject({
  obu: obu,
  fee: fee,
  personalisation: z.strictObject({
    systemFile: z.string(),
    vehicleFile: z.string(),
    writes: z.array(writeCommand),
  }),
});

// GET /api/v1/obus/:obuNo
export const getObusResponse = z.strictObject({
  obu: obu,
  events: z.array(statusEvent),
});

// POST /api/v1/obus/:obuNo/activation
export const postObusActivationResponse = z.strictObject({
  obu: obu,
  write: writeCommand,
});

// POST /api/v1/obus/:obuNo/tamper-report
export const postObusTamperReportResponse = z.strictObject({
  obu: obu,
});

// POST /api/v1/obus/:obuNo/replacement
// the new OBU as issued, with the one it replaces
export const postObusReplacementResponse = postObusResponse.extend({
  predecessor: obu,
});

// GET /api/v1/fees
export const getFeesResponse = z.strictObject({
  fees: z.array(feeRecord),
});

// POST /api/v1/fees
export const postFeesResponse = z.strictObject({
  fee: feeRecord,
});
