// The list's head as a lane's poll needs it: the current version (with its publish time and the
// pruning point of deltas) and the lanes owed a full list.
// Most polls find nothing new, so the head is read at most once a second per process rather than
// once per poll. This process forgets it at once when it publishes or changes a full-list request;
// another process's publish reaches a lane at most a second later (its next poll, a minute on).
import type { Knex } from 'knex';

export type ListHead = {
  current: number;
  publishedAt: string | null;
  prunedThrough: number;
  fullRequested: ReadonlySet<string>;
};

const TTL_MS = 1000;
let cached: { head: ListHead; at: number } | null = null;
let loading: Promise<ListHead> | null = null;
let generation = 0;

export function forgetListHead(): void {
  cached = null;
  generation++;
}

export async function listHead(db: Knex): Promise<ListHead> {
  if (cached && Date.now() - cached.at < TTL_MS) return cached.head;
  if (!loading) {
    const started = generation;
    loading = (async () => {
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
      if (started === generation) cached = { head, at: Date.now() };
      return head;
    })().finally(() => {
      loading = null;
    });
  }
  return loading;
}
