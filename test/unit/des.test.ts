// The pure-TypeScript DES (src/platform/crypto/des.ts) against published answers, DES's own algebraic
// properties, and OpenSSL (pboc.ts's des, and a CBC-MAC through OpenSSL here) as the reference on many
// random cases.
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import {
  DES_SCHEDULE_WORDS,
  desBlock,
  desCbcMac8,
  desCbcMacWithSchedule,
  desKeySchedule,
} from '../../src/platform/crypto/des.ts';
import { des, pad80 } from '../../src/platform/crypto/pboc.ts';
import { hex, prng, vector } from '../helpers/crypto-vectors.ts';

function encrypt(key8: Buffer, block: Buffer): Buffer {
  const out = Buffer.alloc(8);
  desBlock(desKeySchedule(key8), block, 0, out, 0);
  return out;
}

function decrypt(key8: Buffer, block: Buffer): Buffer {
  const out = Buffer.alloc(8);
  desBlock(desKeySchedule(key8, undefined, true), block, 0, out, 0);
  return out;
}

// Two-key TDES (K1 ‖ K2 ‖ K1) built from the single DES under test.
const tdes = (key16: Buffer, block: Buffer): Buffer =>
  encrypt(key16.subarray(0, 8), decrypt(key16.subarray(8), encrypt(key16.subarray(0, 8), block)));

const not = (b: Buffer): Buffer => Buffer.from(b.map((x) => ~x & 0xff));

// CBC-MAC over pad80(data) by OpenSSL: single DES as EDE with K1 = K2 (OpenSSL 3 keeps plain DES in
// its legacy provider); the last chaining block.
function opensslMac8(key8: Buffer, data: Buffer, icv: Buffer): Buffer {
  const c = createCipheriv('des-ede-cbc', Buffer.concat([key8, key8]), icv);
  c.setAutoPadding(false);
  const out = Buffer.concat([c.update(pad80(data)), c.final()]);
  return out.subarray(out.length - 8);
}

describe('des: published answers', () => {
  // FIPS 81 ("Now is t"), the textbook worked example (133457799BBCDFF1), and NIST SP 800-17
  // variable-plaintext / variable-key answers under the all-zero (odd-parity 01…) key.
  const known: [key: string, plain: string, cipher: string][] = [
    ['0123456789abcdef', '4e6f772069732074', '3fa40e8a984d4815'],
    ['133457799bbcdff1', '0123456789abcdef', '85e813540f0ab405'],
    ['0101010101010101', '8000000000000000', '95f8a5e5dd31d900'],
    ['0101010101010101', '4000000000000000', 'dd7f121ca5015619'],
    ['0101010101010101', '2000000000000000', '2e8653104f3834ea'],
    ['8001010101010101', '0000000000000000', '95a8d72813daa94d'],
    ['4001010101010101', '0000000000000000', '0eec1487dd8c26d5'],
    ['0000000000000000', '0000000000000000', '8ca64de9c1b123a7'],
    ['ffffffffffffffff', 'ffffffffffffffff', '7359b2163e4edc58'],
  ];
  for (const [key, plain, cipher] of known) {
    it(`E(${key}, ${plain}) = ${cipher}, and D takes it back`, () => {
      assert.equal(encrypt(hex(key), hex(plain)).toString('hex'), cipher);
      assert.equal(decrypt(hex(key), hex(cipher)).toString('hex'), plain);
    });
  }

  it('FIPS 81 CBC example: the MAC is E(C3 ⊕ 80 00…) of the published third ciphertext block', () => {
    const key = hex('0123456789abcdef');
    const iv = hex('1234567890abcdef');
    const text = Buffer.from('Now is the time for all ', 'ascii');
    const c3 = hex('683788499a7c05f6');
    c3[0] ^= 0x80; // the pad block ISO 9797-1 method 2 adds after 24 aligned bytes
    assert.deepEqual(desCbcMac8(key, text, iv), encrypt(key, c3));
  });

  it('pboc.json load-mac1 and load-mac2 (MAC8, leftmost 4 bytes)', () => {
    const m1 = vector('load-mac1');
    const in1 = hex(m1.balance + m1.amount + m1.type + m1.terminalId);
    assert.equal(desCbcMac8(hex(m1.sessionKey), in1).subarray(0, 4).toString('hex'), m1.expected.toLowerCase());
    const m2 = vector('load-mac2');
    const in2 = hex(m2.amount + m2.type + m2.terminalId + m2.hostDate + m2.hostTime);
    assert.equal(desCbcMac8(hex(m2.sessionKey), in2).subarray(0, 4).toString('hex'), m2.expected.toLowerCase());
  });

  it('pboc.json load-session-key (TDES from this DES)', () => {
    const v = vector('load-session-key');
    const block = hex(v.random + v.onlineSeq + '8000');
    assert.equal(tdes(hex(v.dlk), block).toString('hex'), v.expected.toLowerCase());
  });

  it('pboc.json retail-mac (CBC under KL, then D under KR and E under KL)', () => {
    const v = vector('retail-mac');
    const key = hex(v.key);
    const last = desCbcMac8(key.subarray(0, 8), Buffer.from(v.dataAscii, 'ascii'));
    const mac = encrypt(key.subarray(0, 8), decrypt(key.subarray(8), last));
    assert.equal(mac.toString('hex'), v.expected.toLowerCase());
  });
});

