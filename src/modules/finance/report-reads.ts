// Open exceptions counted for the finance read model (reports): per kind, by age at an instant in
// four buckets (under a day, 1–3 days, 3–7 days, a week or more), with the amounts they name.
import type { Knex } from 'knex';

export type ExceptionAges = {
  kind: string;
  under1d: number;
  d1to3: number;
  d3to7: number;
  over7d: number;
  total: number;
  amount: bigint; // Σ |amount| of those that name one
};

export async function openExceptionAges(db: Knex, at: Date): Promise<ExceptionAges[]> {
  const { rows } = await db.raw(
    `select kind,
            count(*) filter (where raised_at > ?::timestamptz - interval '1 day')::int as under1d,
            count(*) filter (where raised_at <= ?::timestamptz - interval '1 day'
                               and raised_at > ?::timestamptz - interval '3 days')::int as d1to3,
            count(*) filter (where raised_at <= ?::timestamptz - interval '3 days'
                               and raised_at > ?::timestamptz - interval '7 days')::int as d3to7,
            count(*) filter (where raised_at <= ?::timestamptz - interval '7 days')::int as over7d,
            count(*)::int as total, coalesce(sum(abs(amount)), 0)::bigint as amount
       from finance_exceptions where status = 'open'
      group by kind order by kind`,
    [at, at, at, at, at, at],
  );
  return (rows as Array<Record<string, any>>).map((r) => ({
    kind: r.kind,
    under1d: r.under1d,
    d1to3: r.d1to3,
    d3to7: r.d3to7,
    over7d: r.over7d,
    total: r.total,
    amount: BigInt(r.amount),
  }));
}
