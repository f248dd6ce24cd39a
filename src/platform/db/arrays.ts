// PostgreSQL array literals for set-based statements that send a thousand rows as one array per
// column (`unnest(?::bigint[], …)`): one string per column instead of an array the query builder
// walks and the driver escapes element by element. Through node-pg the same arrays now go in the
// binary format (binary-arrays.ts); these literals are what the embedded database is sent.
// `plain` is for values whose text needs no quoting (numbers, booleans, ISO dates and times, hex,
// digits); `quoted` for any text (quotes and backslashes escaped). null is SQL NULL in both.
type Scalar = string | number | bigint | boolean | null | undefined;

export function plainArray(values: ReadonlyArray<Scalar>): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    out += v === null || v === undefined ? 'NULL' : String(v);
  }
  return out + '}';
}

const NEEDS_ESCAPE = /["\\]/;
export function quotedArray(values: ReadonlyArray<Scalar>): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    if (v === null || v === undefined) out += 'NULL';
    else {
      const s = String(v);
      out += NEEDS_ESCAPE.test(s) ? `"${s.replace(/["\\]/g, '\\$&')}"` : `"${s}"`;
    }
  }
  return out + '}';
}
