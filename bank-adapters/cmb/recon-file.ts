// CMB's day file of online loads (README.md §5): UTF-8 CSV (RFC 4180 quoting) with a header row.
// Amounts are yuan with exactly two decimals, as in CMB's statements, and are turned into fen by
// string arithmetic: a yuan amount never passes through a float.
import type { ReconLine } from '../centre-client.ts';
import { beijingIso } from '../common.ts';

export const BANK_REFERENCE_PREFIX = 'CMB-';
export const COLUMNS = ['serial', 'load_id', 'card_no', 'amount', 'status', 'trade_time', 'remark'] as const;

export class CsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvError';
  }
}

export type DayEntry = {
  serial: string;
  loadId?: string;
  cardNo: string;
  amount: number;
  status: 'confirmed' | 'reversed';
  tradeTime: string; // YYYY-MM-DD HH:mm:ss, Beijing time
  remark?: string;
};

// sticky: matched in place, so a large file is not copied once per field
const UNQUOTED = /[^,\r\n]*/y;

/** RFC 4180 records; CRLF or LF line ends; a final line end is optional. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  let line = 1;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new CsvError(`line ${line}: unterminated quoted field`);
        field += text.slice(i, q);
        line += (text.slice(i, q).match(/\n/g) ?? []).length;
        i = q + 1;
        if (text[i] === '"') {
          field += '"';
          i++;
          continue;
        }
        break;
      }
      if (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r')
        throw new CsvError(`line ${line}: text after a closing quote`);
    } else {
      UNQUOTED.lastIndex = i;
      const m = UNQUOTED.exec(text)![0];
      if (m.includes('"')) throw new CsvError(`line ${line}: a quote inside an unquoted field`);
      field = m;
      i += m.length;
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '\r') {
      if (text[i + 1] !== '\n') throw new CsvError(`line ${line}: a bare carriage return`);
      i++;
    }
    rows.push(row);
    row = [];
    line++;
    if (text[i] === '\n') i++;
    if (i >= text.length) break;
  }
  return rows;
}

const csvField = (s: string): string => (/[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new Error('amount must be a non-negative integer of fen');
  const digits = String(fen).padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** "123.45" → 12345; refuses anything but plain digits with exactly two decimals. */
export function yuanToFen(s: string): number {
  const m = /^(0|[1-9][0-9]{0,13})\.([0-9]{2})$/.exec(s);
  if (!m) throw new CsvError('amount must be yuan with two decimals, e.g. 100.00');
  const fen = Number(m[1] + m[2]);
  if (!Number.isSafeInteger(fen)) throw new CsvError('amount is too large');
  return fen;
}

export function encodeDayFile(entries: DayEntry[]): Buffer {
  const rows = [COLUMNS.join(',')];
  for (const e of entries) {
    rows.push(
      [e.serial, e.loadId ?? '', e.cardNo, fenToYuan(e.amount), e.status.toUpperCase(), e.tradeTime, e.remark ?? '']
        .map(csvField)
        .join(','),
    );
  }
  return Buffer.from(`${rows.join('\r\n')}\r\n`, 'utf8');
}

const TRADE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

function tradeTime(s: string): string {
  const m = TRADE_TIME.exec(s);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (
    !m ||
    !d ||
    d.getUTCDate() !== Number(m[3]) ||
    d.getUTCMonth() !== Number(m[2]) - 1 ||
    Number(m[4]) > 23 ||
    Number(m[5]) > 59 ||
    Number(m[6]) > 59
  ) {
    throw new CsvError('trade_time must be YYYY-MM-DD HH:mm:ss');
  }
  return beijingIso(`${m[1]}${m[2]}${m[3]}`, `${m[4]}${m[5]}${m[6]}`);
}

function line(cells: string[]): ReconLine {
  const [serial, loadId, cardNo, amount, status, time, remark] = cells;
  if (!/^[0-9A-Za-z]{1,32}$/.test(serial)) throw new CsvError('serial must be 1-32 letters or digits');
  if (loadId !== '' && !/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(loadId))
    throw new CsvError('load_id must be empty or a load id');
  if (!/^[0-9]{20}$/.test(cardNo)) throw new CsvError('card_no must be 20 digits');
  const fen = yuanToFen(amount);
  if (fen <= 0) throw new CsvError('amount must be positive');
  if (status !== 'CONFIRMED' && status !== 'REVERSED') throw new CsvError('status must be CONFIRMED or REVERSED');
  if ([...remark].length > 60 || /[\u0000-\u001f\u007f]/.test(remark))
    throw new CsvError('remark must be at most 60 characters without control characters');
  return {
    bankReference: BANK_REFERENCE_PREFIX + serial,
    ...(loadId ? { loadId: loadId.toLowerCase() } : {}),
    cardNo,
    amount: fen,
    status: status === 'CONFIRMED' ? 'confirmed' : 'reversed',
    time: tradeTime(time),
  };
}

/** Parses and checks the whole file; the first bad line refuses it, naming the line. */
export function parseDayFile(file: Buffer): ReconLine[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(file);
  } catch {
    throw new CsvError('the file is not valid UTF-8');
  }
  if (text === '') throw new CsvError('the file is empty: the header row is required');
  const rows = parseCsv(text);
  if (rows[0].join(',') !== COLUMNS.join(',')) throw new CsvError(`line 1: the header must be ${COLUMNS.join(',')}`);
  return rows.slice(1).map((cells, n) => {
    if (cells.length !== COLUMNS.length)
      throw new CsvError(`line ${n + 2}: ${cells.length} fields, expected ${COLUMNS.length}`);
    try {
      return line(cells);
    } catch (e) {
      throw e instanceof CsvError ? new CsvError(`line ${n + 2}: ${e.message}`) : e;
    }
  });
}
