// Pieces for a route's compiled body check (RouteDef.fastBody): plain type tests, no zod. A fast
// check accepts only what its zod schema accepts, with the same output, and leaves everything else
// to the schema, which words the refusal.

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
