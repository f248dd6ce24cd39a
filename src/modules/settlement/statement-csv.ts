// The bank statement file finance imports: CSV, UTF-8, a header line naming the columns
// valueDate, amount, counterparty, bankReference, reference (any order, each once), then one line per
// movement of the clearing bank account. Validation is strict: the first bad line refuses the whole
// file, naming the line (of the file, the header being line 1) and the field.
import { AppError } from '../../platform/http/errors.ts';
import { CONTROL_CHARACTER, isoDate } from '../../platform/http/schemas.ts';

export const STATEMENT_COLUMNS = ['valueDate', 'amount', 'counterparty', 'bankReference', 'reference'] as const;
type Column = (typeof STATEMENT_COLUMNS)[number];
export const MAX_STATEMENT_LINES = 20_000;

export type StatementLine = {
  lineNo: number;
  valueDate: string;
  amount: bigint;
  counterparty: string;
  bankReference: string;
  reference: string;
};

const COUNTERPARTY = /^(\d{4}|OP-[A-Z0-9]{2,16}|REFUND|CASH|BANK:[A-Za-z0-9][A-Za-z0-9._-]{0,63})$/;
const MAX_FEN = BigInt(Number.MAX_SAFE_INTEGER);

const refuse = (lineNo: number, field: string, message: string) =>
  new AppError('invalid-request', `csv line ${lineNo}, ${field}: ${message}`, `csv[${lineNo}].${field}`);

/** The fields of one line (RFC 4180 quoting: "a, b" and "" for a quote; no line breaks inside). */
export function csvFields(line: string, lineNo: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let value = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length)
          throw new AppError('invalid-request', `csv line ${lineNo}: a quoted field is not closed`, `csv[${lineNo}]`);
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += line[i++];
      }
      if (i < line.length && line[i] !== ',')
        throw new AppError('invalid-request', `csv line ${lineNo}: text after a closing quote`, `csv[${lineNo}]`);
    } else {
      const end = line.indexOf(',', i);
      value = line.slice(i, end === -1 ? line.length : end);
      if (value.includes('"'))
        throw new AppError('invalid-request', `csv line ${lineNo}: a quote inside an unquoted field`, `csv[${lineNo}]`);
      i = end === -1 ? line.length : end;
    }
    fields.push(value.trim());
    if (i >= line.length) return fields;
    i++; // the comma
  }
}

function header(text: string | undefined): Column[] {
  if (text === undefined || text.trim() === '')
    throw new AppError('invalid-request', 'csv line 1, header: the header line is required', 'csv[1].header');
  const names = csvFields(text, 1);
  for (const n of names) {
    if (!(STATEMENT_COLUMNS as readonly string[]).includes(n))
      throw refuse(1, 'header', `unknown column "${n.slice(0, 40)}" (expected ${STATEMENT_COLUMNS.join(',')})`);
  }
  for (const c of STATEMENT_COLUMNS) {
    const n = names.filter((x) => x === c).length;
    if (n !== 1) throw refuse(1, 'header', n === 0 ? `column ${c} is missing` : `column ${c} appears ${n} times`);
  }
  return names as Column[];
}

function text(lineNo: number, field: Column, v: string, opts: { required: boolean; max: number }): string {
  if (opts.required && v === '') throw refuse(lineNo, field, 'is required');
  if (v.length > opts.max) throw refuse(lineNo, field, `at most ${opts.max} characters`);
  if (CONTROL_CHARACTER.test(v)) throw refuse(lineNo, field, 'control characters are not allowed');
  return v;
}

function fen(lineNo: number, v: string): bigint {
  if (!/^[+-]?\d{1,16}$/.test(v))
    throw refuse(lineNo, 'amount', 'must be a signed integer number of fen (+ money in, - money out)');
  const amount = BigInt(v);
  if (amount === 0n) throw refuse(lineNo, 'amount', 'must not be zero');
  if (amount > MAX_FEN || amount < -MAX_FEN) throw refuse(lineNo, 'amount', 'out of range');
  return amount;
}

export function parseStatementCsv(csv: string): StatementLine[] {
  const rows = csv.replace(/^\uFEFF/, '').split(/\r?\n/);
  const columns = header(rows[0]);
  const lines: StatementLine[] = [];
  for (let i = 1; i < rows.length; i++) {
    const lineNo = i + 1;
    if (rows[i].trim() === '') continue; // blank lines (a trailing newline) carry nothing
    if (lines.length === MAX_STATEMENT_LINES)
      throw new AppError('invalid-request', `csv: at most ${MAX_STATEMENT_LINES} statement lines per file`, 'csv');
    const values = csvFields(rows[i], lineNo);
    if (values.length !== columns.length)
      throw new AppError(
        'invalid-request',
        `csv line ${lineNo}: ${values.length} fields, the header has ${columns.length}`,
        `csv[${lineNo}]`,
      );
    const v = Object.fromEntries(columns.map((c, k) => [c, values[k]])) as Record<Column, string>;
    if (!isoDate.safeParse(v.valueDate).success)
      throw refuse(lineNo, 'valueDate', 'must be a calendar date YYYY-MM-DD');
    const amount = fen(lineNo, v.amount);
    if (!COUNTERPARTY.test(v.counterparty))
      throw refuse(
        lineNo,
        'counterparty',
        'must be a 4-digit network, a road operator id (OP-…), REFUND, CASH or BANK:<bank>',
      );
    lines.push({
      lineNo,
      valueDate: v.valueDate,
      amount,
      counterparty: v.counterparty,
      bankReference: text(lineNo, 'bankReference', v.bankReference, { required: true, max: 64 }),
      reference: text(lineNo, 'reference', v.reference, { required: false, max: 100 }),
    });
  }
  if (lines.length === 0) throw new AppError('invalid-request', 'csv: the file has no statement lines', 'csv');
  return lines;
}
