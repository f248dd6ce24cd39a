// ICBC's fixed-width GBK statement: an H header, D details and a T trailer (count, credit and debit
// totals in fen), widths in bytes (a Chinese character is two).
import iconv from 'iconv-lite';
import { assertUniqueSerials, bookedAt, decodeGbk, malformed, type ParsedLine } from './statement-common.ts';

export const ICBC_LAYOUT = {
  header: { type: 1, account: 19, date: 8, currency: 3 },
  detail: {
    type: 1,
    date: 8,
    time: 6,
    flag: 1, // 1 debit (money out), 2 credit (money in)
    amount: 15, // fen, zero-padded
    serial: 20,
    businessReference: 20,
    payerAccount: 32,
    payerName: 60,
    purpose: 60,
  },
  trailer: { type: 1, count: 8, credit: 17, debit: 17 },
} as const;
const width = (l: Record<string, number>) => Object.values(l).reduce((a, b) => a + b, 0);

// A field whose bytes end inside a two-byte character (or start with the half of one) decodes to
// U+FFFD: the record's fields are misaligned even when its length is right, and it is refused.
function cut(rec: Buffer, layout: Record<string, number>, line: number): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  for (const [k, w] of Object.entries(layout)) {
    out[k] = iconv.decode(rec.subarray(at, at + w), 'gbk').trim();
    if (out[k].includes('\uFFFD')) malformed(line, `${k} splits a two-byte character: the fields are misaligned`);
    at += w;
  }
  return out;
}

export function parseIcbcFixed(buf: Buffer): ParsedLine[] {
  decodeGbk(buf); // the encoding check, with the line of the first fault
  const records: Buffer[] = [];
  for (let start = 0; start < buf.length;) {
    let end = buf.indexOf(0x0a, start);
    if (end < 0) end = buf.length;
    let rec = buf.subarray(start, end);
    if (rec.length && rec[rec.length - 1] === 0x0d) rec = rec.subarray(0, rec.length - 1);
    records.push(rec);
    start = end + 1;
  }
  while (records.length && records[records.length - 1].length === 0) records.pop();
  if (records.length < 2) malformed(1, 'a statement needs a header and a trailer');
  const header = records[0];
  if (header[0] !== 0x48 || header.length !== width(ICBC_LAYOUT.header))
    malformed(1, `the header must be H and ${width(ICBC_LAYOUT.header)} bytes long`);
  const lines: ParsedLine[] = [];
  let credit = 0n;
  let debit = 0n;
  const last = records.length;
  for (let i = 1; i < last - 1; i++) {
    const rec = records[i];
    const line = i + 1;
    if (rec[0] !== 0x44) malformed(line, `record type ${String.fromCharCode(rec[0] ?? 32)} where a detail (D) belongs`);
    if (rec.length !== width(ICBC_LAYOUT.detail))
      malformed(line, `a detail record is ${width(ICBC_LAYOUT.detail)} bytes; this one is ${rec.length}`);
    const f = cut(rec, ICBC_LAYOUT.detail, line);
    if (f.flag !== '1' && f.flag !== '2') malformed(line, `debit/credit flag ${f.flag} is neither 1 nor 2`);
    if (!/^\d{15}$/.test(f.amount) || BigInt(f.amount) === 0n) malformed(line, `amount ${f.amount} is not fen`);
    if (f.serial === '') malformed(line, 'no bank serial');
    const amount = BigInt(f.amount);
    if (f.flag === '2') credit += amount;
    else debit += amount;
    lines.push({
      lineNo: line,
      bank: 'ICBC',
      serial: f.serial,
      bookedAt: bookedAt(f.date, f.time, line),
      direction: f.flag === '2' ? 'credit' : 'debit',
      amount,
      businessReference: f.businessReference,
      purpose: f.purpose,
      payerAccount: f.payerAccount,
      payerName: f.payerName,
    });
  }
  const trailer = records[last - 1];
  if (trailer[0] !== 0x54 || trailer.length !== width(ICBC_LAYOUT.trailer))
    malformed(last, `the last record must be a trailer (T, ${width(ICBC_LAYOUT.trailer)} bytes)`);
  const t = cut(trailer, ICBC_LAYOUT.trailer, last);
  if (!/^\d+$/.test(t.count) || Number(t.count) !== lines.length)
    malformed(last, `the trailer counts ${t.count} details; the file has ${lines.length}`);
  if (!/^\d+$/.test(t.credit) || BigInt(t.credit) !== credit)
    malformed(last, `the trailer credit total ${t.credit} differs from the sum of the credits ${credit}`);
  if (!/^\d+$/.test(t.debit) || BigInt(t.debit) !== debit)
    malformed(last, `the trailer debit total ${t.debit} differs from the sum of the debits ${debit}`);
  assertUniqueSerials(lines);
  return lines;
}
