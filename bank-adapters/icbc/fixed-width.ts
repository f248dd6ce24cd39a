// Fixed-width GBK records: every field has a byte width; numbers are right-aligned and zero-padded,
// text is left-aligned and space-padded *in GBK bytes* (a Chinese character takes two). Decoding is
// strict: a record of the wrong length, a non-digit in a number or bytes that are not GBK are
// refused, never guessed at, because a shifted field would move money to the wrong card.
import iconv from 'iconv-lite';

export type FieldKind =
  | 'num' // unsigned integer, right-aligned, zero-padded; decoded to a number (safe integer)
  | 'hex' // upper-case hex, exactly the width
  | 'date' // YYYYMMDD
  | 'time' // hhmmss
  | 'ascii' // printable ASCII, left-aligned, space-padded; `pattern` applies to the trimmed value
  | 'text'; // GBK text, left-aligned, space-padded

export type Field = { name: string; width: number; kind: FieldKind; pattern?: RegExp; optional?: boolean };
export type Values = Record<string, string | number | undefined>;

/** Which rule a record broke: the adapter maps each to its own native response code. */
export type FormatProblem = 'length' | 'field' | 'encoding' | 'trx-code';

export class FormatError extends Error {
  readonly problem: FormatProblem;
  readonly field: string | undefined;
  constructor(problem: FormatProblem, message: string, field?: string) {
    super(field ? `${field}: ${message}` : message);
    this.name = 'FormatError';
    this.problem = problem;
    this.field = field;
  }
}

export const widthOf = (fields: readonly Field[]): number => fields.reduce((n, f) => n + f.width, 0);

const SPACE = 0x20;
// C0 controls and DEL in text would break line-based files and terminal displays
const CONTROL = /[\u0000-\u001f\u007f]/;

function validDate(s: string): boolean {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

function validTime(s: string): boolean {
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(s);
  return !!m && Number(m[1]) < 24 && Number(m[2]) < 60 && Number(m[3]) < 60;
}

/** GBK bytes of text, refusing characters GBK cannot hold (iconv-lite would quietly write '?'). */
export function gbkBytes(text: string, field?: string): Buffer {
  const bytes = iconv.encode(text, 'gbk');
  if (iconv.decode(bytes, 'gbk') !== text)
    throw new FormatError('encoding', 'contains a character GBK cannot encode', field);
  return bytes;
}

/** Decodes GBK strictly: bytes that do not survive a round trip (invalid or cut characters) are refused. */
export function gbkText(bytes: Buffer, field?: string): string {
  const text = iconv.decode(bytes, 'gbk');
  if (text.includes('\uFFFD') || !iconv.encode(text, 'gbk').equals(bytes))
    throw new FormatError('encoding', 'is not valid GBK', field);
  return text;
}

function encodeField(f: Field, value: string | number | undefined): Buffer {
  const out = Buffer.alloc(f.width, SPACE);
  if (value === undefined || value === '') {
    if (!f.optional) throw new FormatError('field', 'is required', f.name);
    return out;
  }
  if (f.kind === 'num') {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
      throw new FormatError('field', 'must be a non-negative integer', f.name);
    const digits = String(value);
    if (digits.length > f.width) throw new FormatError('field', `does not fit ${f.width} digits`, f.name);
    out.write(digits.padStart(f.width, '0'), 'latin1');
    return out;
  }
  if (typeof value !== 'string') throw new FormatError('field', 'must be text', f.name);
  checkText(f, value);
  const bytes = f.kind === 'text' ? gbkBytes(value, f.name) : Buffer.from(value, 'latin1');
  if (bytes.length > f.width)
    throw new FormatError('field', `is ${bytes.length} bytes, the field holds ${f.width}`, f.name);
  bytes.copy(out);
  return out;
}

function checkText(f: Field, value: string): void {
  const fixed = f.kind === 'hex' || f.kind === 'date' || f.kind === 'time';
  if (fixed && value.length !== f.width)
    throw new FormatError('field', `must be exactly ${f.width} characters`, f.name);
  if (f.kind === 'hex' && !/^[0-9A-F]*$/.test(value)) throw new FormatError('field', 'must be upper-case hex', f.name);
  if (f.kind === 'date' && !validDate(value)) throw new FormatError('field', 'must be a valid YYYYMMDD date', f.name);
  if (f.kind === 'time' && !validTime(value)) throw new FormatError('field', 'must be a valid hhmmss time', f.name);
  if (f.kind === 'ascii' && !/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(value))
    throw new FormatError('field', 'must be printable ASCII without surrounding spaces', f.name);
  if (f.kind === 'text' && (CONTROL.test(value) || value !== value.trim()))
    throw new FormatError('field', 'must not contain control characters or surrounding spaces', f.name);
  if (f.pattern && !f.pattern.test(value)) throw new FormatError('field', 'has the wrong format', f.name);
}

function decodeField(f: Field, raw: Buffer): string | number | undefined {
  if (f.optional && raw.every((b) => b === SPACE)) return undefined;
  if (f.kind === 'num') {
    const s = raw.toString('latin1');
    if (!/^[0-9]+$/.test(s)) throw new FormatError('field', `must be ${f.width} digits, zero-padded`, f.name);
    const n = Number(s);
    if (!Number.isSafeInteger(n)) throw new FormatError('field', 'is too large', f.name);
    return n;
  }
  if (f.kind === 'text') {
    const text = gbkText(raw, f.name).replace(/ +$/, '');
    if (text === '') {
      if (f.optional) return undefined;
      throw new FormatError('field', 'is required', f.name);
    }
    checkText(f, text);
    return text;
  }
  if (raw.some((b) => b > 0x7e)) throw new FormatError('field', 'must be ASCII', f.name);
  const s = raw.toString('latin1');
  const value = f.kind === 'ascii' ? s.replace(/ +$/, '') : s;
  if (value === '') throw new FormatError('field', 'is required', f.name);
  checkText(f, value);
  return value;
}

export function encodeRecord(fields: readonly Field[], values: Values): Buffer {
  return Buffer.concat(fields.map((f) => encodeField(f, values[f.name])));
}

/** Decodes exactly one record: the buffer must be exactly as long as the layout. */
export function decodeRecord(fields: readonly Field[], buf: Buffer): Values {
  const width = widthOf(fields);
  if (buf.length !== width) throw new FormatError('length', `record is ${buf.length} bytes, expected ${width}`);
  const out: Values = {};
  let at = 0;
  for (const f of fields) {
    const v = decodeField(f, buf.subarray(at, at + f.width));
    if (v !== undefined) out[f.name] = v;
    at += f.width;
  }
  return out;
}
