// Batch purchase-TAC verification (src/modules/keys/purchase-tacs.ts) gives the verdicts of the
// straightforward check — mac8 over purchaseTacInput, one card at a time, under Div(master, serial)
// folded to the TAC key — for good TACs, wrong TACs, malformed hex and fields that do not fit. (mac8
// runs on des.ts too; des.test.ts holds des.ts to OpenSSL.)
import assert from 'node:assert/strict';
import { timingSafeEqual } from 'node:crypto';
import { verifyPurchaseTacs, type PurchaseTacCheck } from '../../src/modules/keys/purchase-tacs.ts';
import {
  diversify,
  encodeUint,
  mac8,
  purchaseMac1Input,
  purchaseTacInput,
  tacKey,
  writePurchaseTacInput,
} from '../../src/platform/crypto/pboc.ts';
import { prng } from '../helpers/crypto-vectors.ts';

const rnd = prng(0x7ac001);
const masters = new Map<number, Buffer>([
  [3, rnd.bytes(16)],
  [2, rnd.bytes(16)],
]);
const versions = [3, 2];
const master = (v: number) => masters.get(v);

// The check one card at a time, as before the batch path: the reference for every verdict below.
function referenceVerdict(c: PurchaseTacCheck): boolean {
  const tryVersions = c.keyVersion !== undefined ? [c.keyVersion] : versions;
  return tryVersions.some((v) => {
    const mk = masters.get(v);
    if (!mk || !/^[0-9A-Fa-f]{8}$/.test(c.tac)) return false;
    let input: Buffer;
    try {
      input = purchaseTacInput(c);
    } catch {
      return false;
    }
    return timingSafeEqual(mac8(tacKey(diversify(mk, c.serial8)), input), Buffer.from(c.tac, 'hex'));
  });
}

function goodCheck(i: number, version = 3, keyVersion: number | undefined = version): PurchaseTacCheck {
  const base = {
    serial8: rnd.bytes(8),
    keyVersion,
    amount: BigInt(100 + rnd.below(100_000)),
    transType: 9,
    terminalId: rnd.bytes(6).toString('hex').toUpperCase(),
    terminalSeq: rnd.below(2 ** 31),
    date: `2026${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}`,
    time: `${String(i % 24).padStart(2, '0')}${String(i % 60).padStart(2, '0')}${String((i * 7) % 60).padStart(2, '0')}`,
  };
  const key = tacKey(diversify(masters.get(version)!, base.serial8));
  return { ...base, tac: mac8(key, purchaseTacInput(base)).toString('hex') };
}

// Every check refused, by the batch path and by the straightforward reference alike.
function assertAllRefused(checks: PurchaseTacCheck[]): void {
  const none = checks.map(() => false);
  assert.deepEqual(verifyPurchaseTacs(master, versions, checks), none);
  assert.deepEqual(checks.map(referenceVerdict), none);
}

describe('purchase TACs: batch verification', () => {
  it('good TACs pass, upper or lower case, with a known version or by trying every version', () => {
    const checks = [goodCheck(0), goodCheck(1, 2), goodCheck(2, 2, undefined), goodCheck(3, 3, undefined)];
    checks.push({ ...checks[0], tac: checks[0].tac.toUpperCase() });
    assert.deepEqual(verifyPurchaseTacs(master, versions, checks), [true, true, true, true, true]);
    assert.deepEqual(checks.map(referenceVerdict), [true, true, true, true, true]);
  });

  it('wrong TACs, wrong keys and altered fields fail', () => {
    const c = goodCheck(4);
    const flipped = (Number.parseInt(c.tac.slice(0, 2), 16) ^ 0x01).toString(16).padStart(2, '0') + c.tac.slice(2);
    const cases: PurchaseTacCheck[] = [
      { ...c, tac: flipped },
      { ...c, tac: '00000000' },
      { ...c, keyVersion: 2 }, // the other master
      { ...c, keyVersion: 9 }, // no such master
      { ...c, serial8: Buffer.from(c.serial8.map((b, i) => (i === 7 ? b ^ 1 : b))) },
      { ...c, amount: c.amount + 1n },
      { ...c, transType: 6 },
      { ...c, terminalSeq: c.terminalSeq + 1 },
      { ...c, date: c.date === '20260101' ? '20260102' : '20260101' },
      { ...c, time: c.time === '000000' ? '000001' : '000000' },
    ];
    assertAllRefused(cases);
    assert.deepEqual(verifyPurchaseTacs(master, versions, [c]), [true], 'the unaltered check still passes');
  });

  it('malformed TAC hex and fields that do not fit their bytes are false, not errors', () => {
    const c = goodCheck(5);
    const bad: Partial<PurchaseTacCheck>[] = [
      { tac: c.tac.slice(0, 7) },
      { tac: c.tac + '0' },
      { tac: `${c.tac.slice(0, 7)}g` },
      { tac: ` ${c.tac.slice(1)}` },
      { tac: '' },
      { amount: 2n ** 32n },
      { amount: -1n },
      { amount: 1.5 as unknown as bigint },
      { transType: 256 },
      { transType: -1 },
      { transType: 9n as unknown as number },
      { terminalId: c.terminalId.slice(1) },
      { terminalId: `${c.terminalId.slice(1)}G` },
      { terminalSeq: 2 ** 32 },
      { terminalSeq: -1 },
      { terminalSeq: Number.NaN },
      { date: '20261301' },
      { date: '20260100' },
      { date: '2026-1-01' },
      { time: '240000' },
      { time: '126000' },
      { time: '12000' },
    ];
    const checks = bad.map((change) => ({ ...c, ...change }));
    assertAllRefused(checks);
  });

  it('the largest values that fit are verified like any other', () => {
    const rough = goodCheck(6);
    const edge = { ...rough, amount: 2n ** 32n - 1n, transType: 255, terminalSeq: 2 ** 32 - 1, date: '20261231' };
    const key = tacKey(diversify(masters.get(3)!, edge.serial8));
    const tac = mac8(key, purchaseTacInput(edge)).toString('hex');
    assert.deepEqual(verifyPurchaseTacs(master, versions, [{ ...edge, tac }]), [true]);
  });

  it('same verdicts as the reference on a mixed batch of 600 (good, tampered, malformed)', () => {
    const checks: PurchaseTacCheck[] = [];
    for (let i = 0; i < 600; i++) {
      const c = goodCheck(i, 2 + (i % 2), i % 3 === 0 ? undefined : 2 + (i % 2));
      switch (rnd.below(6)) {
        case 0:
          checks.push({ ...c, tac: rnd.bytes(4).toString('hex') });
          break;
        case 1:
          checks.push({ ...c, amount: c.amount + BigInt(1 + rnd.below(5)) });
          break;
        case 2:
          checks.push({ ...c, terminalSeq: [2 ** 32, -1, c.terminalSeq ^ 4][rnd.below(3)] });
          break;
        case 3:
          checks.push({ ...c, tac: c.tac.slice(0, rnd.below(8)) });
          break;
        default:
          checks.push(c);
      }
    }
    const got = verifyPurchaseTacs(master, versions, checks);
    assert.deepEqual(got, checks.map(referenceVerdict));
    assert.ok(got.filter(Boolean).length > 200 && got.filter((v) => !v).length > 200, 'both verdicts occur');
  });
});

