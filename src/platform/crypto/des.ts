// Single DES (FIPS 46-3) in TypeScript, for where OpenSSL costs more than the cipher: single-DES MACs
// (MAC8: lane TAC verification, where every card has its own key and each key MACs only three blocks,
// and the online load's MAC1, MAC2 and TAC). Creating an OpenSSL cipher per MAC dominated; here a key
// schedule is a few dozen table look-ups into a reusable Int32Array and a block is 16 rounds of 32-bit
// operations.
//
// Bits are numbered as in the standard: 1 is the most significant bit of the first byte. The
// standard's tables are in des-tables.ts; everything here (byte-wise permutation tables, the S-boxes
// combined with P) is computed from them once, when the module loads.
//
// Key material: a schedule is key material. Callers wipe it (.fill(0)) when done; desCbcMac8 does.

import { IP, P, PC1, PC2, S, SHIFTS } from './des-tables.ts';

// ---- tables computed from the standard's ---------------------------------------------------------

// A wire carries source bit `from` (1-based, most significant first) to bit `shift` of output word `word`.
type Wire = { from: number; word: number; shift: number };

// Any bit permutation as look-ups: the source is cut into pieces of `pieceBits`; entry
// [(piece << pieceBits | value) * words + w] is what that piece's value contributes to output word w.
function pieceTables(sourceBits: number, pieceBits: number, words: number, wires: Wire[]): Int32Array {
  const pieces = sourceBits / pieceBits;
  const table = new Int32Array((pieces << pieceBits) * words);
  for (const { from, word, shift } of wires) {
    const piece = ((from - 1) / pieceBits) | 0;
    const bit = pieceBits - 1 - ((from - 1) % pieceBits); // its position within the piece's value
    for (let v = 0; v < 1 << pieceBits; v++) {
      if ((v >>> bit) & 1) table[((piece << pieceBits) | v) * words + word] |= 1 << shift;
    }
  }
  return table;
}

// Output bit i of a 64-bit result lands in word (i - 1) >> 5 (0 = left half), at 31 - ((i - 1) & 31).
const toHalves = (i: number, from: number): Wire => ({ from, word: (i - 1) >> 5, shift: 31 - ((i - 1) & 31) });

const IP_T = pieceTables(
  64,
  8,
  2,
  IP.map((from, i) => toHalves(i + 1, from)),
);
// FP = IP⁻¹: output bit IP[i] is input bit i + 1.
const FP_T = pieceTables(
  64,
  8,
  2,
  IP.map((to, i) => toHalves(to, i + 1)),
);
// PC1 into two words: C and D right-aligned (bit 1 of C at position 27).
const PC1_T = pieceTables(
  64,
  8,
  2,
  PC1.map((from, i) => ({ from, word: i < 28 ? 0 : 1, shift: 27 - (i % 28) })),
);

// A round subkey is eight 6-bit groups k0..k7, one per S-box. The round function XORs them into two
// rotations of R (see f below): KA = k0‖k2‖k4‖k6 and KB = k1‖k3‖k5‖k7, one group per byte. PC2
// takes k0..k3 from C only and k4..k7 from D only, so each half is looked up separately, in 7-bit
// pieces, into one word holding the half's groups in the order 0, 2, 1, 3 (a byte each, most
// significant first): KA and KB are then two masks and a shift away.
const GROUP_BYTE = [3, 1, 2, 0]; // byte (from the least significant) of a half's group 0..3
function pc2Wires(half: 0 | 1): Wire[] {
  const wires: Wire[] = [];
  PC2.forEach((from, i) => {
    const group = Math.floor(i / 6);
    if ((group < 4 ? 0 : 1) !== half) return;
    wires.push({ from: from - 28 * half, word: 0, shift: GROUP_BYTE[group % 4] * 8 + 5 - (i % 6) });
  });
  return wires;
}
const PC2C_T = pieceTables(28, 7, 1, pc2Wires(0));
const PC2D_T = pieceTables(28, 7, 1, pc2Wires(1));

