// Integer fen written as yuan for people (statements, bills, exports, messages): two decimals, by
// integer arithmetic only, never through a float. The console has its own (web/src/money.ts).

/** 123456n → "1234.56", -5n → "-0.05", 0n → "0.00". */
export function yuan(fen: bigint): string {
  const neg = fen < 0n;
  const a = neg ? -fen : fen;
  return `${neg ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
}
