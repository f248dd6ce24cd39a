// ICBC's day file of online loads (README.md §5): GBK, one fixed-width record per line, a header
// with the count and total so that a truncated transfer is caught before anything is compared.
import type { ReconLine } from '../centre-client.ts';
import { beijingIso } from '../common.ts';
import { decodeRecord, encodeRecord, FormatError, type Field } from './fixed-width.ts';

export const BANK_REFERENCE_PREFIX = 'ICBC-';

export const HEADER: readonly Field[] = [
  { name: 'recType', width: 1, kind: 'ascii', pattern: /^H$/ },
  { name: 'bankCode', width: 4, kind: 'ascii', pattern: /^ICBC$/ },
  { name: 'fileDate', width: 8, kind: 'date' },
  { name: 'count', width: 8, kind: 'num' },
  { name: 'totalAmount', width: 15, kind: 'num' },
];

export const DETAIL: readonly Field[] = [
  { name: 'recType', width: 1, kind: 'ascii', pattern: /^D$/ },
  { name: 'serial', width: 20, kind: 'ascii', pattern: /^[0-9A-Za-z]{20}$/ },
  {
    name: 'loadId',
    width: 36,
    kind: 'ascii',
    pattern: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
    optional: true,
  },
  { name: 'cardNo', width: 20, kind: 'ascii', pattern: /^[0-9]{20}$/ },
  { name: 'amount', width: 12, kind: 'num' },
  { name: 'status', width: 1, kind: 'ascii', pattern: /^[12]$/ },
  { name: 'trxDate', width: 8, kind: 'date' },
  { name: 'trxTime', width: 6, kind: 'time' },
  { name: 'branchName', width: 30, kind: 'text' },
];

export type DayEntry = {
  serial: string;
  loadId?: string;
  cardNo: string;
  amount: number;
  status: 'confirmed' | 'reversed';
  trxDate: string;
  trxTime: string;
  branchName: string;
};

const STATUS_CODE = { confirmed: '1', reversed: '2' } as const;

/** The file for a day (date as YYYY-MM-DD), CRLF line ends as ICBC's host writes them. */
export function encodeDayFile(date: string, entries: DayEntry[]): Buffer {
  const total = entries.reduce((s, e) => s + BigInt(e.amount), 0n);
  const lines = [
    encodeRecord(HEADER, {
      recType: 'H',
      bankCode: 'ICBC',
      fileDate: date.replace(/-/g, ''),
      count: entries.length,
      totalAmount: Number(total),
    }),
  ];
  for (const e of entries) lines.push(encodeRecord(DETAIL, { recType: 'D', ...e, status: STATUS_CODE[e.status] }));
  return Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\r\n')]));
}

function splitLines(file: Buffer): Buffer[] {
  // GBK trail bytes are 0x40..0xFE, so a 0x0A byte is always a line end, never half a character
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= file.length; i++) {
    if (i === file.length || file[i] === 0x0a) {
      let end = i;
      if (end > start && file[end - 1] === 0x0d) end--;
      lines.push(file.subarray(start, end));
      start = i + 1;
    }
  }
  if (lines.length > 1 && lines[lines.length - 1].length === 0) lines.pop(); // final newline
  return lines;
}

function atLine(n: number, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof FormatError) throw new FormatError(e.problem, `line ${n}: ${e.message}`);
    throw e;
  }
}

/** Parses and checks the file for `date` (YYYY-MM-DD) into the channel's reconciliation lines. */
export function parseDayFile(file: Buffer, date: string): ReconLine[] {
  const lines = splitLines(file);
  let header: Record<string, unknown> = {};
  atLine(1, () => {
    header = decodeRecord(HEADER, lines[0]);
  });
  if (header.fileDate !== date.replace(/-/g, ''))
    throw new FormatError('field', `line 1: the file is for ${String(header.fileDate)}, not ${date}`, 'fileDate');
  const out: ReconLine[] = [];
  let total = 0n;
  for (let i = 1; i < lines.length; i++) {
    atLine(i + 1, () => {
      const d = decodeRecord(DETAIL, lines[i]) as unknown as Omit<DayEntry, 'status'> & { status: '1' | '2' };
      if (d.amount <= 0) throw new FormatError('field', 'must be positive', 'amount');
      total += BigInt(d.amount);
      out.push({
        bankReference: BANK_REFERENCE_PREFIX + d.serial,
        ...(d.loadId ? { loadId: d.loadId.toLowerCase() } : {}),
        cardNo: d.cardNo,
        amount: d.amount,
        status: d.status === '1' ? 'confirmed' : 'reversed',
        time: beijingIso(d.trxDate, d.trxTime),
      });
    });
  }
  if (header.count !== out.length)
    throw new FormatError('field', `header count ${String(header.count)} but ${out.length} detail lines`, 'count');
  if (BigInt(header.totalAmount as number) !== total)
    throw new FormatError(
      'field',
      `header total ${String(header.totalAmount)} but the details add up to ${total}`,
      'totalAmount',
    );
  return out;
}