// S-box i followed by P, as one 64-entry table per box (index = the 6-bit group, b1 most significant).
const SP = new Int32Array(8 * 64);
for (let box = 0; box < 8; box++) {
  for (let v = 0; v < 64; v++) {
    const s = S[box][(((v >> 4) & 2) | (v & 1)) * 16 + ((v >> 1) & 15)];
    const beforeP = s << (28 - 4 * box); // S-box `box` feeds bits 4·box+1 … 4·box+4
    let out = 0;
    for (let i = 0; i < 32; i++) if ((beforeP >>> (32 - P[i])) & 1) out |= 1 << (31 - i);
    SP[box * 64 + v] = out;
  }
}

// ---- key schedule and block ----------------------------------------------------------------------

export const DES_SCHEDULE_WORDS = 32;

function checkSchedule(schedule: Int32Array): void {
  if (!(schedule instanceof Int32Array) || schedule.length !== DES_SCHEDULE_WORDS) {
    throw new Error(`DES schedule must be an Int32Array of ${DES_SCHEDULE_WORDS} words`);
  }
}

/**
 * The sixteen round subkeys of a DES key (parity bits ignored), as 32 words. `out` lets a caller reuse
 * one array for many keys; wipe it after use. A decryption schedule is the same subkeys in reverse.
 */
export function desKeySchedule(
  key8: Uint8Array,
  out: Int32Array = new Int32Array(DES_SCHEDULE_WORDS),
  decrypt = false,
): Int32Array {
  if (key8.length !== 8) throw new Error(`DES key must be 8 bytes (got ${key8.length})`);
  checkSchedule(out);
  let c = 0;
  let d = 0;
  for (let b = 0; b < 8; b++) {
    const at = ((b << 8) | key8[b]) * 2;
    c |= PC1_T[at];
    d |= PC1_T[at + 1];
  }
  for (let round = 0; round < 16; round++) {
    const n = SHIFTS[round];
    c = ((c << n) | (c >>> (28 - n))) & 0x0fffffff;
    d = ((d << n) | (d >>> (28 - n))) & 0x0fffffff;
    const cw =
      PC2C_T[(c >>> 21) & 127] |
      PC2C_T[128 | ((c >>> 14) & 127)] |
      PC2C_T[256 | ((c >>> 7) & 127)] |
      PC2C_T[384 | (c & 127)];
    const dw =
      PC2D_T[(d >>> 21) & 127] |
      PC2D_T[128 | ((d >>> 14) & 127)] |
      PC2D_T[256 | ((d >>> 7) & 127)] |
      PC2D_T[384 | (d & 127)];
    const at = (decrypt ? 15 - round : round) * 2;
    // cw = k0 k2 k1 k3, dw = k4 k6 k5 k7 (a byte each)
    out[at] = (cw & 0x3f3f0000) | ((dw >>> 16) & 0x3f3f); // k0 k2 k4 k6
    out[at + 1] = ((cw & 0x3f3f) << 16) | (dw & 0x3f3f); // k1 k3 k5 k7
  }
  return out;
}

// The block state between IP and FP: [L, R] going in, [R16, L16] (the pre-output) coming out, which is
// exactly IP of the ciphertext. CBC chaining can therefore stay in this domain: IP is linear, so
// IP(P ⊕ C) = IP(P) ⊕ state, and FP is needed only once, for the MAC.
const state = new Int32Array(2);

function rounds(ks: Int32Array): void {
  let l = state[0];
  let r = state[1];
  for (let i = 0; i < 32; i += 2) {
    // E(R) is eight overlapping 6-bit groups: group g is bits 4g … 4g+5 (1-based, cyclic). Rotating R
    // right by 3 puts groups 0, 2, 4, 6 on byte boundaries; rotating it left by 1 does so for 1, 3, 5, 7.
    const a = ((r >>> 3) | (r << 29)) ^ ks[i];
    const b = ((r << 1) | (r >>> 31)) ^ ks[i + 1];
    const f =
      SP[(a >>> 24) & 63] |
      SP[128 | ((a >>> 16) & 63)] |
      SP[256 | ((a >>> 8) & 63)] |
      SP[384 | (a & 63)] |
      SP[64 | ((b >>> 24) & 63)] |
      SP[192 | ((b >>> 16) & 63)] |
      SP[320 | ((b >>> 8) & 63)] |
      SP[448 | (b & 63)];
    const t = l ^ f;
    l = r;
    r = t;
  }
  state[0] = r;
  state[1] = l;
}

