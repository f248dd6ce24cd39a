// A statement as a table, written as CSV (UTF-8, header line, amounts as integer fen) or as an XLSX
// workbook of one sheet (streamed with exceljs; integers as numbers). Yuan columns are written by
// platform/money's yuan (integer arithmetic, never a float); cells by platform/http/csv's writer.
import ExcelJS from 'exceljs';
import { PassThrough, type Readable } from 'node:stream';
import { csvCell, CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE } from '../../platform/http/csv.ts';
import type { RouteResult } from '../../platform/http/route.ts';

export type Cell = string | bigint | number | null;
export type Sheet = { name: string; fileName: string; headers: string[]; rows: Cell[][] };
export type ExportFormat = 'csv' | 'xlsx';

export function toCsv(sheet: Sheet): string {
  return [sheet.headers, ...sheet.rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function xlsxCell(c: Cell): string | number | null {
  if (typeof c !== 'bigint') return c;
  if (c > BigInt(Number.MAX_SAFE_INTEGER) || c < -BigInt(Number.MAX_SAFE_INTEGER))
    throw new Error('integer out of spreadsheet range');
  return Number(c);
}

/** The workbook streamed as it is written. The rows are converted before anything is sent, so a
 *  failure there is an ordinary error response. */
export function xlsxStream(sheet: Sheet): Readable {
  const rows = [sheet.headers, ...sheet.rows.map((r) => r.map(xlsxCell))];
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  const ws = workbook.addWorksheet(sheet.name);
  for (const r of rows) ws.addRow(r).commit();
  ws.commit();
  workbook.commit().catch((err: Error) => out.destroy(err));
  return out;
}

export function sheetResult(sheet: Sheet, format: ExportFormat): RouteResult {
  const headers = {
    'Content-Disposition': `attachment; filename="${sheet.fileName}.${format}"`,
    'Cache-Control': 'no-store',
  };
  if (format === 'csv') return { raw: Buffer.from(toCsv(sheet), 'utf8'), contentType: CSV_CONTENT_TYPE, headers };
  return { stream: xlsxStream(sheet), contentType: XLSX_CONTENT_TYPE, headers };
}
