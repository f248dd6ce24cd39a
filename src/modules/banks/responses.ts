// Success bodies of the banks routes as they travel (JSON): the OpenAPI document describes them, and
// the tests check every answer against them.
import { z } from 'zod';
import { fenOut, idOut } from '../../platform/http/schemas.ts';
import { w } from '../../platform/http/wire.ts';

// one of the centre's loads of the bank's day
const centreLoad = z.strictObject({
  loadId: w.uuid,
  bankReference: z.string().nullable(),
  cardNo: z.string(),
  amount: w.int,
  status: z.string(),
  time: w.dateTime,
});
// a line of the bank's day file, as the bank sent it
const bankLine = z.strictObject({
  bankReference: z.string(),
  loadId: w.uuid.optional(),
  cardNo: z.string(),
  amount: w.int,
  status: z.enum(['confirmed', 'reversed']),
  time: w.dateTime,
});
const pair = z.strictObject({ bank: bankLine, centre: centreLoad });

// GET /api/v1/channel/reconciliation/:date
export const getChannelReconciliationResponse = z.strictObject({ date: w.date, loads: z.array(centreLoad) });

// POST /api/v1/channel/reconciliation/:date
export const postChannelReconciliationResponse = z.strictObject({
  date: w.date,
  matched: w.int,
  centreOnly: z.array(centreLoad),
  bankOnly: z.array(bankLine),
  amountMismatch: z.array(pair),
  statusMismatch: z.array(pair),
  exceptions: w.int,
});

const bankSettlement = z.strictObject({
  id: idOut,
  bank: z.string(),
  businessDate: w.date,
  entries: w.int,
  amount: fenOut,
  state: z.enum(['draft', 'approved', 'settled']),
  createdAt: w.dateTime,
  createdBy: z.string(),
  approvedAt: w.dateTime.nullable(),
  approvedBy: z.string().nullable(),
  settledAt: w.dateTime.nullable(),
  settledBy: z.string().nullable(),
  bankReference: z.string().nullable(),
});
export const bankSettlementsResponse = z.strictObject({ statements: z.array(bankSettlement) });
export const bankSettlementResponse = z.strictObject({ statement: bankSettlement });
export const bankSettlementSettledResponse = z.strictObject({ statement: bankSettlement, entryId: idOut.nullable() });
