// Success bodies of the payments routes as they travel (JSON).
import { z } from 'zod';
import { fenOut, idOut } from '../../platform/http/schemas.ts';
import { w } from '../../platform/http/wire.ts';

const payee = z.strictObject({ accountName: z.string(), accountNumberMask: z.string(), bankName: z.string() });
const state = z.enum(['draft', 'approved', 'paid', 'rejected']);

const refund = z.strictObject({
  cancellationId: idOut,
  cardNo: z.string(),
  customerId: idOut,
  amount: fenOut,
  approvedAt: w.dateTime,
  payee: payee.nullable(),
  batchId: idOut.nullable(),
  batchState: state.nullable(),
});

const batch = z.strictObject({
  id: idOut,
  state,
  refundCount: w.int,
  total: fenOut,
  createdAt: w.dateTime,
  createdBy: z.string(),
  approvedAt: w.dateTime.nullable(),
  approvedBy: z.string().nullable(),
  paidAt: w.dateTime.nullable(),
  paidBy: z.string().nullable(),
  bankReference: z.string().nullable(),
  rejectedAt: w.dateTime.nullable(),
  rejectedBy: z.string().nullable(),
  rejectNote: z.string().nullable(),
});

export const refundsResponse = z.strictObject({ refunds: z.array(refund) });
export const payeeResponse = z.strictObject({ payee });
export const batchResponse = z.strictObject({ batch });
export const batchesResponse = z.strictObject({ batches: z.array(batch) });
export const batchDetailResponse = z.strictObject({
  batch,
  items: z.array(
    z.strictObject({ cancellationId: idOut, cardNo: z.string(), amount: fenOut, payee: payee.nullable() }),
  ),
});
export const batchPaidResponse = z.strictObject({ batch, entryId: idOut.nullable() });
