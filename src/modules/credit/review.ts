// What finance and supervisors review, with customers' names beside the ids: the ageing report, the
// write-offs with their bills, and the accounts whose grade is below A or awaits an upgrade. Each
// list is one query of credit's tables plus one of customers' summaries for all its customers.
import type { Knex } from 'knex';
import { accountSummaries, customerSummaries } from '../customers/index.ts';
import { ageing, type AgeingRow } from './ageing.ts';
import type { Grade } from './grades.ts';
import { toBill } from './bills.ts';
import { toWriteOff, type WriteOffView } from './write-offs.ts';

async function namesOf(db: Knex, ids: bigint[]): Promise<(id: bigint) => string> {
  const summaries = await customerSummaries(db, [...new Set(ids)]);
  return (id) => summaries.get(id)?.name ?? '';
}

export async function ageingReport(db: Knex, at: Date) {
  const { rows, total } = await ageing(db, at);
  const name = await namesOf(
    db,
    rows.map((r) => r.customerId),
  );
  return {
    rows: rows.map((r): AgeingRow & { customerName: string } => ({ ...r, customerName: name(r.customerId) })),
    total,
  };
}

export type WriteOffRow = WriteOffView & {
  accountId: bigint;
  customerId: bigint;
  customerName: string;
  periodStart: string;
  billOutstanding: bigint;
};

export async function writeOffList(db: Knex, state?: string): Promise<WriteOffRow[]> {
  const q = db('credit_write_offs as w')
    .join('credit_bills as b', 'b.id', 'w.bill_id')
    .select(
      'w.*',
      'b.account_id',
      'b.customer_id',
      'b.period_start',
      'b.period_end',
      'b.due_date',
      'b.amount as bill_amount',
      'b.paid',
      'b.written_off',
      'b.issued_at',
      'b.settled_at',
    )
    .orderBy('w.id', 'desc')
    .limit(500);
  if (state) q.where('w.state', state);
  const rows = await q;
  const name = await namesOf(
    db,
    rows.map((r) => BigInt(r.customer_id)),
  );
  return rows.map((r) => {
    const bill = toBill({ ...r, id: r.bill_id, amount: r.bill_amount });
    return {
      ...toWriteOff(r),
      accountId: bill.accountId,
      customerId: bill.customerId,
      customerName: name(bill.customerId),
      periodStart: bill.periodStart,
      billOutstanding: bill.outstanding,
    };
  });
}

export type GradeRow = {
  accountId: bigint;
  customerId: bigint;
  customerName: string;
  grade: Grade;
  changedAt: Date;
  pending: { toGrade: Grade; by: string; at: Date; note: string | null } | null;
};

/** Debit accounts graded below A or with an upgrade awaiting approval, pending ones first. */
export async function gradeReviewList(db: Knex): Promise<GradeRow[]> {
  const { rows } = await db.raw(
    `select g.account_id, g.grade, g.changed_at, e.kind, e.to_grade, e.by, e.at, e.note
       from credit_grades g
       left join lateral (select kind, to_grade, by, at, note from credit_grade_events x
                           where x.account_id = g.account_id
                             and x.kind in ('upgrade-proposed', 'upgrade-approved', 'upgrade-rejected', 'downgrade')
                           order by x.id desc limit 1) e on true
      where g.grade <> 'A' or e.kind = 'upgrade-proposed'
      order by (e.kind = 'upgrade-proposed') desc nulls last, g.grade desc, g.account_id
      limit 500`,
  );
  const owners = await accountSummaries(
    db,
    rows.map((r: { account_id: string }) => BigInt(r.account_id)),
  );
  return rows.map((r: Record<string, any>) => ({
    accountId: BigInt(r.account_id),
    customerId: owners.get(BigInt(r.account_id))?.customerId ?? 0n,
    customerName: owners.get(BigInt(r.account_id))?.name ?? '',
    grade: r.grade,
    changedAt: r.changed_at,
    pending: r.kind === 'upgrade-proposed' ? { toGrade: r.to_grade, by: r.by, at: r.at, note: r.note } : null,
  }));
}
