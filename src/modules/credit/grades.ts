// Credit grades A (best) … D with their history. The seed's rules: a bill paid late is a violation;
// the first within 12 months gives a warning, the second a downgrade by one grade with a lower limit
// (credit_settings.downgrade_pct of it, through customers' credit-limit change with a reason).
// Upgrades go one grade at a time, proposed after a review and approved by someone else.
import type { Knex } from 'knex';
import { AppError } from '../../platform/http/errors.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { audit } from '../../platform/audit/audit.ts';
import { getAccount, setCreditLimitBySystem } from '../customers/index.ts';
import { creditSettings } from './settings.ts';

export type Grade = 'A' | 'B' | 'C' | 'D';
const ORDER: Grade[] = ['A', 'B', 'C', 'D'];
export type GradeEvent = {
  id: bigint;
  at: Date;
  kind: string;
  fromGrade: Grade;
  toGrade: Grade;
  billId: bigint | null;
  by: string;
  note: string | null;
};

async function lockGrade(trx: Knex.Transaction, accountId: bigint, at: Date): Promise<Grade> {
  await trx.raw(`insert into credit_grades (account_id, grade, changed_at) values (?, 'A', ?) on conflict do nothing`, [
    String(accountId),
    at.toISOString(),
  ]);
  return (await trx('credit_grades').where({ account_id: accountId }).forUpdate().first()).grade;
}

/** After bills of the account were paid: each bill settled late (once) counts as a violation. */
export async function judgeLatePayments(trx: Knex.Transaction, accountId: bigint, at: Date): Promise<void> {
  const late = await trx('credit_bills as b')
    .where('b.account_id', String(accountId))
    .whereNotNull('b.settled_at')
    .where('b.written_off', 0)
    .whereRaw('b.settled_at::date > b.due_date')
    .whereNotExists(trx('credit_grade_events as e').whereRaw('e.bill_id = b.id'))
    .orderBy('b.id')
    .pluck('b.id');
  for (const billId of late) {
    const grade = await lockGrade(trx, accountId, at);
    const yearAgo = new Date(at.getTime() - 365 * 86400_000);
    const recent = await trx('credit_grade_events')
      .where({ account_id: accountId })
      .whereIn('kind', ['warning', 'downgrade'])
      .where('at', '>', yearAgo)
      .count({ n: '*' })
      .first();
    const downgrade = Number(recent?.n ?? 0) > 0;
    const to: Grade = downgrade ? ORDER[Math.min(ORDER.indexOf(grade) + 1, 3)]! : grade;
    await trx('credit_grade_events').insert({
      account_id: accountId,
      at,
      kind: downgrade ? 'downgrade' : 'warning',
      from_grade: grade,
      to_grade: to,
      bill_id: billId,
      by: 'system',
      note: downgrade ? 'second late payment within 12 months' : 'first late payment within 12 months',
    });
    if (!downgrade) continue;
    await trx('credit_grades').where({ account_id: accountId }).update({ grade: to, changed_at: at });
    const { downgradePct } = await creditSettings(trx);
    const { creditLimit } = await getAccount(trx, accountId);
    const lower = (creditLimit * BigInt(downgradePct)) / 100n; // rounds down, in the centre's favour
    if (lower !== creditLimit)
      await setCreditLimitBySystem(
        trx,
        accountId,
        lower,
        `credit downgrade ${grade}→${to}: bill ${billId} paid late`,
        at,
      );
  }
}

export async function gradeOf(db: Knex, accountId: bigint): Promise<{ grade: Grade; history: GradeEvent[] }> {
  const row = await db('credit_grades').where({ account_id: accountId }).first();
  const history = (await db('credit_grade_events').where({ account_id: accountId }).orderBy('id')).map((r) => ({
    id: BigInt(r.id),
    at: r.at,
    kind: r.kind,
    fromGrade: r.from_grade,
    toGrade: r.to_grade,
    billId: r.bill_id == null ? null : BigInt(r.bill_id),
    by: r.by,
    note: r.note,
  }));
  return { grade: row?.grade ?? 'A', history };
}

/** A review proposes raising the grade by one; a different person approves (or rejects) it. */
export async function proposeUpgrade(db: Knex, ctx: RequestContext, accountId: bigint, note: string) {
  const at = ctx.app.clock.now();
  return inTransaction(db, async (trx) => {
    const account = await getAccount(trx, accountId);
    if (account.kind !== 'debit') throw new AppError('account-not-debit', `account ${accountId} is prepaid`);
    const grade = await lockGrade(trx, accountId, at);
    if (grade === 'A') throw new AppError('upgrade-not-allowed', `account ${accountId} is graded A already`);
    if (await pendingUpgrade(trx, accountId))
      throw new AppError('upgrade-not-allowed', `an upgrade of account ${accountId} awaits approval`);
    const to = ORDER[ORDER.indexOf(grade) - 1]!;
    await trx('credit_grade_events').insert({
      account_id: accountId,
      at,
      kind: 'upgrade-proposed',
      from_grade: grade,
      to_grade: to,
      by: actorLabel(ctx.actor),
      note,
    });
    await audit(trx, ctx, {
      action: 'credit.upgrade-propose',
      entity: 'account',
      entityId: accountId,
      detail: { grade, to },
    });
    return gradeOf(trx, accountId);
  });
}

async function pendingUpgrade(trx: Knex, accountId: bigint) {
  const last = await trx('credit_grade_events')
    .where({ account_id: accountId })
    .whereIn('kind', ['upgrade-proposed', 'upgrade-approved', 'upgrade-rejected', 'downgrade'])
    .orderBy('id', 'desc')
    .first();
  return last?.kind === 'upgrade-proposed' ? last : null;
}

export async function decideUpgrade(db: Knex, ctx: RequestContext, accountId: bigint, approve: boolean, note: string) {
  const at = ctx.app.clock.now();
  return inTransaction(db, async (trx) => {
    const grade = await lockGrade(trx, accountId, at);
    const proposal = await pendingUpgrade(trx, accountId);
    if (!proposal) throw new AppError('upgrade-not-allowed', `no upgrade of account ${accountId} awaits approval`);
    const me = actorLabel(ctx.actor);
    if (proposal.by === me) throw new AppError('write-off-four-eyes', 'the proposer of an upgrade may not decide it');
    const to: Grade = approve ? proposal.to_grade : grade;
    await trx('credit_grade_events').insert({
      account_id: accountId,
      at,
      kind: approve ? 'upgrade-approved' : 'upgrade-rejected',
      from_grade: grade,
      to_grade: to,
      by: me,
      note,
    });
    if (approve) await trx('credit_grades').where({ account_id: accountId }).update({ grade: to, changed_at: at });
    await audit(trx, ctx, {
      action: approve ? 'credit.upgrade-approve' : 'credit.upgrade-reject',
      entity: 'account',
      entityId: accountId,
      detail: { from: grade, to },
    });
    return gradeOf(trx, accountId);
  });
}
