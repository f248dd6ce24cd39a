// BENCH_STATEMENTS=1 (PostgreSQL started with pg_stat_statements preloaded): where the database's time
// goes during the bench's timed part, per batch and statement. Printed for whoever is looking, never
// kept as a figure: the extension's own bookkeeping changes what it measures.
import type pg from 'pg';

export const statementsWanted = process.env.BENCH_STATEMENTS === '1';

export async function resetStatements(db: pg.Client): Promise<void> {
  await db.query('create extension if not exists pg_stat_statements');
  await db.query('select pg_stat_statements_reset()');
}

/** The 25 statements with the most time since the reset, in milliseconds per batch. */
export async function printStatements(db: pg.Client, batches: number): Promise<void> {
  const { rows } = await db.query(
    `select calls, round((total_exec_time / $1)::numeric, 2) as exec_ms, round((total_plan_time / $1)::numeric, 2) as plan_ms,
            left(regexp_replace(query, '\\s+', ' ', 'g'), 110) as query
       from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
      order by total_exec_time + total_plan_time desc limit 25`,
    [batches],
  );
  console.table(rows);
}