describe('purchase TACs: the TAC input written in place', () => {
  it('is the MAC1 input with terminalSeq(4) after the terminal id, in a reused Buffer', () => {
    const out = Buffer.alloc(22);
    for (let i = 0; i < 50; i++) {
      const c = goodCheck(i);
      writePurchaseTacInput(c, out);
      const mac1 = purchaseMac1Input(c);
      const want = Buffer.concat([mac1.subarray(0, 11), encodeUint(c.terminalSeq, 4, 'x'), mac1.subarray(11)]);
      assert.deepEqual(out, want);
      assert.deepEqual(purchaseTacInput(c), want);
    }
  });

  it('refuses what does not fit with the messages of encodeUint and the other builders', () => {
    const c = goodCheck(8);
    const out = Buffer.alloc(22);
    const refusals: [Partial<PurchaseTacCheck>, RegExp][] = [
      [{ amount: 2n ** 32n }, /^amount does not fit in 4 bytes$/],
      [{ amount: (2 ** 32) as unknown as bigint }, /^amount does not fit in 4 bytes$/],
      [{ amount: -1n }, /^amount must not be negative$/],
      [{ amount: 1.5 as unknown as bigint }, /^amount must be an integer$/],
      [{ transType: 256 }, /^transType does not fit in 1 bytes$/],
      [{ transType: '9' as unknown as number }, /^transType must be a number$/],
      [{ terminalId: '12345' }, /^terminalId must be 12 hex digits$/],
      [{ terminalSeq: 2 ** 32 }, /^terminalSeq does not fit in 4 bytes$/],
      [{ terminalSeq: -1 }, /^terminalSeq must not be negative$/],
      [{ terminalSeq: 2 ** 53 }, /^terminalSeq must be an integer$/],
      [{ date: '20260230x' }, /^date must be YYYYMMDD$/],
      [{ date: '20260132' }, /^date is not a valid date$/],
      [{ time: '2400' }, /^time must be hhmmss$/],
      [{ time: '235960' }, /^time is not a valid time$/],
    ];
    for (const [change, message] of refusals) {
      const what = `${Object.keys(change)[0]}: ${String(Object.values(change)[0])}`;
      const exactly = (e: Error) => message.test(e.message); // a RegExp alone would also see "Error: "
      assert.throws(() => writePurchaseTacInput({ ...c, ...change }, out), exactly, what);
      assert.throws(() => purchaseTacInput({ ...c, ...change }), exactly, what);
    }
  });

  it('accepts a 6-byte terminal id Buffer and refuses a short output Buffer', () => {
    const c = goodCheck(7);
    const asBuffer = { ...c, terminalId: Buffer.from(c.terminalId, 'hex') };
    assert.deepEqual(purchaseTacInput(asBuffer), purchaseTacInput(c));
    assert.throws(() => writePurchaseTacInput(c, Buffer.alloc(21)), /22 bytes/);
  });
});
