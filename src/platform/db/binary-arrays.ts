// One-dimensional arrays for set-based statements (`unnest($1::int8[], …)`) in PostgreSQL's binary
// format (array_send/array_recv), sent as a binary parameter. The text literal of `arrays.ts` costs
// twice per element: building and UTF-8-encoding the string here, parsing it there (timestamptz_in
// and date_in most of all). Binary elements are written straight into one buffer and taken as they
// are. node-pg sends a Buffer parameter in binary format and the statement's cast gives its type;
// the embedded database's driver would take a Buffer for bytea, so there the text literal is sent.
//
// Layout: ndim (1, or 0 when empty), has-null flag, element type OID, then the dimension's length
// and lower bound (1); then per element its byte length (-1 for NULL) and its bytes, big-endian.
import type { Knex } from 'knex';
import { plainArray, quotedArray } from './arrays.ts';
import { DAY_MS } from '../clock/clock.ts';

export type ArrayType = 'int2' | 'int4' | 'int8' | 'bool' | 'date' | 'timestamptz' | 'text' | 'bpchar';
export type ArrayValue = string | number | bigint | boolean | Date | null | undefined;

const OID: Record<ArrayType, number> = {
  bool: 16,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  bpchar: 1042,
  date: 1082,
  timestamptz: 1184,
};
const WIDTH: Partial<Record<ArrayType, number>> = { bool: 1, int2: 2, int4: 4, int8: 8, date: 4, timestamptz: 8 };

const PG_EPOCH_MS = Date.UTC(2000, 0, 1); // PostgreSQL counts days and microseconds from 2000-01-01 UTC
const TWO_32 = 4_294_967_296;

function typeError(type: ArrayType, v: unknown): TypeError {
  return new TypeError(`${type}[] element: ${typeof v} ${String(v)}`);
}

// A big-endian 32-bit word stored byte by byte: the array's own words (flags, lengths) are always in
// range, and this costs less than Buffer's checked writers at tens of thousands a batch.
function put32(buf: Buffer, at: number, v: number): void {
  buf[at] = v >>> 24;
  buf[at + 1] = v >>> 16;
  buf[at + 2] = v >>> 8;
  buf[at + 3] = v;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;

// an exact integer as two 32-bit halves; a bigint beyond the safe integers goes whole (BigInt
// arithmetic allocates, and ids and amounts are nearly always within them)
function writeInt64(buf: Buffer, at: number, v: number | bigint): void {
  if (typeof v === 'bigint') {
    if (v > MAX_SAFE || v < MIN_SAFE) {
      buf.writeBigInt64BE(v, at);
      return;
    }
    v = Number(v);
  } else if (!Number.isSafeInteger(v)) throw new TypeError(`int8 element: ${v}`);
  const hi = Math.floor(v / TWO_32); // within ±2^21 for a safe integer
  put32(buf, at, hi);
  put32(buf, at + 4, v - hi * TWO_32); // 0 ≤ low word < 2^32
}

// 'YYYY-MM-DD' → days from 2000-01-01; the last one is kept, as a column of dates repeats a few days
let lastDate = '';
let lastDay = 0;
function dayNumber(s: string): number {
  if (s === lastDate) return lastDay;
  if (s.length !== 10 || s[4] !== '-' || s[7] !== '-') throw typeError('date', s);
  const ms = Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10)));
  // Date.UTC would roll 2026-02-30 over into March where PostgreSQL refuses it
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== s) throw typeError('date', s);
  lastDate = s;
  lastDay = (ms - PG_EPOCH_MS) / DAY_MS;
  return lastDay;
}

function instantMs(v: ArrayValue): number {
  const ms = v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) throw typeError('timestamptz', v);
  return ms;
}

function writeElement(buf: Buffer, at: number, type: ArrayType, v: ArrayValue): void {
  switch (type) {
    case 'bool':
      if (typeof v !== 'boolean') throw typeError(type, v);
      buf[at] = v ? 1 : 0;
      return;
    // Buffer's writers refuse a value out of range but store 1.5 as 1 and NaN as 0, where the text
    // literal would have been refused by PostgreSQL: not an integer is refused here
    case 'int2':
      if (!Number.isInteger(v)) throw typeError(type, v);
      buf.writeInt16BE(v as number, at);
      return;
    case 'int4':
      if (!Number.isInteger(v)) throw typeError(type, v);
      buf.writeInt32BE(v as number, at);
      return;
    case 'int8':
      if (typeof v !== 'number' && typeof v !== 'bigint') throw typeError(type, v);
      writeInt64(buf, at, v);
      return;
    case 'date':
      if (typeof v !== 'string') throw typeError(type, v);
      buf.writeInt32BE(dayNumber(v), at);
      return;
    case 'timestamptz':
      writeInt64(buf, at, (instantMs(v) - PG_EPOCH_MS) * 1000);
      return;
    default:
      throw typeError(type, v);
  }
}

