import assert from 'node:assert/strict';
import forge from 'node-forge';
import {
  cardKey,
  des,
  desDecrypt,
  diversify,
  encodeUint,
  issuerFactor,
  kcv,
  loadMac1Input,
  loadMac2Input,
  loadSessionKey,
  loadTacInput,
  mac16,
  mac16Full,
  mac8,
  mac8Full,
  pad80,
  purchaseCardKey,
  purchaseMac1Input,
  purchaseMac2Input,
  purchaseSessionKey,
  purchaseTacInput,
  tacKey,
  tdes,
  tdesDecrypt,
} from '../../src/platform/crypto/pboc.ts';
import { hex, prng, vector, vectors } from '../helpers/crypto-vectors.ts';

function forgeEcb(algorithm: 'DES-ECB' | '3DES-ECB', key: Buffer, block: Buffer): Buffer {
  const c = forge.cipher.createCipher(algorithm, forge.util.createBuffer(key.toString('binary')));
  c.start();
  c.update(forge.util.createBuffer(block.toString('binary')));
  c.finish(); // appends a PKCS#7 block; the first 8 output bytes are the ECB block we want
  return Buffer.from(c.output.getBytes(), 'binary').subarray(0, 8);
}

// Textbook CBC chaining, one OpenSSL des() per block, to check the chained MACs (des.ts's for MAC8).
function manualCbc(key8: Buffer, data: Buffer, icv: Buffer): Buffer {
  let chain: Buffer = Buffer.from(icv);
  for (let off = 0; off < data.length; off += 8) {
    const x = Buffer.from(data.subarray(off, off + 8).map((b, i) => b ^ chain[i]));
    chain = des(key8, x);
  }
  return chain;
}

describe('pboc: published vectors', () => {
  it('contains the vectors this suite knows how to run', () => {
    assert.deepEqual(vectors.map((v) => v.id).sort(), ['load-mac1', 'load-mac2', 'load-session-key', 'retail-mac']);
  });

  it('load-session-key', () => {
    const v = vector('load-session-key');
    const key = loadSessionKey(hex(v.dlk), hex(v.random), hex(v.onlineSeq));
    assert.equal(key.toString('hex'), v.expected.toLowerCase());
  });

  it('load-mac1 (through the builder)', () => {
    const v = vector('load-mac1');
    const input = loadMac1Input({
      balance: BigInt(`0x${v.balance}`),
      amount: BigInt(`0x${v.amount}`),
      transType: parseInt(v.type, 16),
      terminalId: v.terminalId,
    });
    assert.equal(input.toString('hex'), (v.balance + v.amount + v.type + v.terminalId).toLowerCase());
    assert.equal(mac8(hex(v.sessionKey), input).toString('hex'), v.expected.toLowerCase());
  });

  it('load-mac2 (through the builder)', () => {
    const v = vector('load-mac2');
    const input = loadMac2Input({
      amount: Number.parseInt(v.amount, 16),
      transType: parseInt(v.type, 16),
      terminalId: hex(v.terminalId),
      hostDate: v.hostDate,
      hostTime: v.hostTime,
    });
    assert.equal(input.toString('hex'), (v.amount + v.type + v.terminalId + v.hostDate + v.hostTime).toLowerCase());
    assert.equal(mac8(hex(v.sessionKey), input).toString('hex'), v.expected.toLowerCase());
  });

  it('retail-mac (full 8 bytes, and mac16 is its left half)', () => {
    const v = vector('retail-mac');
    const data = Buffer.from(v.dataAscii, 'ascii');
    assert.equal(mac16Full(hex(v.key), data).toString('hex'), v.expected.toLowerCase());
    assert.equal(mac16(hex(v.key), data).toString('hex'), v.expected.slice(0, 8).toLowerCase());
  });
});

