// The list's head as a lane's poll needs it: the current version (with its publish time and the
// pruning point of deltas) and the lanes owed a full list.
// Most polls find nothing new, so the head is read at most once a second (on the centre's clock) per
// process and database rather than once per poll. This process forgets it at once when it publishes
// or changes a full-list request; another process's publish reaches a lane at most a second later
// (its next poll, a minute on). Kept per database: two centres in one process each have their own.
import type { Knex } from 'knex';
import { perDatabase } from '../../platform/db/per-database.ts';

export type ListHead = {
  current: number;
  publishedAt: string | null;
  prunedThrough: number;
  fullRequested: ReadonlySet<string>;
};

const TTL_MS = 1000;
type HeadCache = {
  cached: { head: ListHead; at: number } | null;
  loading: Promise<ListHead> | null;
  generation: number;
};
const heads = perDatabase<HeadCache>(() => ({ cached: null, loading: null, generation: 0 }));

export function forgetListHead(db: Knex): void {
  const c = heads(db);
  c.cached = null;
  c.generation++;
}

export async function listHead(db: Knex, now: Date): Promise<ListHead> {
  const c = heads(db);
  const at = now.getTime();
  if (c.cached && at - c.cached.at < TTL_MS && at >= c.cached.at) return c.cached.head;
  if (!c.loading) {
    const started = c.generation;
    c.loading = (async () => {
      const {
        rows: [r],
      } = await db.raw(`select v.version, v.published_at, s.pruned_through,
        (select coalesce(array_agg(lane_id), '{}') from status_list_lanes where full_requested_at is not null) as lanes
        from status_list_state s left join lateral (select version, published_at from status_list_versions order by version desc limit 1) v on true`);
      const head: ListHead = {
        current: Number(r.version ?? 0),
        publishedAt: r.published_at ? new Date(r.published_at).toISOString() : null,
        prunedThrough: Number(r.pruned_through),
        fullRequested: new Set<string>(r.lanes),
      };
      // a read that raced with a local publish is used once, not kept
      if (started === c.generation) c.cached = { head, at };
      return head;
    })().finally(() => {
      c.loading = null;
    });
  }
  return c.loading;
}
