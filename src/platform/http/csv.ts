// CSV lines for downloads (RFC 4180, CRLF, UTF-8). A text cell a spreadsheet would take for a
// formula is written with a leading apostrophe, so an exported value can never run as one.
export type CsvCell = string | number | bigint | boolean | null | undefined;

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';
// the same downloads as a workbook
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function csvCell(c: CsvCell): string {
  if (c === null || c === undefined) return '';
  if (typeof c !== 'string') return String(c);
  const s = /^[=+\-@\t\r]/.test(c) && !/^-?\d+(\.\d+)?$/.test(c) ? `'${c}` : c;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (cells: CsvCell[]): string => cells.map(csvCell).join(',') + '\r\n';
