// A report as a file: CSV (UTF-8, header line) or a one-sheet XLSX workbook (exceljs).
import ExcelJS from 'exceljs';
import { csvLine, CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, type CsvCell } from '../../platform/http/csv.ts';
import type { RouteResult } from '../../platform/http/route.ts';

export type Table = { name: string; headers: string[]; rows: Array<Array<string | number | null>> };

export async function tableResult(t: Table, format: 'csv' | 'xlsx'): Promise<RouteResult> {
  const headers = { 'Content-Disposition': `attachment; filename="${t.name}.${format}"`, 'Cache-Control': 'no-store' };
  if (format === 'csv')
    return {
      raw: Buffer.from([t.headers, ...t.rows].map((r) => csvLine(r as CsvCell[])).join(''), 'utf8'),
      contentType: CSV_CONTENT_TYPE,
      headers,
    };
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(t.name.slice(0, 31));
  ws.addRow(t.headers);
  for (const r of t.rows) ws.addRow(r);
  return { raw: Buffer.from(await wb.xlsx.writeBuffer()), contentType: XLSX_CONTENT_TYPE, headers };
}
