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
