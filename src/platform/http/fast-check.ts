// Pieces for a route's compiled body check (RouteDef.fastBody): plain type tests, no zod. A fast
// check accepts only what its zod schema accepts, with the same output, and leaves everything else
// to the schema, which words the refusal. The patterns are the ones schemas.ts builds its zod
// strings from, so a schema and its compiled check test a string with the same expression.

export const CARD_NO = /^\d{20}$/;
export const OBU_NO = /^\d{16}$/;
export const NETWORK_ID = /^\d{4}$/;
const hexPatterns = new Map<number, RegExp>();
/** `bytes` bytes of hex, either case. */
export function hexBytes(bytes: number): RegExp {
  let p = hexPatterns.get(bytes);
  if (!p) hexPatterns.set(bytes, (p = new RegExp(`^[0-9A-Fa-f]{${bytes * 2}}$`)));
  return p;
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** An integer 0…max that a JSON number carries exactly. */
export const isUint = (v: unknown, max: number): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max;

/** No member outside `allowed` (the strict objects' rule). */
export function onlyKeys(o: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const k in o) if (!allowed.has(k)) return false;
  return true;
}
