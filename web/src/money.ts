// Money in the console: integer fen as bigint, parsed from and shown as yuan with integer string
// arithmetic only (no float ever touches an amount).
export type FenLike = bigint | number;

const YUAN = /^\s*(-)?(\d{1,13})(?:\.(\d{0,2}))?\s*$/;

export const Fen = {
  // "123.45" → 12345n; "12" → 1200n; "0.5" → 50n. null when the text is not an amount in yuan.
  parse(text: string): bigint | null {
    const m = YUAN.exec(text.replace(/[¥,，\s]/g, ''));
    if (!m) return null;
    const fen = BigInt(m[2]!) * 100n + BigInt((m[3] ?? '').padEnd(2, '0'));
    return m[1] ? -fen : fen;
  },
  // 12345 → "¥123.45"; JSON numbers from the API are integers, converted exactly
  format(value: FenLike): string {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError('fen must be an integer');
    const fen = BigInt(value);
    const neg = fen < 0n;
    const abs = neg ? -fen : fen;
    const yuan = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    const cents = (abs % 100n).toString().padStart(2, '0');
    return `${neg ? '-' : ''}¥${yuan}.${cents}`;
  },
  // for sending: a JSON integer (amounts within the safe range)
  toJson(fen: bigint): number {
    const n = Number(fen);
    if (!Number.isSafeInteger(n)) throw new RangeError('amount out of range');
    return n;
  },
};