/** The array in PostgreSQL's binary format; NULL for null and undefined. */
export function binaryArray(type: ArrayType, values: ReadonlyArray<ArrayValue>): Buffer {
  const n = values.length;
  const width = WIDTH[type];
  // text elements' UTF-8 byte lengths, -1 for NULL
  const lengths = width === undefined ? new Int32Array(n) : null;
  let size = n === 0 ? 12 : 20 + 4 * n;
  let hasNull = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      hasNull = 1;
      if (lengths) lengths[i] = -1;
    } else if (lengths) {
      if (typeof v !== 'string') throw typeError(type, v);
      const len = Buffer.byteLength(v);
      lengths[i] = len;
      size += len;
    } else size += width!;
  }
  const buf = Buffer.allocUnsafe(size);
  put32(buf, 0, n === 0 ? 0 : 1);
  put32(buf, 4, hasNull);
  put32(buf, 8, OID[type]);
  if (n === 0) return buf;
  put32(buf, 12, n);
  put32(buf, 16, 1);
  let at = 20;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      put32(buf, at, -1);
      at += 4;
    } else if (lengths) {
      const len = lengths[i];
      put32(buf, at, len);
      at += 4;
      // as many bytes as characters: all ASCII (identifiers, card numbers, hex), copied a character
      // to a byte, which costs less than a call into Buffer's encoder per element; a plate is not
      const s = v as string;
      if (len === s.length) for (let k = 0; k < len; k++) buf[at + k] = s.charCodeAt(k);
      else buf.write(s, at);
      at += len;
    } else {
      put32(buf, at, width!);
      writeElement(buf, at + 4, type, v);
      at += 4 + width!;
    }
  }
  return buf;
}

/** The array as its text literal (what the embedded database is sent). */
export function textArray(type: ArrayType, values: ReadonlyArray<ArrayValue>): string {
  if (type === 'text' || type === 'bpchar') return quotedArray(values as ReadonlyArray<string | null | undefined>);
  if (type === 'timestamptz')
    return plainArray(values.map((v) => (v === null || v === undefined ? null : new Date(instantMs(v)).toISOString())));
  return plainArray(values as ReadonlyArray<string | number | bigint | boolean | null | undefined>);
}

export type ArrayParams = Record<ArrayType, (values: ReadonlyArray<ArrayValue>) => Buffer | string>;
/** The parameter for `?::<type>[]` of one connection or transaction, by type: binary to PostgreSQL
 *  through node-pg, the text literal otherwise. `const a = arraysFor(trx); a.int8(ids)`. */
export function arraysFor(db: Knex): ArrayParams {
  const binary = db.client.config.client === 'pg';
  const of = (type: ArrayType) => (values: ReadonlyArray<ArrayValue>) =>
    binary ? binaryArray(type, values) : textArray(type, values);
  return {
    int2: of('int2'),
    int4: of('int4'),
    int8: of('int8'),
    bool: of('bool'),
    date: of('date'),
    timestamptz: of('timestamptz'),
    text: of('text'),
    bpchar: of('bpchar'),
  };
}

/** Rows from parallel arrays, as a derived table for FROM, one `?` per column in the columns' order.
 *  Each array is bound once (`p`) and unnested in the select list, where PostgreSQL steps through
 *  them together a row at a time. `unnest(a, b, …)` in FROM first copies each array into a
 *  tuplestore of its own, a tuple per element: a lane batch's 35 arrays of 1,000 cost 3–4 ms of the
 *  12–13 ms its insert took. Both forms pad shorter arrays with nulls; neither
 *  promises an order to a statement that does not ask for one. With `ordinal`, that column numbers
 *  the rows in the arrays' order (the first array's subscripts), for `order by`. */
export function unnestedRows(
  columns: ReadonlyArray<readonly [name: string, type: string]>,
  alias = 'v',
  ordinal?: string,
): string {
  const bound = columns.map(([, type], i) => `?::${type}[] as a${i}`);
  const selected = columns.map(([name], i) => `unnest(p.a${i}) as ${name}`);
  // numbers the rows 1…n in step with the arrays (what `with ordinality` gives in FROM)
  if (ordinal) selected.push(`generate_subscripts(p.a0, 1) as ${ordinal}`);
  return `(select ${selected.join(', ')} from (select ${bound.join(', ')}) as p) as ${alias}`;
}