describe('pboc: block ciphers', () => {
  it('des matches node-forge DES-ECB on 250 random keys/blocks', () => {
    const rnd = prng(0x5eed01).bytes;
    for (let i = 0; i < 250; i++) {
      const key = rnd(8);
      const block = rnd(8);
      assert.deepEqual(des(key, block), forgeEcb('DES-ECB', key, block), `case ${i}`);
    }
  });

  it('tdes matches node-forge 3DES-ECB (K1‖K2‖K1) on 250 random keys/blocks', () => {
    const rnd = prng(0x5eed02).bytes;
    for (let i = 0; i < 250; i++) {
      const key = rnd(16);
      const block = rnd(8);
      const forgeKey = Buffer.concat([key, key.subarray(0, 8)]);
      assert.deepEqual(tdes(key, block), forgeEcb('3DES-ECB', forgeKey, block), `case ${i}`);
    }
  });

  it('decrypt inverts encrypt, ECB over several blocks', () => {
    const rnd = prng(0x5eed03).bytes;
    for (let i = 0; i < 50; i++) {
      const k8 = rnd(8);
      const k16 = rnd(16);
      const data = rnd(8 * (1 + (i % 4)));
      assert.deepEqual(desDecrypt(k8, des(k8, data)), data);
      assert.deepEqual(tdesDecrypt(k16, tdes(k16, data)), data);
      // ECB: each block independently
      assert.deepEqual(des(k8, data).subarray(0, 8), des(k8, data.subarray(0, 8)));
    }
  });

  it('tdes with KL = KR is single DES', () => {
    const rnd = prng(0x5eed04).bytes;
    const k = rnd(8);
    const block = rnd(8);
    assert.deepEqual(tdes(Buffer.concat([k, k]), block), des(k, block));
  });

  it('known DES answer ("Now is t" under 0123456789ABCDEF)', () => {
    // FIPS 81 example, independent of the project vectors
    assert.equal(des(hex('0123456789abcdef'), hex('4e6f772069732074')).toString('hex'), '3fa40e8a984d4815');
  });

  it('refuses bad lengths without echoing key bytes', () => {
    const key = hex('a1b2c3d4e5f60718293a4b5c6d7e8f');
    for (const f of [() => tdes(key, Buffer.alloc(8)), () => kcv(key), () => diversify(key, Buffer.alloc(8))]) {
      assert.throws(f, (e: Error) => {
        assert.match(e.message, /16 bytes \(got 15\)/);
        assert.ok(!e.message.toLowerCase().includes('a1b2c3'), 'message must not carry key bytes');
        return true;
      });
    }
    assert.throws(() => des(Buffer.alloc(16), Buffer.alloc(8)), /DES key must be 8 bytes/);
    assert.throws(() => des(Buffer.alloc(8), Buffer.alloc(7)), /multiple of 8/);
    assert.throws(() => tdesDecrypt(Buffer.alloc(16), Buffer.alloc(9)), /multiple of 8/);
    assert.throws(() => des('0011223344556677' as unknown as Buffer, Buffer.alloc(8)), /must be a Buffer/);
  });
});

