// What every bank statement format reads into, and the checks they share: a fault refuses the whole
// file with its line number (422 statement-malformed), amounts are exact yuan → fen, times are China's.
import iconv from 'iconv-lite';
import { AppError } from '../../platform/http/errors.ts';

export type StatementFormat = 'cmb-xml' | 'icbc-fixed' | 'csv';

export type ParsedLine = {
  lineNo: number;
  bank: string;
  serial: string;
  bookedAt: Date;
  direction: 'credit' | 'debit';
  amount: bigint;
  businessReference: string;
  purpose: string;
  payerAccount: string;
  payerName: string;
};

export function malformed(line: number, reason: string): never {
  throw new AppError('statement-malformed', `line ${line}: ${reason}`, 'file');
}

const YUAN = /^\d{1,13}(\.\d{1,2})?$/;
export function yuanToFen(text: string, line: number): bigint {
  const t = text.trim();
  if (!YUAN.test(t)) malformed(line, `amount ${JSON.stringify(t)} is not yuan with at most 2 decimals`);
  const [whole, frac = ''] = t.split('.');
  return BigInt(whole) * 100n + BigInt((frac + '00').slice(0, 2));
}

// China time: the banks write local date and time without a zone
export function bookedAt(date: string, time: string, line: number): Date {
  if (!/^\d{8}$/.test(date)) malformed(line, `date ${JSON.stringify(date)} is not YYYYMMDD`);
  // no bank wrote an electronic statement before 1970, and year 0000 is no date to PostgreSQL
  if (date < '19700101') malformed(line, `no such date ${date}`);
  const t = time === '' ? '000000' : time;
  if (!/^\d{6}$/.test(t)) malformed(line, `time ${JSON.stringify(time)} is not HHMMSS`);
  const iso = `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4)}+08:00`;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) === 'Invalid') malformed(line, `no such date ${date}`);
  const [y, m, dd] = [Number(date.slice(0, 4)), Number(date.slice(4, 6)), Number(date.slice(6))];
  const local = new Date(d.getTime() + 8 * 3600_000);
  if (local.getUTCFullYear() !== y || local.getUTCMonth() + 1 !== m || local.getUTCDate() !== dd)
    malformed(line, `no such date ${date}`);
  return d;
}

const lineOfOffset = (buf: Buffer, offset: number) => {
  let n = 1;
  for (let i = 0; i < offset && i < buf.length; i++) if (buf[i] === 0x0a) n++;
  return n;
};

// GBK text: refused when the bytes are UTF-8 (a converted file) or are not GBK at all
export function decodeGbk(buf: Buffer): string {
  let nonAscii = -1;
  for (let i = 0; i < buf.length; i++)
    if (buf[i] >= 0x80) {
      nonAscii = i;
      break;
    }
  if (nonAscii >= 0) {
    let utf8 = true;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(buf);
    } catch {
      utf8 = false;
    }
    if (utf8) malformed(lineOfOffset(buf, nonAscii), 'the file is UTF-8; this bank writes GBK');
  }
  const text = iconv.decode(buf, 'gbk');
  const bad = text.indexOf('\uFFFD');
  if (bad >= 0) malformed(text.slice(0, bad).split('\n').length, 'bytes that are not GBK');
  return text;
}

export function assertUniqueSerials(lines: ParsedLine[]): void {
  const seen = new Map<string, number>();
  for (const l of lines) {
    const k = `${l.bank}\u0000${l.serial}`;
    const first = seen.get(k);
    if (first !== undefined) malformed(l.lineNo, `bank serial ${l.serial} appears again (first at line ${first})`);
    seen.set(k, l.lineNo);
  }
}
