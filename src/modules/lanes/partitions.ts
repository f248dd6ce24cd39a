// Day partitions of lane_transactions (clearing makes those of its splits with the same SQL function).
// Created ahead by the daily job; ingest makes sure of its days' partitions before it touches the
// table (a miss costs one DDL statement per day and process). A day whose partition could not be
// made keeps its rows in the default partition, which is still read through the parent.
import type { Knex } from 'knex';
import { perDatabase } from '../../platform/db/per-database.ts';
import { afterCommit } from '../../platform/db/transaction.ts';

const knownSets = perDatabase(() => new Set<string>());
const MAX_KNOWN = 2000;

export async function ensureDayPartitions(
  db: Knex,
  table: 'lane_transactions',
  dates: Iterable<string>,
): Promise<void> {
  const known = knownSets(db);
  for (const date of [...new Set(dates)].sort()) {
    const id = `${table}:${date}`;
    if (known.has(id)) continue;
    await db.raw('select ensure_daily_partitions(?::regclass, ?::date, 1)', [table, date]);
    // inside a transaction the partition exists for others only once it commits
    void afterCommit(
      db,
      async () => {
        if (known.size >= MAX_KNOWN) known.clear();
        known.add(id);
      },
      () => {},
    );
  }
}

// The daily job: partitions for the days ahead, so ingest never has to make one under load.
export async function preparePartitions(db: Knex, fromDate: string, days: number): Promise<number> {
  const r = await db.raw('select ensure_daily_partitions(?::regclass, ?::date, ?) as made', [
    'lane_transactions',
    fromDate,
    days,
  ]);
  return Number(r.rows[0].made);
}
