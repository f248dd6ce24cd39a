// Bank statement imports: a file of the clearing bank account's movements, stored line by line and
// reconciled at once in the same transaction. The same file (by SHA-256 of its text) is imported
// once: sending it again answers with the first import and changes nothing.
import type { Knex } from 'knex';
import { createHash } from 'node:crypto';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { reconcile, RECONCILE_LOCK, type ReconcileSummary } from './reconcile.ts';
import { parseStatementCsv, type StatementLine } from './statement-csv.ts';

export type Outcome = 'matched' | 'missing' | 'extra' | 'amount-mismatch';
export type OutcomeCounts = { matched: number; amountMismatch: number; extra: number; pending: number };
export type StatementImport = {
  id: bigint;
  fileName: string;
  sha256: string;
  importedAt: Date;
  importedBy: string;
  lineCount: number;
  firstValueDate: string;
  lastValueDate: string;
  outcomes: OutcomeCounts;
};
export type ReconciliationItem = {
  id: bigint;
  outcome: Outcome;
  kind: 'settlement' | 'payout' | null;
  key: string | null;
  expectedAmount: bigint | null;
  actualAmount: bigint | null;
  reconciledAt: Date;
  exception: { kind: string; reference: string } | null;
  line: {
    id: bigint;
    importId: bigint;
    lineNo: number;
    valueDate: string;
    amount: bigint;
    counterparty: string;
    bankReference: string;
    reference: string;
  } | null;
};

const OUTCOME_COUNTS = `count(r.id) filter (where r.outcome = 'matched')::int as matched,
  count(r.id) filter (where r.outcome = 'amount-mismatch')::int as amount_mismatch,
  count(r.id) filter (where r.outcome = 'extra')::int as extra,
  count(l.id) filter (where r.id is null)::int as pending`;

const toImport = (r: Record<string, any>): StatementImport => ({
  id: r.id,
  fileName: r.file_name,
  sha256: Buffer.from(r.file_sha256).toString('hex'),
  importedAt: r.imported_at,
  importedBy: r.imported_by,
  lineCount: r.line_count,
  firstValueDate: r.first_value_date,
  lastValueDate: r.last_value_date,
  outcomes: { matched: r.matched, amountMismatch: r.amount_mismatch, extra: r.extra, pending: r.pending },
});

const toItem = (r: Record<string, any>): ReconciliationItem => ({
  id: r.id,
  outcome: r.outcome,
  kind: r.kind,
  key: r.item_key,
  expectedAmount: r.expected_amount,
  actualAmount: r.actual_amount,
  reconciledAt: r.reconciled_at,
  exception: r.exception_kind ? { kind: r.exception_kind, reference: r.exception_reference } : null,
  line:
    r.line_id == null
      ? null
      : {
          id: r.line_id,
          importId: r.import_id,
          lineNo: r.line_no,
          valueDate: r.value_date,
          amount: r.line_amount,
          counterparty: r.counterparty,
          bankReference: r.bank_reference,
          reference: r.line_reference,
        },
});

function importsQuery(db: Knex) {
  return db('bank_statement_imports as i')
    .leftJoin('bank_statement_lines as l', 'l.import_id', 'i.id')
    .leftJoin('reconciliation_items as r', 'r.statement_line_id', 'l.id')
    .groupBy('i.id')
    .select('i.*', db.raw(OUTCOME_COUNTS));
}

export async function listStatementImports(
  db: Knex,
  page: { limit: number; offset: number },
): Promise<StatementImport[]> {
  return (await importsQuery(db).orderBy('i.id', 'desc').limit(page.limit).offset(page.offset)).map(toImport);
}

async function findImport(db: Knex, id: bigint): Promise<StatementImport> {
  const row = await importsQuery(db).where('i.id', String(id)).first();
  if (!row) throw new AppError('bank-statement-not-found', `no bank statement import ${id}`);
  return toImport(row);
}

const ITEM_COLUMNS = [
  'r.*',
  'l.id as line_id',
  'l.import_id',
  'l.line_no',
  'l.value_date',
  'l.amount as line_amount',
  'l.counterparty',
  'l.bank_reference',
  'l.reference as line_reference',
];

