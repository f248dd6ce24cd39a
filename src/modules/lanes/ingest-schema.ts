// The lane upload (ICD §2 POST /lanes/{laneId}/transactions), strict: an unknown field or a value of
// the wrong shape refuses the whole batch (400, field named), because it means the lane speaks
// another format. Values of the right shape that are wrong for the business (an unknown section,
// an unknown transaction type, an amount off the tariff) are per-transaction dispositions instead.
import { z } from 'zod';
import { network } from '../../platform/http/schemas.ts';

const U32 = 0xffff_ffff;
const uint = (max: number) => z.number().int().min(0).max(max);
const fen32 = uint(U32).transform((v) => BigInt(v));
// ISO 8601 with an offset (ICD §0), to the second; fractions are allowed and ignored by the TAC
const isoTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/, 'must be ISO 8601 with an offset')
  .transform((s, c) => {
    const d = new Date(s);
    if (Number.isNaN(d.getTime())) {
      c.addIssue({ code: 'custom', message: 'not a valid time' });
      return z.NEVER;
    }
    return d;
  });
const hexOf = (bytes: number) =>
  z
    .string()
    .regex(new RegExp(`^[0-9A-Fa-f]{${bytes * 2}}$`), `must be ${bytes} bytes of hex`)
    .transform((s) => s.toUpperCase());

const point = z.strictObject({
  network,
  station: uint(2_147_483_647),
  lane: uint(255),
  time: isoTime,
});

export const laneTransaction = z.strictObject({
  terminalId: hexOf(6),
  terminalSeq: uint(U32),
  transType: hexOf(1),
  time: isoTime,
  cardNo: z.string().regex(/^\d{20}$/, 'must be a 20-digit card number'),
  cardType: uint(255),
  obuId: z
    .string()
    .regex(/^\d{16}$/, 'must be a 16-digit OBU number')
    .optional(),
  plate: z.string().max(20).optional(),
  plateColor: uint(99).optional(),
  vehicleClass: uint(255),
  entry: point.optional(),
  exit: point.optional(),
  sections: z
    .array(z.string().regex(/^[A-Za-z0-9-]{1,20}$/, 'must be a section id'))
    .max(64)
    .optional(),
  fee: fen32,
  amount: fen32,
  balanceBefore: fen32.optional(),
  balanceAfter: fen32.optional(),
  offlineSeq: uint(0xffff),
  tac: hexOf(4),
});

export const MAX_BATCH = 1000;
export const uploadBody = z.strictObject({ transactions: z.array(laneTransaction).min(1).max(MAX_BATCH) });

export type LaneTransaction = z.output<typeof laneTransaction>;
export type Disposition = 'accepted' | 'duplicate' | 'rejected';
export type LaneResult = { terminalId: string; terminalSeq: number; disposition: Disposition; code?: number };
