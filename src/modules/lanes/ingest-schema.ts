// The lane upload (ICD §2 POST /lanes/{laneId}/transactions), strict: an unknown field or a value of
// the wrong shape refuses the whole batch (400, field named), because it means the lane speaks
// another format. Values of the right shape that are wrong for the business (an unknown section,
// an unknown transaction type, an amount off the tariff) are per-transaction dispositions instead.
import { z } from 'zod';
import { cardNo, hex, network, obuNo, storableInstant, uint } from '../../platform/http/schemas.ts';
import { CARD_NO, hexBytes, isRecord, isUint, NETWORK_ID, OBU_NO, onlyKeys } from '../../platform/http/fast-check.ts';

const U32 = 0xffff_ffff;
// the patterns the schema and the compiled check below both test with
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;
const SECTION = /^[A-Za-z0-9-]{1,20}$/;
const fen32 = uint(U32).transform((v) => BigInt(v));
// a real date the centre can store and give back (platform's storableInstant: years 0001–9999 UTC)
function instantOf(s: string): Date | undefined {
  const d = new Date(s);
  return storableInstant(d) ? d : undefined;
}
// ISO 8601 with an offset (ICD §0), to the second; fractions are allowed and ignored by the TAC
const isoTime = z
  .string()
  .regex(TIME, 'must be ISO 8601 with an offset')
  .transform((s, c) => {
    const d = instantOf(s);
    if (!d) {
      c.addIssue({ code: 'custom', message: 'not a valid time' });
      return z.NEVER;
    }
    return d;
  });

const point = z.strictObject({
  network,
  station: uint(2_147_483_647),
  lane: uint(255),
  time: isoTime,
});

export const laneTransaction = z.strictObject({
  terminalId: hex(6),
  terminalSeq: uint(U32),
  transType: hex(1),
  time: isoTime,
  cardNo,
  cardType: uint(255),
  obuId: obuNo.optional(),
  plate: z.string().max(20).optional(),
  plateColor: uint(99).optional(),
  vehicleClass: uint(255),
  entry: point.optional(),
  exit: point.optional(),
  sections: z.array(z.string().regex(SECTION, 'must be a section id')).max(64).optional(),
  fee: fen32,
  amount: fen32,
  balanceBefore: fen32.optional(),
  balanceAfter: fen32.optional(),
  offlineSeq: uint(0xffff),
  tac: hex(4),
});

export const MAX_BATCH = 1000;
export const uploadBody = z.strictObject({ transactions: z.array(laneTransaction).min(1).max(MAX_BATCH) });

export type LaneTransaction = z.output<typeof laneTransaction>;
export type Disposition = 'accepted' | 'duplicate' | 'rejected';
export type LaneResult = { terminalId: string; terminalSeq: number; disposition: Disposition; code?: number };

// The same rules compiled by hand for the hot path (a batch of 1,000 through zod was ~9 % of the
// service's CPU and much of its garbage). It returns exactly what uploadBody parses an accepted batch
// to, and undefined for anything it does not accept — the router then lets uploadBody judge, so a
// refusal keeps zod's field names and messages. test/unit/lane-upload-fast.test.ts holds the two
// to the same outputs and the same refusals.
const HEX1 = hexBytes(1);
const HEX4 = hexBytes(4);
const HEX6 = hexBytes(6);
const TX_KEYS = new Set(Object.keys(laneTransaction.shape));
const POINT_KEYS = new Set(Object.keys(point.shape));

function timeOf(v: unknown): Date | undefined {
  return typeof v === 'string' && TIME.test(v) ? instantOf(v) : undefined;
}

function fastPoint(v: unknown): z.output<typeof point> | undefined {
  if (!isRecord(v) || !onlyKeys(v, POINT_KEYS)) return undefined;
  const { network: n, station, lane, time } = v;
  if (typeof n !== 'string' || !NETWORK_ID.test(n) || !isUint(station, 2_147_483_647) || !isUint(lane, 255))
    return undefined;
  const t = timeOf(time);
  return t && { network: n, station, lane, time: t };
}

function fastTransaction(v: unknown): LaneTransaction | undefined {
  if (!isRecord(v) || !onlyKeys(v, TX_KEYS)) return undefined;
  const tx = v;
  if (typeof tx.terminalId !== 'string' || !HEX6.test(tx.terminalId)) return undefined;
  if (!isUint(tx.terminalSeq, U32)) return undefined;
  if (typeof tx.transType !== 'string' || !HEX1.test(tx.transType)) return undefined;
  const time = timeOf(tx.time);
  if (!time) return undefined;
  if (typeof tx.cardNo !== 'string' || !CARD_NO.test(tx.cardNo)) return undefined;
  if (!isUint(tx.cardType, 255) || !isUint(tx.vehicleClass, 255)) return undefined;
  if (!isUint(tx.fee, U32) || !isUint(tx.amount, U32) || !isUint(tx.offlineSeq, 0xffff)) return undefined;
  if (typeof tx.tac !== 'string' || !HEX4.test(tx.tac)) return undefined;
  const out: LaneTransaction = {
    terminalId: tx.terminalId.toUpperCase(),
    terminalSeq: tx.terminalSeq,
    transType: tx.transType.toUpperCase(),
    time,
    cardNo: tx.cardNo,
    cardType: tx.cardType,
    vehicleClass: tx.vehicleClass,
    fee: BigInt(tx.fee),
    amount: BigInt(tx.amount),
    offlineSeq: tx.offlineSeq,
    tac: tx.tac.toUpperCase(),
  };
  // the optional members: absent stays absent, as zod leaves them
  if ('obuId' in tx) {
    if (typeof tx.obuId !== 'string' || !OBU_NO.test(tx.obuId)) return undefined;
    out.obuId = tx.obuId;
  }
  if ('plate' in tx) {
    if (typeof tx.plate !== 'string' || tx.plate.length > 20) return undefined;
    out.plate = tx.plate;
  }
  if ('plateColor' in tx) {
    if (!isUint(tx.plateColor, 99)) return undefined;
    out.plateColor = tx.plateColor;
  }
  for (const side of ['entry', 'exit'] as const) {
    if (!(side in tx)) continue;
    const p = fastPoint(tx[side]);
    if (!p) return undefined;
    out[side] = p;
  }
  if ('sections' in tx) {
    const secs = tx.sections;
    if (!Array.isArray(secs) || secs.length > 64) return undefined;
    for (const s of secs) if (typeof s !== 'string' || !SECTION.test(s)) return undefined;
    out.sections = secs as string[];
  }
  for (const k of ['balanceBefore', 'balanceAfter'] as const) {
    if (!(k in tx)) continue;
    const b = tx[k];
    if (!isUint(b, U32)) return undefined;
    out[k] = BigInt(b);
  }
  return out;
}

export function fastUploadBody(value: unknown): z.output<typeof uploadBody> | undefined {
  if (!isRecord(value)) return undefined;
  for (const k in value) if (k !== 'transactions') return undefined;
  const list = value.transactions;
  if (!Array.isArray(list) || list.length < 1 || list.length > MAX_BATCH) return undefined;
  const transactions: LaneTransaction[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const tx = fastTransaction(list[i]);
    if (!tx) return undefined;
    transactions[i] = tx;
  }
  return { transactions };
}
