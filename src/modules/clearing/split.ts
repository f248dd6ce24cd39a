// The exact proportional split (DESIGN §5): an amount in fen shared by weights, largest remainder
// to the fen. Each part gets floor(amount × weight / Σweights); the fen left over go one each to the
// parts with the largest remainders, ties to the smaller key. The parts add up to the amount and the
// same input always gives the same split. This is the reference the set-based SQL of the clearing
// day (intra-split.ts) implements; tests hold the two to each other.
export type Share = { key: string; weight: bigint };

export function largestRemainder(amount: bigint, shares: readonly Share[]): Map<string, bigint> {
  if (amount < 0n) throw new RangeError('amount must not be negative');
  if (shares.length === 0) throw new RangeError('nothing to split between');
  const keys = new Set(shares.map((s) => s.key));
  if (keys.size !== shares.length) throw new RangeError('keys must be distinct');
  const total = shares.reduce((a, s) => {
    if (s.weight <= 0n) throw new RangeError(`weight of ${s.key} must be positive`);
    return a + s.weight;
  }, 0n);
  const parts = shares.map((s) => ({
    key: s.key,
    base: (amount * s.weight) / total,
    rem: (amount * s.weight) % total,
  }));
  let left = amount - parts.reduce((a, p) => a + p.base, 0n);
  const order = [...parts].sort((a, b) =>
    a.rem === b.rem ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : a.rem > b.rem ? -1 : 1,
  );
  const out = new Map(parts.map((p) => [p.key, p.base]));
  for (const p of order) {
    if (left === 0n) break;
    out.set(p.key, out.get(p.key)! + 1n);
    left--;
  }
  return out;
}
