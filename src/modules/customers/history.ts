// A customer's full history: the customer's own events (profile, vehicles, account, tier, hold)
// merged with the life-cycle events of its cards and OBUs, in time order, paged.
import type { Knex } from 'knex';
import { mediaFacts } from './media.ts';
import { getCustomer } from './customers.ts';
import type { Scope } from './repository.ts';

export type HistoryItem = {
  source: 'customer' | 'card' | 'obu';
  // the card or OBU number for media events
  mediumId: string | null;
  id: bigint;
  at: Date;
  actor: string;
  action: string;
  reason: string | null;
  changes: Record<string, unknown>;
  fromStatus: number | null;
  toStatus: number | null;
};

export async function customerFullHistory(
  db: Knex,
  scope: Scope,
  customerId: bigint,
  page: { limit: number; offset: number; order: 'asc' | 'desc' },
): Promise<{ events: HistoryItem[]; hasMore: boolean }> {
  await getCustomer(db, customerId, scope);
  // each source's first offset + limit + 1 rows hold the merged page and tell whether more follow
  const n = page.offset + page.limit + 1;
  const own = await db('customer_events')
    .where({ customer_id: customerId })
    .orderBy([
      { column: 'at', order: page.order },
      { column: 'id', order: page.order },
    ])
    .limit(n);
  const media = await mediaFacts().mediaEventsOfCustomer(db, customerId, n, page.order);
  const merged: HistoryItem[] = [
    ...own.map((r: Record<string, any>) => ({
      source: 'customer' as const,
      mediumId: null,
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      reason: r.reason,
      changes: r.changes,
      fromStatus: null,
      toStatus: null,
    })),
    ...media.map((e) => ({
      source: e.medium,
      mediumId: e.mediumId,
      id: e.id,
      at: e.at,
      actor: e.actor,
      action: e.action,
      reason: e.reason,
      changes: e.detail,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
    })),
  ];
  const rank = { customer: 0, card: 1, obu: 2 };
  const dir = page.order === 'asc' ? 1 : -1;
  merged.sort(
    (a, b) =>
      dir *
      (a.at.getTime() - b.at.getTime() || rank[a.source] - rank[b.source] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  );
  return {
    events: merged.slice(page.offset, page.offset + page.limit),
    hasMore: merged.length > page.offset + page.limit,
  };
}
