// Finance exceptions: findings that need a person, each with an owner until resolved with a note.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';

export type ExceptionKind =
  | 'reconciliation-centre-only'
  | 'reconciliation-bank-only'
  | 'reconciliation-amount-mismatch'
  | 'reconciliation-status-mismatch'
  | 'load-stuck'
  | 'load-tac-invalid'
  | 'load-unexplained-online-seq'
  | 'reconciliation-statement-extra'
  | 'reconciliation-statement-missing'
  | 'reconciliation-statement-mismatch'
  | 'interchange-package-refused'
  | 'interchange-document-refused'
  | 'interchange-resolution-late'
  | 'interchange-settlement-mismatch'
  | 'clearing-day-waiting'
  | 'corporate-transfer-unmatched'
  | 'bank-statement-unreachable'
  | 'bank-statement-refused'
  | 'till-difference'
  | 'invariant-broken';

export type FinanceException = {
  id: bigint;
  kind: string;
  reference: string;
  source: string;
  amount: bigint | null;
  detail: Record<string, unknown>;
  status: 'open' | 'resolved';
  owner: string;
  raisedAt: Date;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  note: string | null;
};

const toException = (r: Record<string, any>): FinanceException => ({
  id: r.id,
  kind: r.kind,
  reference: r.reference,
  source: r.source,
  amount: r.amount,
  detail: r.detail,
  status: r.status,
  owner: r.owner,
  raisedAt: r.raised_at,
  resolvedBy: r.resolved_by,
  resolvedAt: r.resolved_at,
  note: r.note,
});

const text = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

// Raises findings in the caller's transaction. The same (kind, reference) raised again adds nothing,
// so a re-run reconciliation or a repeated sweep is harmless. Returns how many were new.
export async function raiseExceptions(
  trx: Knex,
  at: Date,
  items: Array<{
    kind: ExceptionKind;
    reference: string;
    source: string;
    amount?: bigint | null;
    detail?: Record<string, unknown>;
    // who must act on it, when not finance (e.g. `hall` for a till difference)
    owner?: string;
  }>,
): Promise<number> {
  if (items.length === 0) return 0;
  const rows = await trx('finance_exceptions')
    .insert(
      items.map((i) => ({
        kind: i.kind,
        reference: i.reference,
        source: i.source,
        amount: i.amount ?? null,
        detail: JSON.stringify(i.detail ?? {}, text),
        raised_at: at,
        owner: i.owner ?? 'finance',
      })),
    )
    .onConflict(['kind', 'reference'])
    .ignore()
    .returning('id');
  return rows.length;
}

export async function listExceptions(
  db: Knex,
  q: { status?: 'open' | 'resolved'; kind?: string; owner?: string; limit: number; offset: number },
): Promise<FinanceException[]> {
  const query = db('finance_exceptions').orderBy('id', 'desc').limit(q.limit).offset(q.offset);
  if (q.status) query.where({ status: q.status });
  if (q.kind) query.where({ kind: q.kind });
  if (q.owner) query.where({ owner: q.owner });
  return (await query).map(toException);
}

export async function resolveException(
  db: Knex,
  ctx: RequestContext,
  id: bigint,
  note: string,
): Promise<FinanceException> {
  return inTransaction(db, async (trx) => {
    const row = await trx('finance_exceptions').where({ id }).forUpdate().first();
    if (!row) throw new AppError('exception-not-found', `no exception ${id}`);
    if (row.status === 'resolved') throw new AppError('exception-resolved', `exception ${id} was resolved already`);
    const [updated] = await trx('finance_exceptions')
      .where({ id })
      .update({ status: 'resolved', resolved_by: actorLabel(ctx.actor), resolved_at: ctx.app.clock.now(), note })
      .returning('*');
    await audit(trx, ctx, {
      action: 'finance-exception.resolve',
      entity: 'finance_exception',
      entityId: id,
      detail: { kind: row.kind, reference: row.reference, note },
    });
    return toException(updated);
  });
}

/** Resolves the open exception of (kind, reference) in the caller's transaction, when the module that
 *  raised it settles the finding itself (e.g. a suspense transfer assigned by finance). */
export async function resolveExceptionByReference(
  trx: Knex,
  at: Date,
  actor: string,
  kind: ExceptionKind,
  reference: string,
  note: string,
): Promise<number> {
  return trx('finance_exceptions')
    .where({ kind, reference, status: 'open' })
    .update({ status: 'resolved', resolved_by: actor, resolved_at: at, note });
}

/** Hands an open exception to another owner (a team such as `finance` or `hall`, or a username). */
export async function assignException(
  db: Knex,
  ctx: RequestContext,
  id: bigint,
  owner: string,
  note: string | undefined,
): Promise<FinanceException> {
  return inTransaction(db, async (trx) => {
    const row = await trx('finance_exceptions').where({ id }).forUpdate().first();
    if (!row) throw new AppError('exception-not-found', `no exception ${id}`);
    if (row.status === 'resolved') throw new AppError('exception-resolved', `exception ${id} was resolved already`);
    const [updated] = await trx('finance_exceptions').where({ id }).update({ owner }).returning('*');
    await audit(trx, ctx, {
      action: 'finance-exception.assign',
      entity: 'finance_exception',
      entityId: id,
      detail: { kind: row.kind, reference: row.reference, from: row.owner, to: owner, note: note ?? null },
    });
    return toException(updated);
  });
}
