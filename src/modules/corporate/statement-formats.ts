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
import { CONTROL_CHARACTER } from '../../platform/http/schemas.ts';
import {
  assertUniqueSerials,
  bookedAt,
  malformed,
  yuanToFen,
  type ParsedLine,
  type StatementFormat,
} from './statement-common.ts';
import { parseCmbXml } from './statement-cmb.ts';
import { parseIcbcFixed } from './statement-icbc.ts';

export type { ParsedLine, StatementFormat } from './statement-common.ts';
export { malformed, yuanToFen } from './statement-common.ts';
export { ICBC_LAYOUT } from './statement-icbc.ts';

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

// The texts a line keeps: none may hold a control character.
const KEPT_TEXT = ['serial', 'businessReference', 'purpose', 'payerAccount', 'payerName'] as const;

export function parseStatement(format: StatementFormat, buf: Buffer): ParsedLine[] {
  if (buf.length === 0) malformed(1, 'the file is empty');
  const lines = format === 'cmb-xml' ? parseCmbXml(buf) : format === 'icbc-fixed' ? parseIcbcFixed(buf) : parseCsv(buf);
  for (const l of lines)
    for (const field of KEPT_TEXT)
      if (CONTROL_CHARACTER.test(l[field])) malformed(l.lineNo, `${field} holds a control character`);
  return lines;
}
