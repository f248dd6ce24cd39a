// The statement lines as stored: inserting a file's decided lines with their first history row (set-based,
// in parts of 5,000), and an import's summary of its lines by status.
import type { Knex } from 'knex';
import { AppError } from '../../platform/http/errors.ts';
import type { ParsedLine, StatementFormat } from './statement-formats.ts';

export type LineStatus = 'matched' | 'suspense' | 'assigned' | 'returned' | 'claimed' | 'outgoing';
export type ImportSummary = {
  importId: bigint;
  bank: string;
  format: StatementFormat;
  fileName: string;
  importedAt: Date;
  lineCount: number;
  newLines: number;
  duplicateFile: boolean;
  byStatus: Record<LineStatus, number>;
};

export type Decided = ParsedLine & {
  status: LineStatus;
  matchedBy: string | null;
  customerId: bigint | null;
  accountId: bigint | null;
  billId: string | null;
  note: string | null;
};

export const byStatus = (): Record<LineStatus, number> => ({
  matched: 0,
  suspense: 0,
  assigned: 0,
  returned: 0,
  claimed: 0,
  outgoing: 0,
});

export async function insertLines(
  trx: Knex.Transaction,
  importId: bigint,
  at: Date,
  actor: string,
  decided: Decided[],
): Promise<Map<string, bigint>> {
  const ids = new Map<string, bigint>();
  for (let i = 0; i < decided.length; i += 5000) {
    const part = decided.slice(i, i + 5000);
    const col = <T>(f: (d: Decided) => T) => part.map(f);
    const { rows } = await trx.raw(
      `insert into corporate_statement_lines (bank, serial, import_id, line_no, booked_at, direction, amount,
          business_reference, purpose, payer_account, payer_name, status, matched_by, customer_id, account_id, bill_id, note)
       select bank, serial, ?, line_no, booked_at, direction, amount, business_reference, purpose, payer_account,
              payer_name, status, matched_by, customer_id, account_id, bill_id, note
         from unnest(?::text[], ?::text[], ?::int[], ?::timestamptz[], ?::text[], ?::bigint[], ?::text[], ?::text[],
                     ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::text[])
           as t(bank, serial, line_no, booked_at, direction, amount, business_reference, purpose, payer_account,
                payer_name, status, matched_by, customer_id, account_id, bill_id, note)
       returning id, serial, status`,
      [
        String(importId),
        col((d) => d.bank),
        col((d) => d.serial),
        col((d) => d.lineNo),
        col((d) => d.bookedAt.toISOString()),
        col((d) => d.direction),
        col((d) => d.amount.toString()),
        col((d) => d.businessReference),
        col((d) => d.purpose),
        col((d) => d.payerAccount),
        col((d) => d.payerName),
        col((d) => d.status),
        col((d) => d.matchedBy) as string[],
        col((d) => (d.customerId === null ? null : d.customerId.toString())) as string[],
        col((d) => (d.accountId === null ? null : d.accountId.toString())) as string[],
        col((d) => d.billId) as string[],
        col((d) => d.note) as string[],
      ],
    );
    for (const r of rows) ids.set(r.serial, BigInt(r.id));
    await trx.raw(
      `insert into corporate_statement_line_events (line_id, at, actor, from_status, to_status, detail)
       select id, ?, ?, null, status, '{}'::jsonb from unnest(?::bigint[], ?::text[]) as t(id, status)`,
      [at, actor, rows.map((r: { id: bigint }) => String(r.id)), rows.map((r: { status: string }) => r.status)],
    );
  }
  return ids;
}

export async function summaryOf(db: Knex, imp: Record<string, any>, duplicateFile: boolean): Promise<ImportSummary> {
  const counts = byStatus();
  const rows = await db('corporate_statement_lines')
    .where({ import_id: imp.id })
    .groupBy('status')
    .select('status', db.raw('count(*)::int as n'));
  for (const r of rows) counts[r.status as LineStatus] = Number(r.n);
  return {
    importId: BigInt(imp.id),
    bank: imp.bank,
    format: imp.format,
    fileName: imp.file_name,
    importedAt: imp.imported_at,
    lineCount: imp.line_count,
    newLines: imp.new_lines,
    duplicateFile,
    byStatus: counts,
  };
}

export async function getImport(db: Knex, importId: bigint): Promise<ImportSummary> {
  const imp = await db('corporate_statement_imports').where({ id: importId }).first();
  if (!imp) throw new AppError('statement-line-not-found', `no statement import ${importId}`);
  return summaryOf(db, imp, false);
}
