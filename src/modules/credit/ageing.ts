// Overdue ageing of open bills (1–30, 31–60, 61–90, > 90 days past due), per customer and in total,
// and the reminders the daily sweep queues: one at the due date and one on entering each bucket,
// idempotent on the notification's dedupe key (a missed day sends the current bucket's only).
import type { Knex } from 'knex';
import { yuan } from '../../platform/money.ts';
import { queueNotification, registerTemplates } from '../notifications/index.ts';

export const BUCKETS = ['current', 'd1to30', 'd31to60', 'd61to90', 'over90'] as const;
export type Bucket = (typeof BUCKETS)[number];
export type AgeingRow = { customerId: bigint; accountId: bigint } & Record<Bucket, bigint> & { total: bigint };

const day = (at: Date) => at.toISOString().slice(0, 10);
const BUCKET_SQL = `case when d <= 0 then 'current' when d <= 30 then 'd1to30' when d <= 60 then 'd31to60'
                         when d <= 90 then 'd61to90' else 'over90' end`;

export function bucketOf(daysOverdue: number): Bucket {
  if (daysOverdue <= 0) return 'current';
  if (daysOverdue <= 30) return 'd1to30';
  if (daysOverdue <= 60) return 'd31to60';
  if (daysOverdue <= 90) return 'd61to90';
  return 'over90';
}

/** Outstanding of open bills by bucket, per account (optionally only these customers), at `at`. */
export async function ageing(
  db: Knex,
  at: Date,
  customerIds?: bigint[],
): Promise<{ rows: AgeingRow[]; total: AgeingRow }> {
  const filter = customerIds ? 'and customer_id = any(?::bigint[])' : '';
  const { rows } = await db.raw(
    `select customer_id, account_id, ${BUCKET_SQL} as bucket, sum(outstanding) as amount
       from (select customer_id, account_id, amount - paid - written_off as outstanding, ?::date - due_date as d
               from credit_bills where settled_at is null ${filter}) b
      group by 1, 2, 3 order by 1, 2`,
    customerIds ? [day(at), customerIds.map(String)] : [day(at)],
  );
  const zero = () => Object.fromEntries([...BUCKETS, 'total'].map((b) => [b, 0n])) as Record<Bucket | 'total', bigint>;
  const by = new Map<string, AgeingRow>();
  const total: AgeingRow = { customerId: 0n, accountId: 0n, ...zero() };
  for (const r of rows as Array<{ customer_id: string; account_id: string; bucket: Bucket; amount: string }>) {
    const key = `${r.customer_id}:${r.account_id}`;
    let row = by.get(key);
    if (!row) by.set(key, (row = { customerId: BigInt(r.customer_id), accountId: BigInt(r.account_id), ...zero() }));
    const amount = BigInt(r.amount);
    row[r.bucket] += amount;
    row.total += amount;
    total[r.bucket] += amount;
    total.total += amount;
  }
  return { rows: [...by.values()], total };
}

registerTemplates({
  'credit.bill-due': {
    sms: '您的ETC记账卡账单（{period}）今日到期，未付金额 {amount} 元，请及时缴款。',
    email: { subject: 'ETC账单到期提醒', body: '您的ETC记账卡账单（{period}）于 {due} 到期，未付金额 {amount} 元。' },
  },
  'credit.bill-overdue': {
    sms: '您的ETC记账卡账单（{period}）已逾期 {days} 天，未付金额 {amount} 元，逾期将影响通行，请尽快缴款。',
    email: {
      subject: 'ETC账单逾期提醒',
      body: '您的ETC记账卡账单（{period}）于 {due} 到期，已逾期 {days} 天，未付金额 {amount} 元。',
    },
  },
});

/** Queues the reminders due at `at`: open bills at or past due, one per bill and bucket. */
export async function queueReminders(db: Knex, at: Date): Promise<number> {
  const { rows } = await db.raw(
    `select id, customer_id, period_start, due_date, amount - paid - written_off as outstanding,
            ?::date - due_date as d
       from credit_bills where settled_at is null and due_date <= ?::date order by id`,
    [day(at), day(at)],
  );
  let queued = 0;
  for (const r of rows as Array<Record<string, any>>) {
    const bucket = bucketOf(Number(r.d));
    const params = {
      period: day(new Date(r.period_start)).slice(0, 7),
      due: day(new Date(r.due_date)),
      amount: yuan(BigInt(r.outstanding)),
      days: String(r.d),
    };
    const template = bucket === 'current' ? 'credit.bill-due' : 'credit.bill-overdue';
    const { queued: q } = await db.transaction((trx) =>
      queueNotification(trx, at, {
        channel: 'sms',
        recipient: { kind: 'customer', customerId: String(r.customer_id) },
        template,
        params,
        dedupeKey: `credit.bill:${r.id}:${bucket}`,
      }),
    );
    if (q) queued++;
  }
  return queued;
}
