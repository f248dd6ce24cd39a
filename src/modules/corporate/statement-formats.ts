// The banks' own statement formats, read into one shape. A file is read whole before anything is
// stored: the first fault (wrong encoding, a bad line, a trailer whose totals disagree) refuses the
// file with its line number and reason, so a file is imported entirely or not at all.
//  - cmb-xml: CMB's account-transactions answer (GBK XML, one <NTQTSINFZ> element per movement:
//    ETYDAT/ETYTIM date and time, AMTCDR C|D, TRSAMT yuan, REFNBR bank serial, YURREF business
//    reference, NUSAGE purpose, RPYACC/RPYNAM counterparty account and name) with an optional
//    <SUMINFO> trailer (TOTCNT, CRDAMT, DBTAMT) checked when present.
//  - icbc-fixed: ICBC's fixed-width GBK statement, widths in bytes: H header, D details, T trailer
//    (count, credit and debit totals in fen); see ICBC_LAYOUT.
//  - csv: UTF-8, header bank,serial,date,time,direction,amount,business_reference,purpose,payer_account,payer_name
//    (amount in yuan with at most 2 decimals; direction credit|debit).
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
function bookedAt(date: string, time: string, line: number): Date {
  if (!/^\d{8}$/.test(date)) malformed(line, `date ${JSON.stringify(date)} is not YYYYMMDD`);
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

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeXml = (s: string, line: number) =>
  s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (_m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    const v = XML_ENTITIES[e];
    if (v === undefined) malformed(line, `unknown XML entity &${e};`);
    return v;
  });

// The flat elements of one record: <TAG>text</TAG>, nothing nested
function fields(body: string, line: number): Map<string, string> {
  const out = new Map<string, string>();
  const re = /<([A-Z0-9_]+)>([^<]*)<\/([A-Z0-9_]+)>|<([A-Z0-9_]+)\/>|(\S)/g;
  for (let m; (m = re.exec(body));) {
    if (m[5] !== undefined) malformed(line + body.slice(0, m.index).split('\n').length - 1, 'malformed XML element');
    if (m[4] !== undefined) {
      out.set(m[4], '');
      continue;
    }
    if (m[1] !== m[3]) malformed(line, `element <${m[1]}> closed by </${m[3]}>`);
    out.set(m[1], unescapeXml(m[2], line).trim());
  }
  return out;
}

export function parseCmbXml(buf: Buffer): ParsedLine[] {
  const text = decodeGbk(buf);
  const decl = /^\uFEFF?<\?xml[^>]*encoding="([^"]+)"[^>]*\?>/i.exec(text);
  if (!decl) malformed(1, 'no XML declaration with an encoding');
  if (!/^gb(k|2312|18030)$/i.test(decl[1])) malformed(1, `declared encoding ${decl[1]}; CMB writes GBK`);
  const lineAt = (i: number) => text.slice(0, i).split('\n').length;
  const root = /<CMBSDKPGK>([\s\S]*)<\/CMBSDKPGK>\s*$/.exec(text);
  if (!root) malformed(lineAt(decl[0].length) + 1, 'no <CMBSDKPGK> root element, or text after it');
  const rootStart = root.index + '<CMBSDKPGK>'.length;
  const body = root[1];
  const info = /<INFO>([\s\S]*?)<\/INFO>/.exec(body);
  if (!info) malformed(lineAt(rootStart), 'no <INFO> element');
  const retcod = fields(info[1], lineAt(rootStart + info.index)).get('RETCOD');
  if (retcod !== '0') malformed(lineAt(rootStart + info.index), `the bank answered RETCOD ${retcod ?? 'missing'}`);
  const lines: ParsedLine[] = [];
  let credit = 0n;
  let debit = 0n;
  let summary: { line: number; f: Map<string, string> } | null = null;
  // every element of the root is INFO, a movement or the trailer; anything else is a fault
  const re = /<(INFO|NTQTSINFZ|SUMINFO)>([\s\S]*?)<\/\1>|(\S)/g;
  for (let m; (m = re.exec(body));) {
    const line = lineAt(rootStart + m.index);
    if (m[3] !== undefined) malformed(line, 'unexpected content in the statement');
    if (m[1] === 'INFO') continue;
    if (m[1] === 'SUMINFO') {
      summary = { line, f: fields(m[2], line) };
      continue;
    }
    const f = fields(m[2], line);
    const need = (k: string) => {
      const v = f.get(k);
      if (v === undefined || v === '') malformed(line, `<${k}> is missing`);
      return v;
    };
    const cdr = need('AMTCDR');
    if (cdr !== 'C' && cdr !== 'D') malformed(line, `AMTCDR ${cdr} is neither C nor D`);
    const amount = yuanToFen(need('TRSAMT'), line);
    if (amount === 0n) malformed(line, 'amount 0');
    if (cdr === 'C') credit += amount;
    else debit += amount;
    lines.push({
      lineNo: line,
      bank: 'CMB',
      serial: need('REFNBR'),
      bookedAt: bookedAt(need('ETYDAT'), f.get('ETYTIM') ?? '', line),
      direction: cdr === 'C' ? 'credit' : 'debit',
      amount,
      businessReference: f.get('YURREF') ?? '',
      purpose: f.get('NUSAGE') ?? '',
      payerAccount: f.get('RPYACC') ?? '',
      payerName: f.get('RPYNAM') ?? '',
    });
  }
  if (summary) {
    const count = Number(summary.f.get('TOTCNT'));
    if (count !== lines.length)
      malformed(summary.line, `the trailer counts ${count} movements; the file has ${lines.length}`);
    if (yuanToFen(summary.f.get('CRDAMT') ?? '', summary.line) !== credit)
      malformed(summary.line, 'the trailer credit total differs from the sum of the credits');
    if (yuanToFen(summary.f.get('DBTAMT') ?? '', summary.line) !== debit)
      malformed(summary.line, 'the trailer debit total differs from the sum of the debits');
  }
  assertUniqueSerials(lines);
  return lines;
}