export async function getStatementImport(
  db: Knex,
  id: bigint,
): Promise<{ import: StatementImport; lines: ReconciliationItem[] }> {
  const found = await findImport(db, id);
  const rows = await db('bank_statement_lines as l')
    .leftJoin('reconciliation_items as r', 'r.statement_line_id', 'l.id')
    .where('l.import_id', String(id))
    .orderBy('l.line_no')
    .select(ITEM_COLUMNS);
  return { import: found, lines: rows.map(toItem) };
}

export async function listReconciliationItems(
  db: Knex,
  q: { outcome?: Outcome; kind?: 'settlement' | 'payout'; limit: number; offset: number },
): Promise<ReconciliationItem[]> {
  const query = db('reconciliation_items as r')
    .leftJoin('bank_statement_lines as l', 'l.id', 'r.statement_line_id')
    .orderBy('r.id', 'desc')
    .limit(q.limit)
    .offset(q.offset)
    .select(ITEM_COLUMNS);
  if (q.outcome) query.where('r.outcome', q.outcome);
  if (q.kind) query.where('r.kind', q.kind);
  return (await query).map(toItem);
}

async function insertLines(trx: Knex.Transaction, importId: bigint, lines: StatementLine[]): Promise<void> {
  const col = <T>(f: (l: StatementLine) => T) => lines.map(f);
  await trx.raw(
    `insert into bank_statement_lines (import_id, line_no, value_date, amount, counterparty, bank_reference, reference)
     select ?::bigint, v.* from unnest(?::int[], ?::date[], ?::bigint[], ?::text[], ?::text[], ?::text[])
       as v(line_no, value_date, amount, counterparty, bank_reference, reference)`,
    [
      String(importId),
      col((l) => l.lineNo),
      col((l) => l.valueDate),
      col((l) => l.amount.toString()),
      col((l) => l.counterparty),
      col((l) => l.bankReference),
      col((l) => l.reference),
    ],
  );
}

export type ImportResult = { duplicate: boolean; import: StatementImport; reconciliation: ReconcileSummary | null };

export async function importStatement(
  db: Knex,
  ctx: RequestContext,
  input: { fileName: string; csv: string },
): Promise<ImportResult> {
  const lines = parseStatementCsv(input.csv);
  const sha256 = createHash('sha256').update(input.csv, 'utf8').digest();
  return inTransaction(db, async (trx) => {
    // the same lock as reconciliation: two imports of one file wait for each other, and the second finds the first
    await trx.raw('select pg_advisory_xact_lock(?)', [RECONCILE_LOCK]);
    const first = await trx('bank_statement_imports').where({ file_sha256: sha256 }).first('id');
    if (first) return { duplicate: true, import: await findImport(trx, first.id), reconciliation: null };
    const dates = lines.map((l) => l.valueDate).sort();
    const [row] = await trx('bank_statement_imports')
      .insert({
        file_name: input.fileName,
        file_sha256: sha256,
        imported_at: ctx.app.clock.now(),
        imported_by: actorLabel(ctx.actor),
        line_count: lines.length,
        first_value_date: dates[0],
        last_value_date: dates[dates.length - 1],
      })
      .returning('id');
    await insertLines(trx, row.id, lines);
    const reconciliation = await reconcile(trx, ctx.app.clock.now());
    await audit(trx, ctx, {
      action: 'bank-statement.import',
      entity: 'bank_statement_import',
      entityId: row.id,
      detail: { fileName: input.fileName, sha256: sha256.toString('hex'), lines: lines.length, reconciliation },
    });
    return { duplicate: false, import: await findImport(trx, row.id), reconciliation };
  });
}

/** Reconciles again by hand (after settling items whose lines came earlier); audited when it changed something. */
export async function runReconciliation(db: Knex, ctx: RequestContext): Promise<ReconcileSummary> {
  return inTransaction(db, async (trx) => {
    const summary = await reconcile(trx, ctx.app.clock.now());
    const changed = summary.matched + summary.amountMismatch + summary.extra + summary.missing + summary.found;
    if (changed > 0)
      await audit(trx, ctx, {
        action: 'reconciliation.run',
        entity: 'reconciliation',
        entityId: 'clearing-bank',
        detail: summary,
      });
    return summary;
  });
}