describe('des: properties of the cipher', () => {
  const rnd = prng(0xde5001);

  it('complementation: E(~K, ~P) = ~E(K, P)', () => {
    for (let i = 0; i < 50; i++) {
      const k = rnd.bytes(8);
      const p = rnd.bytes(8);
      assert.deepEqual(encrypt(not(k), not(p)), not(encrypt(k, p)));
    }
  });

  it('a weak key is its own inverse; parity bits are ignored', () => {
    for (const weak of ['0101010101010101', 'fefefefefefefefe', 'e0e0e0e0f1f1f1f1', '1f1f1f1f0e0e0e0e']) {
      const p = rnd.bytes(8);
      assert.deepEqual(encrypt(hex(weak), encrypt(hex(weak), p)), p, weak);
    }
    const k = rnd.bytes(8);
    const p = rnd.bytes(8);
    assert.deepEqual(encrypt(Buffer.from(k.map((b) => b ^ 1)), p), encrypt(k, p));
    assert.notDeepEqual(encrypt(Buffer.from(k.map((b, i) => (i === 3 ? b ^ 2 : b))), p), encrypt(k, p));
  });

  it('a reused schedule gives the same answers as a fresh one, and wiping it changes them', () => {
    const schedule = new Int32Array(DES_SCHEDULE_WORDS);
    const k1 = rnd.bytes(8);
    const k2 = rnd.bytes(8);
    const data = rnd.bytes(22);
    const out = Buffer.alloc(8);
    desKeySchedule(k1, schedule);
    desKeySchedule(k2, schedule);
    desCbcMacWithSchedule(schedule, data, Buffer.alloc(8), out);
    assert.deepEqual(out, desCbcMac8(k2, data));
    schedule.fill(0);
    assert.ok(schedule.every((w) => w === 0));
    desCbcMacWithSchedule(schedule, data, Buffer.alloc(8), out);
    assert.notDeepEqual(out, desCbcMac8(k2, data));
  });

  it('refuses wrong lengths with clear messages, without key bytes', () => {
    assert.throws(() => desKeySchedule(hex('a1b2c3d4e5f607')), /DES key must be 8 bytes \(got 7\)/);
    assert.throws(() => desKeySchedule(Buffer.alloc(8), new Int32Array(16)), /schedule must be an Int32Array of 32/);
    const schedule = desKeySchedule(Buffer.alloc(8));
    assert.throws(() => desBlock(schedule, Buffer.alloc(8), 1, Buffer.alloc(8), 0), /out of range/);
    assert.throws(() => desBlock(schedule, Buffer.alloc(8), 0, Buffer.alloc(7), 0), /out of range/);
    assert.throws(() => desCbcMacWithSchedule(schedule, Buffer.alloc(3), Buffer.alloc(7), Buffer.alloc(8)), /ICV/);
    assert.throws(() => desCbcMacWithSchedule(schedule, Buffer.alloc(3), Buffer.alloc(8), Buffer.alloc(4)), /range/);
    assert.throws(
      () => desCbcMac8(hex('a1b2c3d4e5f60718a1'), Buffer.alloc(3)),
      (e: Error) => /MAC key must be 8 bytes \(got 9\)/.test(e.message) && !e.message.includes('a1b2'),
    );
    assert.throws(() => desCbcMac8(Buffer.alloc(8), Buffer.alloc(3), Buffer.alloc(4)), /MAC ICV must be 8 bytes/);
    assert.throws(() => desCbcMac8(Buffer.alloc(8), 'abc' as unknown as Buffer), /MAC data must be a Buffer/);
  });
});

describe('des: against OpenSSL', () => {
  it('desCbcMac8 = OpenSSL CBC-MAC on 5,000 random (key, data of 0–64 bytes, ICV) triples', () => {
    const rnd = prng(0xde5002);
    const lengths = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const key = rnd.bytes(8);
      const data = rnd.bytes(rnd.below(65));
      const icv = i % 4 === 0 ? Buffer.alloc(8) : rnd.bytes(8);
      lengths.add(data.length);
      const got = desCbcMac8(key, data, icv);
      const want = opensslMac8(key, data, icv);
      if (!got.equals(want)) assert.fail(`case ${i} (seed 0xde5002): length ${data.length} differs`);
    }
    assert.equal(lengths.size, 65, 'every length 0–64 was tried');
  });

  it('desBlock = des (ECB) on 1,000 random keys and blocks, both directions', () => {
    const rnd = prng(0xde5003);
    for (let i = 0; i < 1000; i++) {
      const key = rnd.bytes(8);
      const block = rnd.bytes(8);
      const c = des(key, block);
      assert.deepEqual(encrypt(key, block), c, `case ${i}`);
      assert.deepEqual(decrypt(key, c), block, `case ${i}`);
    }
  });

  it('desBlock works in place at an offset', () => {
    const rnd = prng(0xde5004);
    const key = rnd.bytes(8);
    const buf = rnd.bytes(20);
    const want = des(key, buf.subarray(5, 13));
    desBlock(desKeySchedule(key), buf, 5, buf, 5);
    assert.deepEqual(buf.subarray(5, 13), want);
  });
});
