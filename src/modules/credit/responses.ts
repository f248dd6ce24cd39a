// Wire forms of the credit module's answers (amounts in integer fen, ids as integers).
import { z } from 'zod';

const id = z.number().int();
const fen = z.number().int();
const time = z.string();

export const billJson = z.object({
  id,
  accountId: id,
  customerId: id,
  periodStart: z.string(),
  periodEnd: z.string(),
  dueDate: z.string(),
  amount: fen,
  paid: fen,
  writtenOff: fen,
  outstanding: fen,
  issuedAt: time,
  settledAt: time.nullable(),
});
export const lineJson = z.object({
  plate: z.string(),
  plateColor: z.number().int(),
  vehicleClass: z.number().int(),
  trips: z.number().int(),
  amount: fen,
});
export const ageingJson = z.object({
  customerId: id,
  accountId: id,
  current: fen,
  d1to30: fen,
  d31to60: fen,
  d61to90: fen,
  over90: fen,
  total: fen,
});
// a row of finance's report: the customer's name beside the ids
export const ageingRowJson = ageingJson.extend({ customerName: z.string() });
const grade = z.enum(['A', 'B', 'C', 'D']);
export const gradeJson = z.object({
  grade,
  history: z.array(
    z.object({
      id,
      at: time,
      kind: z.string(),
      fromGrade: grade,
      toGrade: grade,
      billId: id.nullable(),
      by: z.string(),
      note: z.string().nullable(),
    }),
  ),
});
export const writeOffJson = z.object({
  id,
  billId: id,
  amount: fen,
  reason: z.string(),
  state: z.enum(['proposed', 'approved-once', 'posted', 'rejected']),
  proposedBy: z.string(),
  proposedAt: time,
  approvedBy: z.string().nullable(),
  approvedAt: time.nullable(),
  postedBy: z.string().nullable(),
  postedAt: time.nullable(),
});
// finance's list: the bill's customer and period beside the write-off
export const writeOffRowJson = writeOffJson.extend({
  accountId: id,
  customerId: id,
  customerName: z.string(),
  periodStart: z.string(),
  billOutstanding: fen,
});
// accounts to review: graded below A or with an upgrade awaiting approval
export const gradeRowJson = z.object({
  accountId: id,
  customerId: id,
  customerName: z.string(),
  grade,
  changedAt: time,
  pending: z.object({ toGrade: grade, by: z.string(), at: time, note: z.string().nullable() }).nullable(),
});