describe('pboc: padding and MACs', () => {
  it('pad80 always pads: empty, 7 and 8 bytes', () => {
    assert.equal(pad80(Buffer.alloc(0)).toString('hex'), '8000000000000000');
    assert.equal(pad80(hex('01020304050607')).toString('hex'), '0102030405060780');
    assert.equal(pad80(hex('0102030405060708')).toString('hex'), '01020304050607088000000000000000');
    assert.equal(pad80(Buffer.alloc(9)).length, 16);
  });

  it('pad80 does not modify its input', () => {
    const d = hex('aabb');
    pad80(d);
    assert.equal(d.toString('hex'), 'aabb');
  });

  it('mac8 equals textbook CBC-MAC over pad80, any length', () => {
    const rnd = prng(0x5eed05).bytes;
    for (let len = 0; len <= 33; len++) {
      const k = rnd(8);
      const d = rnd(len);
      const icv = len % 2 ? rnd(8) : Buffer.alloc(8);
      const expected = manualCbc(k, pad80(d), icv);
      assert.deepEqual(mac8Full(k, d, icv), expected, `len ${len}`);
      assert.deepEqual(mac8(k, d, icv), expected.subarray(0, 4));
    }
  });

  it('an ICV is the same as XOR into the first block', () => {
    const rnd = prng(0x5eed06).bytes;
    const k = rnd(8);
    const d = rnd(20);
    const icv = rnd(8);
    const folded = Buffer.from(d);
    for (let i = 0; i < 8; i++) folded[i] ^= icv[i];
    assert.deepEqual(mac8Full(k, d, icv), mac8Full(k, folded));
  });

  it('mac16 equals CBC under KL then D_KR, E_KL on the last block', () => {
    const rnd = prng(0x5eed07).bytes;
    for (let len = 0; len <= 25; len++) {
      const k = rnd(16);
      const d = rnd(len);
      const icv = rnd(8);
      const last = manualCbc(k.subarray(0, 8), pad80(d), icv);
      const expected = des(k.subarray(0, 8), desDecrypt(k.subarray(8), last));
      assert.deepEqual(mac16Full(k, d, icv), expected, `len ${len}`);
    }
  });

  it('mac16 with KR = KL collapses to mac8 with KL', () => {
    const rnd = prng(0x5eed08).bytes;
    const kl = rnd(8);
    const d = rnd(43);
    const icv = rnd(8);
    assert.deepEqual(mac16Full(Buffer.concat([kl, kl]), d, icv), mac8Full(kl, d, icv));
  });

  it('MACs refuse wrong key and ICV lengths', () => {
    assert.throws(() => mac8(Buffer.alloc(16), Buffer.alloc(3)), /MAC key must be 8 bytes/);
    assert.throws(() => mac16(Buffer.alloc(8), Buffer.alloc(3)), /MAC key must be 16 bytes/);
    assert.throws(() => mac16(Buffer.alloc(16), Buffer.alloc(3), Buffer.alloc(4)), /ICV must be 8 bytes/);
  });
});

describe('pboc: keys', () => {
  const rnd = prng(0x5eed09).bytes;

  it('diversify: left is TDES(f), right is TDES(~f)', () => {
    for (let i = 0; i < 20; i++) {
      const mk = rnd(16);
      const f = rnd(8);
      const notF = Buffer.from(f.map((b) => 255 - b));
      const k = diversify(mk, f);
      assert.equal(k.length, 16);
      assert.deepEqual(k.subarray(0, 8), tdes(mk, f));
      assert.deepEqual(k.subarray(8), tdes(mk, notF));
      assert.deepEqual(tdesDecrypt(mk, k.subarray(8)), notF);
    }
    const mk = rnd(16);
    assert.notDeepEqual(diversify(mk, hex('0000000000000001')), diversify(mk, hex('0000000000000002')));
    assert.throws(() => diversify(mk, Buffer.alloc(4)), /factor must be 8 bytes/);
  });

  it('tacKey is DTK_L xor DTK_R', () => {
    assert.equal(tacKey(hex('0102030405060708f0e0d0c0b0a09080')).toString('hex'), 'f1e2d3c4b5a69788');
    const half = rnd(8);
    assert.deepEqual(tacKey(Buffer.concat([half, half])), Buffer.alloc(8));
  });

  it('kcv is the first 3 bytes of TDES(key, 0)', () => {
    const k = rnd(16);
    assert.equal(kcv(k).length, 3);
    assert.deepEqual(kcv(k), tdes(k, Buffer.alloc(8)).subarray(0, 3));
  });

  it('purchaseSessionKey uses only the rightmost 2 bytes of terminalSeq', () => {
    const dpk = rnd(16);
    const random = rnd(4);
    const off = hex('0007');
    const a = purchaseSessionKey(dpk, random, off, hex('00000102'));
    assert.deepEqual(a, tdes(dpk, Buffer.concat([random, off, hex('0102')])));
    assert.deepEqual(purchaseSessionKey(dpk, random, off, hex('ffff0102')), a);
    assert.notDeepEqual(purchaseSessionKey(dpk, random, off, hex('00000103')), a);
    assert.notDeepEqual(purchaseSessionKey(dpk, random, hex('0008'), hex('00000102')), a);
  });

  it('issuer factor and the two purchase key derivations', () => {
    const anhui = hex('b0b2bbd5b0b2bbd5');
    assert.deepEqual(issuerFactor(anhui.subarray(0, 4)), anhui);
    assert.deepEqual(issuerFactor(hex('b0b2bbd5ffffffff')), anhui);
    assert.throws(() => issuerFactor(Buffer.alloc(6)), /4- or 8-byte/);
    const mpk = rnd(16);
    const serial = hex('3401230000001234');
    const provinceMaster = diversify(mpk, anhui);
    assert.deepEqual(purchaseCardKey(mpk, anhui.subarray(0, 4), serial), cardKey(provinceMaster, serial));
    assert.notDeepEqual(cardKey(mpk, serial), purchaseCardKey(mpk, anhui, serial));
  });
});

