// The exact proportional split (DESIGN §5): largest remainder to the fen, ties by key.
import assert from 'node:assert/strict';
import { largestRemainder } from '../../src/modules/clearing/split.ts';
import { Rng } from '../../lanes-sim/traffic/rng.ts';

const split = (amount: number, shares: Array<[string, number]>) =>
  Object.fromEntries(
    largestRemainder(
      BigInt(amount),
      shares.map(([key, w]) => ({ key, weight: BigInt(w) })),
    ).entries(),
  );

describe('largest-remainder split', () => {
  it('gives each part its floor share and the leftover fen to the largest remainders', () => {
    // 4275 × 1000 / 4600 = 929.34…, × 2600 / 4600 = 2416.30…, × 1000 / 4600 = 929.34…: one fen left, ties by key
    assert.deepEqual(
      split(4275, [
        ['OP-C', 1000],
        ['OP-A', 2600],
        ['OP-B', 1000],
      ]),
      { 'OP-C': 929n, 'OP-A': 2416n, 'OP-B': 930n },
    );
    assert.deepEqual(
      split(100, [
        ['OP-B', 1],
        ['OP-A', 1],
        ['OP-C', 1],
      ]),
      { 'OP-B': 33n, 'OP-A': 34n, 'OP-C': 33n },
    );
    assert.deepEqual(
      split(1, [
        ['OP-B', 5],
        ['OP-A', 5],
      ]),
      { 'OP-B': 0n, 'OP-A': 1n },
    );
    assert.deepEqual(
      split(0, [
        ['OP-A', 3],
        ['OP-B', 7],
      ]),
      { 'OP-A': 0n, 'OP-B': 0n },
    );
    assert.deepEqual(split(999, [['OP-A', 123]]), { 'OP-A': 999n });
    // the largest remainder wins over the key: 10 × 2/3 = 6.67 (rem 2) beats 10 × 1/3 = 3.33 (rem 1)
    assert.deepEqual(
      split(10, [
        ['OP-A', 1],
        ['OP-B', 2],
      ]),
      { 'OP-A': 3n, 'OP-B': 7n },
    );
  });

  it('always adds up exactly, stays within a fen of the exact share, and does not depend on the order of the parts', () => {
    const rng = new Rng(42);
    for (let i = 0; i < 2000; i++) {
      const amount = BigInt(rng.int(0, 5_000_000));
      const n = rng.int(1, 6);
      const shares = Array.from({ length: n }, (_, k) => ({
        key: `OP-${String.fromCharCode(65 + k)}${rng.int(0, 9)}`,
        weight: BigInt(rng.int(1, 100_000)),
      })).filter((s, k, all) => all.findIndex((x) => x.key === s.key) === k);
      const parts = largestRemainder(amount, shares);
      const total = shares.reduce((a, s) => a + s.weight, 0n);
      assert.equal(
        [...parts.values()].reduce((a, b) => a + b, 0n),
        amount,
      );
      for (const s of shares) {
        const exactTimesTotal = amount * s.weight;
        const p = parts.get(s.key)!;
        assert.ok(
          p * total <= exactTimesTotal + total && p * total >= exactTimesTotal - total,
          `${s.key} within a fen`,
        );
      }
      assert.deepEqual(largestRemainder(amount, rng.shuffle([...shares])), parts, 'same input, same split');
    }
  });

  it('refuses what cannot be split', () => {
    assert.throws(() => largestRemainder(10n, []), RangeError);
    assert.throws(() => largestRemainder(-1n, [{ key: 'OP-A', weight: 1n }]), RangeError);
    assert.throws(() => largestRemainder(10n, [{ key: 'OP-A', weight: 0n }]), RangeError);
    assert.throws(
      () =>
        largestRemainder(10n, [
          { key: 'OP-A', weight: 1n },
          { key: 'OP-A', weight: 2n },
        ]),
      RangeError,
    );
  });
});
