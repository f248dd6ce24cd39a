// Success bodies of the treasury routes as they travel (JSON).
import { z } from 'zod';
import { fenOut, idOut } from '../../platform/http/schemas.ts';
import { w } from '../../platform/http/wire.ts';

const tillClose = z.strictObject({
  id: idOut,
  businessDate: w.date,
  username: z.string(),
  expectedCash: fenOut,
  countedCash: fenOut,
  difference: fenOut,
  state: z.enum(['declared', 'confirmed']),
  declaredBy: z.string(),
  declaredAt: w.dateTime,
  confirmedBy: z.string().nullable(),
  confirmedAt: w.dateTime.nullable(),
  slipId: idOut.nullable(),
});
const slip = z.strictObject({
  id: idOut,
  slipNo: z.string(),
  businessDate: w.date,
  tillCount: w.int,
  amount: fenOut,
  state: z.enum(['draft', 'approved', 'banked']),
  createdBy: z.string(),
  createdAt: w.dateTime,
  approvedBy: z.string().nullable(),
  approvedAt: w.dateTime.nullable(),
  bankedBy: z.string().nullable(),
  bankedAt: w.dateTime.nullable(),
  bankReference: z.string().nullable(),
});

export const tillCloseResponse = z.strictObject({ tillClose });
export const tillClosesResponse = z.strictObject({ tillCloses: z.array(tillClose) });
export const slipResponse = z.strictObject({ slip });
export const slipsResponse = z.strictObject({ slips: z.array(slip) });
export const slipDetailResponse = z.strictObject({ slip, tills: z.array(tillClose) });
export const slipBankedResponse = z.strictObject({ slip, entryId: idOut.nullable() });
