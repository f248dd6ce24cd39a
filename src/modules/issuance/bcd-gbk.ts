// Low-level field codecs shared by the card (0015/0016) and OBU (EF01) personalisation files.
// Everything here is pure and throws plain Error on bad input: a file that reaches a card
// with a wrong byte cannot be fixed at the counter without reissuing, so refusing early is
// cheaper than any silent truncation or substitution.
import iconv from 'iconv-lite';

/** Packs decimal digits as BCD into exactly `bytes` bytes, left-padded with '0'. */
export function bcd(digits: string, bytes: number): Buffer {
  if (!Number.isInteger(bytes) || bytes <= 0) throw new Error(`BCD width must be a positive integer, got ${bytes}`);
  if (!/^[0-9]*$/.test(digits)) throw new Error(`BCD value must contain digits only, got "${digits}"`);
  if (digits.length > bytes * 2) {
    throw new Error(`BCD value "${digits}" has ${digits.length} digits, field holds ${bytes * 2}`);
  }
  // Two decimal digits per byte is exactly the hex text of the padded digit string.
  return Buffer.from(digits.padStart(bytes * 2, '0'), 'hex');
}

/** Unpacks BCD to its digit string (leading zeros kept: field widths are fixed on cards). */
export function fromBcd(buf: Uint8Array): string {
  const hex = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('hex');
  // A nibble A–F means the bytes are not BCD at all (wrong offset or a corrupt file).
  if (!/^[0-9]*$/.test(hex)) throw new Error(`not BCD: ${hex.toUpperCase()}`);
  return hex;
}

/**
 * GBK-encodes `text` into exactly `bytes` bytes, right-padded with 0x00.
 * iconv-lite silently writes '?' for characters GBK cannot represent, so the result is
 * decoded again and compared: a mismatch means some character was lost.
 */
export function gbk(text: string, bytes: number): Buffer {
  if (!Number.isInteger(bytes) || bytes <= 0) throw new Error(`GBK width must be a positive integer, got ${bytes}`);
  // NUL is the padding byte; accepting it would make the value unrecoverable on decode.
  if (text.includes('\u0000')) throw new Error('text must not contain NUL');
  const encoded = iconv.encode(text, 'gbk');
  if (iconv.decode(encoded, 'gbk') !== text) {
    throw new Error(`"${text}" contains a character with no GBK encoding`);
  }
  if (encoded.length > bytes) {
    throw new Error(`"${text}" is ${encoded.length} bytes in GBK, field holds ${bytes}`);
  }
  const out = Buffer.alloc(bytes);
  encoded.copy(out);
  return out;
}

/** Decodes a zero-padded GBK field. */
export function fromGbk(buf: Uint8Array): string {
  return iconv.decode(Buffer.from(stripTrailingZeros(buf)), 'gbk');
}

/** Printable-ASCII text (id numbers, engine numbers) right-padded with 0x00. */
export function ascii(text: string, bytes: number): Buffer {
  if (!/^[\x20-\x7e]*$/.test(text)) throw new Error(`"${text}" must be printable ASCII`);
  if (text.length > bytes) throw new Error(`"${text}" is ${text.length} bytes, field holds ${bytes}`);
  const out = Buffer.alloc(bytes);
  out.write(text, 'latin1');
  return out;
}

/** Decodes a zero-padded ASCII field. */
export function fromAscii(buf: Uint8Array): string {
  return Buffer.from(stripTrailingZeros(buf)).toString('latin1');
}

/** Upper-case hex: the API hands files to the counter terminal in this form. */
export function toHex(buf: Uint8Array): string {
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('hex').toUpperCase();
}

function stripTrailingZeros(buf: Uint8Array): Uint8Array {
  let end = buf.length;
  while (end > 0 && buf[end - 1] === 0) end--;
  return buf.subarray(0, end);
}

/**
 * Runs a field codec and prefixes any error with the field name, so that a refusal at the
 * counter says which input to correct rather than only what was wrong.
 */
export function field<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new Error(`${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Checks an unsigned integer that must fit in `bytes` bytes. */
export function uint(name: string, value: number, bytes: number): number {
  const max = 2 ** (8 * bytes) - 1;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new Error(`${name}: expected an integer 0..${max}, got ${value}`);
  }
  return value;
}

/** Checks a YYYYMMDD string is a real calendar date (rejects 20261340, 20250229, ...). */
export function calendarDate(name: string, value: string): string {
  if (typeof value !== 'string' || !/^[0-9]{8}$/.test(value)) {
    throw new Error(`${name}: expected YYYYMMDD, got "${value}"`);
  }
  const y = Number(value.slice(0, 4));
  const m = Number(value.slice(4, 6));
  const d = Number(value.slice(6, 8));
  // Date.UTC rolls invalid days/months over into the next period; a round trip catches that.
  const t = new Date(Date.UTC(y, m - 1, d));
  if (y < 1 || t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) {
    throw new Error(`${name}: "${value}" is not a calendar date`);
  }
  return value;
}

/** Checks that `value` is a string of exactly `length` decimal digits. */
export function digitString(name: string, value: string, length: number): string {
  if (typeof value !== 'string' || value.length !== length || !/^[0-9]+$/.test(value)) {
    throw new Error(`${name}: expected ${length} digits, got "${value}"`);
  }
  return value;
}

/** Slices a file, refusing buffers of the wrong size before any field is read. */
export function expectLength(what: string, buf: Uint8Array, length: number): Buffer {
  if (buf.length !== length) throw new Error(`${what}: expected ${length} bytes, got ${buf.length}`);
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
}