describe('pboc: MAC input builders', () => {
  const base = { amount: 1000, transType: 0x02, terminalId: '0123456789ab', hostDate: '20240229', hostTime: '235959' };

  it('produce the documented lengths and layout', () => {
    const mac1In = loadMac1Input({ ...base, balance: 5n });
    assert.equal(mac1In.toString('hex'), '00000005' + '000003e8' + '02' + '0123456789ab');
    assert.equal(loadMac2Input(base).toString('hex'), '000003e8020123456789ab20240229235959');
    const tac = loadTacInput({ ...base, newBalance: 0xffffffff, onlineSeq: 0x1234 });
    assert.equal(tac.length, 24);
    assert.equal(tac.toString('hex'), 'ffffffff1234000003e8020123456789ab20240229235959');
    const p = { amount: 0n, transType: 0x09, terminalId: hex('010203040506'), date: '20231231', time: '000000' };
    assert.equal(purchaseMac1Input(p).toString('hex'), '0000000009010203040506' + '20231231000000');
    assert.equal(purchaseMac2Input({ amount: 256 }).toString('hex'), '00000100');
    const ptac = purchaseTacInput({ ...p, terminalSeq: 0x01020304 });
    assert.equal(ptac.length, 22);
    assert.equal(ptac.toString('hex'), '000000000901020304050601020304' + '20231231000000');
  });

  it('refuse amounts that are not unsigned 32-bit integers', () => {
    for (const amount of [1.5, -1, -1n, 2 ** 32, 2n ** 32n, Number.NaN, Infinity, '100' as unknown as number]) {
      assert.throws(() => loadMac2Input({ ...base, amount }), /amount/, String(amount));
    }
    assert.equal(
      loadMac2Input({ ...base, amount: 2 ** 32 - 1 })
        .subarray(0, 4)
        .toString('hex'),
      'ffffffff',
    );
  });

  it('refuse bad sequences, transaction types, terminal ids, dates and times', () => {
    assert.throws(
      () => loadTacInput({ ...base, newBalance: 0, onlineSeq: 65536 }),
      /onlineSeq does not fit in 2 bytes/,
    );
    assert.throws(() => loadMac2Input({ ...base, transType: 256 }), /transType/);
    assert.throws(() => loadMac2Input({ ...base, transType: 2n as unknown as number }), /transType/);
    for (const terminalId of ['0123456789a', '0123456789abc', '0123456789ag', Buffer.alloc(5)]) {
      assert.throws(() => loadMac2Input({ ...base, terminalId }), /terminalId/);
    }
    for (const hostDate of ['2024022', '2024-02-2', '20241301', '20240100', '２０２４０２２９']) {
      assert.throws(() => loadMac2Input({ ...base, hostDate }), /hostDate/, hostDate);
    }
    for (const hostTime of ['240000', '236000', '235960', '12345', '12:30']) {
      assert.throws(() => loadMac2Input({ ...base, hostTime }), /hostTime/, hostTime);
    }
    const purchase = { amount: 1, transType: 6, terminalId: base.terminalId, date: '20240101', time: '000000' };
    assert.throws(() => purchaseTacInput({ ...purchase, terminalSeq: -1 }), /terminalSeq/);
  });

  it('encodeUint is big-endian', () => {
    assert.equal(encodeUint(0x010203, 4, 'x').toString('hex'), '00010203');
    assert.equal(encodeUint(2n ** 48n - 1n, 6, 'x').toString('hex'), 'ffffffffffff');
  });
});

