// Test synchronisation on PostgreSQL's own locks, polled from the database (never timed): wait until
// some backend is waiting for a lock that the backend `blockerPid` holds.
import assert from 'node:assert/strict';
import type { Knex } from 'knex';

/** How many backends wait for a lock that the backend `blockerPid` holds. */
export async function blockedBy(db: Knex, blockerPid: number): Promise<number> {
  const w = await db.raw(
    `select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and ? = any(pg_blocking_pids(pid))`,
    [blockerPid],
  );
  return w.rows[0].n;
}

export async function untilBlockedBy(
  db: Knex,
  blockerPid: number,
  finished: () => boolean,
  what: string,
): Promise<void> {
  while ((await blockedBy(db, blockerPid)) === 0) assert.equal(finished(), false, what);
}
