// Responses carry money as JSON integers. bigint is converted here, once; an amount outside the
// exactly representable range is a bug, not something to round.
export function toJsonText(body: unknown): string {
  return JSON.stringify(body, (_k, v) => {
    if (typeof v !== 'bigint') return v;
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER))
      throw new Error('integer out of JSON range');
    return Number(v);
  });
}
