// Batch verification of purchase TACs (ETC-REFERENCE §3) for lane uploads: TAC =
// MAC8(DTK_L ⊕ DTK_R, amount ‖ type ‖ terminalId ‖ terminalSeq ‖ date ‖ time). A batch of a thousand
// transactions derives every card's TAC key at once — one TDES pass over all the cards' factors per
// master version instead of one cipher per card — and wipes the derived keys before returning.
// Callers get verdicts only.
import { timingSafeEqual } from 'node:crypto';
import { mac8, purchaseTacInput, tdes } from '../../platform/crypto/pboc.ts';

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

function matches(key8: Buffer, c: PurchaseTacCheck): boolean {
  if (!/^[0-9A-Fa-f]{8}$/.test(c.tac)) return false;
  let input: Buffer;
  try {
    input = purchaseTacInput({
      amount: c.amount,
      transType: c.transType,
      terminalId: c.terminalId,
      terminalSeq: c.terminalSeq,
      date: c.date,
      time: c.time,
    });
  } catch {
    return false; // a field that does not fit its bytes cannot have produced a TAC
  }
  return timingSafeEqual(mac8(key8, input), Buffer.from(c.tac, 'hex'));
}

// master(version) gives the TAC master of a version (or undefined); versions are the loaded TAC
// versions, newest first.
export function verifyPurchaseTacs(
  master: (version: number) => Buffer | undefined,
  versions: number[],
  checks: PurchaseTacCheck[],
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
          verdicts[i] = matches(keys.subarray(n * 8, n * 8 + 8), checks[i]);
        });
      } finally {
        keys.fill(0);
      }
    }
  }
}
