// Batch verification of purchase TACs (ETC-REFERENCE §3) for lane uploads: TAC =
// MAC8(DTK_L ⊕ DTK_R, amount ‖ type ‖ terminalId ‖ terminalSeq ‖ date ‖ time). A batch of a thousand
// transactions derives every card's TAC key at once — one TDES pass over all the cards' factors per
// master version instead of one cipher per card — and wipes the derived keys before returning.
// Callers get verdicts only.
//
// The MAC itself is the pure-TypeScript DES of des.ts, not OpenSSL: each card's key MACs only three
// blocks, so creating an OpenSSL cipher per card cost more than the cipher work. One key schedule,
// one input and two 4-byte buffers serve the whole batch; the schedule is wiped at the end.
import { timingSafeEqual } from 'node:crypto';
import { desCbcMacWithSchedule, desKeySchedule, DES_SCHEDULE_WORDS } from '../../platform/crypto/des.ts';
import { PURCHASE_TAC_INPUT_BYTES, tdes, writePurchaseTacInput } from '../../platform/crypto/pboc.ts';

export type PurchaseTacCheck = {
  serial8: Buffer;
  // the card's TAC key version when the centre knows it (from its loads); undefined → every loaded
  // TAC master is tried, newest first (a card that never loaded reported no version to anyone)
  keyVersion?: number;
  amount: bigint;
  transType: number;
  terminalId: string;
  terminalSeq: number;
  date: string; // YYYYMMDD, lane local time
  time: string; // hhmmss
  tac: string; // 8 hex
};

// TAC keys of many cards under one master: Div(MK, f) = TDES(MK, f) ‖ TDES(MK, ~f), then
// DTK_L ⊕ DTK_R. Returns one 8-byte key per serial, packed.
function tacKeys(master: Buffer, serials: Buffer[]): Buffer {
  const factors = Buffer.alloc(serials.length * 16);
  serials.forEach((s, i) => {
    s.copy(factors, i * 16);
    for (let j = 0; j < 8; j++) factors[i * 16 + 8 + j] = ~s[j] & 0xff;
  });
  const dtk = tdes(master, factors);
  const keys = Buffer.alloc(serials.length * 8);
  for (let i = 0; i < serials.length; i++) {
    for (let j = 0; j < 8; j++) keys[i * 8 + j] = dtk[i * 16 + j] ^ dtk[i * 16 + 8 + j];
  }
  dtk.fill(0);
  factors.fill(0);
  return keys;
}

// Scratch for one batch. The schedule is key material (wiped in verifyPurchaseTacs' finally);
// the rest holds transaction data and MACs, which callers see anyway.
type Scratch = { schedule: Int32Array; input: Buffer; mac: Buffer; tac: Buffer };

const ZERO_ICV = Buffer.alloc(8);
const TAC_HEX = /^[0-9A-Fa-f]{8}$/;

function matches(key8: Buffer, c: PurchaseTacCheck, s: Scratch): boolean {
  if (!TAC_HEX.test(c.tac)) return false;
  try {
    writePurchaseTacInput(c, s.input);
  } catch {
    return false; // a field that does not fit its bytes cannot have produced a TAC
  }
  s.tac.write(c.tac, 'hex');
  desKeySchedule(key8, s.schedule);
  desCbcMacWithSchedule(s.schedule, s.input, ZERO_ICV, s.mac, 4); // MAC8: the leftmost 4 bytes
  return timingSafeEqual(s.mac, s.tac);
}

// master(version) gives the TAC master of a version (or undefined); versions are the loaded TAC
// versions, newest first.
export function verifyPurchaseTacs(
  master: (version: number) => Buffer | undefined,
  versions: number[],
  checks: PurchaseTacCheck[],
): boolean[] {
  const scratch: Scratch = {
    schedule: new Int32Array(DES_SCHEDULE_WORDS),
    input: Buffer.alloc(PURCHASE_TAC_INPUT_BYTES),
    mac: Buffer.alloc(4),
    tac: Buffer.alloc(4),
  };
  try {
    return verifyAll(master, versions, checks, scratch);
  } finally {
    scratch.schedule.fill(0);
  }
}

function verifyAll(
  master: (version: number) => Buffer | undefined,
  versions: number[],
  checks: PurchaseTacCheck[],
  scratch: Scratch,
): boolean[] {
  const verdicts = new Array<boolean>(checks.length).fill(false);
  // the versions each check still has to try
  const pending = checks.map((c) => (c.keyVersion !== undefined ? [c.keyVersion] : [...versions]));
  for (;;) {
    const byVersion = new Map<number, number[]>();
    pending.forEach((left, i) => {
      if (verdicts[i] || left.length === 0) return;
      const v = left.shift()!;
      if (!byVersion.has(v)) byVersion.set(v, []);
      byVersion.get(v)!.push(i);
    });
    if (byVersion.size === 0) return verdicts;
    for (const [version, idx] of byVersion) {
      const mk = master(version);
      if (!mk) continue;
      const keys = tacKeys(
        mk,
        idx.map((i) => checks[i].serial8),
      );
      try {
        idx.forEach((i, n) => {
          verdicts[i] = matches(keys.subarray(n * 8, n * 8 + 8), checks[i], scratch);
        });
      } finally {
        keys.fill(0);
      }
    }
  }
}