// ICBC fixed width, in bytes of GBK (a Chinese character is two bytes)
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

function cut(rec: Buffer, layout: Record<string, number>): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  for (const [k, w] of Object.entries(layout)) {
    out[k] = iconv.decode(rec.subarray(at, at + w), 'gbk').trim();
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
    const f = cut(rec, ICBC_LAYOUT.detail);
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
  const t = cut(trailer, ICBC_LAYOUT.trailer);
  if (!/^\d+$/.test(t.count) || Number(t.count) !== lines.length)
    malformed(last, `the trailer counts ${t.count} details; the file has ${lines.length}`);
  if (!/^\d+$/.test(t.credit) || BigInt(t.credit) !== credit)
    malformed(last, `the trailer credit total ${t.credit} differs from the sum of the credits ${credit}`);
  if (!/^\d+$/.test(t.debit) || BigInt(t.debit) !== debit)
    malformed(last, `the trailer debit total ${t.debit} differs from the sum of the debits ${debit}`);
  assertUniqueSerials(lines);
  return lines;
}

export const CSV_HEADER =
  'bank,serial,date,time,direction,amount,business_reference,purpose,payer_account,payer_name' as const;

export function splitCsvLine(s: string, line: number): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (quoted) malformed(line, 'an unterminated quoted field');
  out.push(cur);
  return out;
}

export function parseCsv(buf: Buffer): ParsedLine[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    malformed(1, 'the CSV statement is not UTF-8');
  }
  const rows = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (rows.length && rows[rows.length - 1] === '') rows.pop();
  if (rows[0]?.trim() !== CSV_HEADER) malformed(1, `the header must be ${CSV_HEADER}`);
  const lines: ParsedLine[] = [];
  for (let i = 1; i < rows.length; i++) {
    const line = i + 1;
    const c = splitCsvLine(rows[i], line);
    if (c.length !== 10) malformed(line, `10 columns expected, ${c.length} found`);
    const [bank, serial, date, time, direction, amount, businessReference, purpose, payerAccount, payerName] = c.map(
      (x) => x.trim(),
    );
    if (!/^[A-Z]{2,12}$/.test(bank)) malformed(line, `bank ${JSON.stringify(bank)} is not a bank code`);
    if (serial === '') malformed(line, 'no bank serial');
    if (direction !== 'credit' && direction !== 'debit')
      malformed(line, `direction ${direction} is neither credit nor debit`);
    const fen = yuanToFen(amount, line);
    if (fen === 0n) malformed(line, 'amount 0');
    lines.push({
      lineNo: line,
      bank,
      serial,
      bookedAt: bookedAt(date.replace(/-/g, ''), time.replace(/:/g, ''), line),
      direction,
      amount: fen,
      businessReference,
      purpose,
      payerAccount,
      payerName,
    });
  }
  assertUniqueSerials(lines);
  return lines;
}

function assertUniqueSerials(lines: ParsedLine[]): void {
  const seen = new Map<string, number>();
  for (const l of lines) {
    const k = `${l.bank}\u0000${l.serial}`;
    const first = seen.get(k);
    if (first !== undefined) malformed(l.lineNo, `bank serial ${l.serial} appears again (first at line ${first})`);
    seen.set(k, l.lineNo);
  }
}

export function parseStatement(format: StatementFormat, buf: Buffer): ParsedLine[] {
  if (buf.length === 0) malformed(1, 'the file is empty');
  return format === 'cmb-xml' ? parseCmbXml(buf) : format === 'icbc-fixed' ? parseIcbcFixed(buf) : parseCsv(buf);
}