describe('pboc: round trips', () => {
  const rnd = prng(0x5eed0a).bytes;

  it('online load: MAC1 check, MAC2, TAC, and every field matters', () => {
    const dlk = cardKey(rnd(16), hex('3401000012345678'));
    const dtk = cardKey(rnd(16), hex('3401000012345678'));
    const random = rnd(4);
    const onlineSeq = 7;
    const ses = loadSessionKey(dlk, random, encodeUint(onlineSeq, 2, 'onlineSeq'));
    const req = { balance: 1500, amount: 10000, transType: 0x02, terminalId: '112233445566' };
    const cardMac1 = mac8(ses, loadMac1Input(req)); // what the card would return
    assert.deepEqual(mac8(ses, loadMac1Input({ ...req })), cardMac1);
    assert.notDeepEqual(mac8(ses, loadMac1Input({ ...req, amount: 10001 })), cardMac1);
    assert.notDeepEqual(mac8(loadSessionKey(dlk, random, hex('0008')), loadMac1Input(req)), cardMac1);

    // MAC2 covers the same amount/type/terminal as MAC1 but not the balance
    const { amount, transType, terminalId } = req;
    const auth = { amount, transType, terminalId, hostDate: '20240315', hostTime: '101112' };
    const mac2 = mac8(ses, loadMac2Input(auth));
    const tacIn = { ...auth, newBalance: req.balance + req.amount, onlineSeq };
    const tac = mac8(tacKey(dtk), loadTacInput(tacIn));
    assert.equal(mac2.length, 4);
    assert.equal(tac.length, 4);

    const mac2Variants = [
      { amount: 10001 },
      { transType: 0x01 },
      { terminalId: '112233445567' },
      { hostDate: '20240316' },
      { hostTime: '101113' },
    ];
    for (const change of mac2Variants) {
      assert.notDeepEqual(mac8(ses, loadMac2Input({ ...auth, ...change })), mac2, JSON.stringify(change));
    }
    for (const change of [...mac2Variants, { newBalance: 11501 }, { onlineSeq: 8 }]) {
      assert.notDeepEqual(mac8(tacKey(dtk), loadTacInput({ ...tacIn, ...change })), tac, JSON.stringify(change));
    }
    // MAC2 and TAC must not be interchangeable: different keys and inputs
    assert.notDeepEqual(mac2, tac);
  });

  it('compound purchase: TAC depends on terminalSeq, MAC1 does not', () => {
    const dtk = cardKey(rnd(16), hex('3401000000000001'));
    const ses = purchaseSessionKey(cardKey(rnd(16), hex('3401000000000001')), rnd(4), hex('0010'), hex('00000042'));
    const tx = {
      amount: 3550,
      transType: 0x09,
      terminalId: 'a1a2a3a4a5a6',
      terminalSeq: 0x42,
      date: '20240401',
      time: '080910',
    };
    const mac1 = mac8(ses, purchaseMac1Input(tx));
    const nextSeq = { ...tx, terminalSeq: 0x43 };
    assert.deepEqual(mac8(ses, purchaseMac1Input(nextSeq)), mac1);
    const tac = mac8(tacKey(dtk), purchaseTacInput(tx));
    assert.notDeepEqual(mac8(tacKey(dtk), purchaseTacInput(nextSeq)), tac);
    assert.notDeepEqual(mac8(tacKey(dtk), purchaseTacInput({ ...tx, amount: 3551 })), tac);
  });
});