// IP of 8 bytes at src[off…], XORed into the state. With `n` < 8 it is the last block padded ISO 9797-1
// method 2: n data bytes, then 80, then zeros.
function xorIp(src: Uint8Array, off: number, n: number): void {
  let l = 0;
  let r = 0;
  for (let b = 0; b < 8; b++) {
    const byte = b < n ? src[off + b] : b === n ? 0x80 : 0;
    const at = ((b << 8) | byte) * 2;
    l |= IP_T[at];
    r |= IP_T[at + 1];
  }
  state[0] ^= l;
  state[1] ^= r;
}

// FP of the state, first `n` bytes into dst[off…].
function writeFp(dst: Uint8Array, off: number, n: number): void {
  let hi = 0;
  let lo = 0;
  for (let b = 0; b < 8; b++) {
    const byte = (state[b >> 2] >>> (24 - 8 * (b & 3))) & 0xff;
    const at = ((b << 8) | byte) * 2;
    hi |= FP_T[at];
    lo |= FP_T[at + 1];
  }
  for (let i = 0; i < n; i++) dst[off + i] = (i < 4 ? hi >>> (24 - 8 * i) : lo >>> (56 - 8 * i)) & 0xff;
}

/** One 8-byte block through DES under `schedule` (encrypting or decrypting as the schedule was made). */
export function desBlock(schedule: Int32Array, src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number): void {
  checkSchedule(schedule);
  if (!(srcOff >= 0 && srcOff + 8 <= src.length && dstOff >= 0 && dstOff + 8 <= dst.length)) {
    throw new Error('DES block out of range');
  }
  state[0] = 0;
  state[1] = 0;
  xorIp(src, srcOff, 8);
  rounds(schedule);
  writeFp(dst, dstOff, 8);
}

/**
 * CBC-MAC over pad80(data) with an 8-byte ICV, single DES under a prepared schedule: the first
 * `outLength` bytes of the last chaining block go to out[0…]. Allocates nothing.
 */
export function desCbcMacWithSchedule(
  schedule: Int32Array,
  data: Uint8Array,
  icv: Uint8Array,
  out: Uint8Array,
  outLength = 8,
): void {
  checkSchedule(schedule);
  if (icv.length !== 8) throw new Error(`MAC ICV must be 8 bytes (got ${icv.length})`);
  if (!(outLength >= 0 && outLength <= 8 && outLength <= out.length)) throw new Error('MAC output out of range');
  state[0] = 0;
  state[1] = 0;
  xorIp(icv, 0, 8);
  let off = 0;
  for (; off + 8 <= data.length; off += 8) {
    xorIp(data, off, 8);
    rounds(schedule);
  }
  xorIp(data, off, data.length - off); // the padded last block (a whole 80 00… block when aligned)
  rounds(schedule);
  writeFp(out, 0, outLength);
}

const ZERO_ICV = Buffer.alloc(8);

/** What pboc.mac8Full computes (CBC-MAC, ISO 9797-1 padding 2, all 8 bytes), without OpenSSL. */
export function desCbcMac8(key8: Buffer, data: Buffer, icv: Buffer = ZERO_ICV): Buffer {
  // the same checks and messages as mac8Full (lengths only, never bytes)
  if (!Buffer.isBuffer(key8)) throw new Error('MAC key must be a Buffer');
  if (key8.length !== 8) throw new Error(`MAC key must be 8 bytes (got ${key8.length})`);
  if (!Buffer.isBuffer(data)) throw new Error('MAC data must be a Buffer');
  if (!Buffer.isBuffer(icv)) throw new Error('MAC ICV must be a Buffer');
  if (icv.length !== 8) throw new Error(`MAC ICV must be 8 bytes (got ${icv.length})`);
  const schedule = desKeySchedule(key8);
  try {
    const out = Buffer.alloc(8);
    desCbcMacWithSchedule(schedule, data, icv, out);
    return out;
  } finally {
    schedule.fill(0);
  }
}
