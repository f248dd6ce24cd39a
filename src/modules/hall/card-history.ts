// A card's history: its loads, lane transactions, list changes and life-cycle events in a period,
// merged newest first and paged. Each source gives its newest offset + limit + 1 rows.
import type { Knex } from 'knex';
import { cardEventsInPeriod, findCard } from '../issuance/index.ts';
import { laneTransactionsOfCard } from '../lanes/index.ts';
import { changesOfMedium } from '../statuslist/index.ts';
import { loadsOfCard } from '../topup/index.ts';

type Base = { at: Date; sortId: bigint | string };
export type HistoryEntry = Base & Record<string, unknown> & { kind: string; id: string };

const RANK: Record<string, number> = { event: 0, load: 1, 'list-change': 2, 'lane-transaction': 3 };

function newestFirst(a: HistoryEntry, b: HistoryEntry): number {
  const t = b.at.getTime() - a.at.getTime();
  if (t) return t;
  if (a.kind !== b.kind) return RANK[a.kind] - RANK[b.kind];
  return a.sortId < b.sortId ? 1 : a.sortId > b.sortId ? -1 : 0;
}

export async function cardHistory(
  db: Knex,
  cardNo: string,
  period: { from: Date | null; to: Date | null },
  page: { limit: number; offset: number },
): Promise<{ cardNo: string; items: Array<Record<string, unknown>>; hasMore: boolean }> {
  await findCard(db, cardNo);
  const n = page.offset + page.limit + 1;
  const { from, to } = period;
  const events = await cardEventsInPeriod(db, cardNo, from, to, n);
  const loads = await loadsOfCard(db, cardNo, from, to, n);
  const changes = await changesOfMedium(db, 'card', cardNo, from, to, n);
  const lane = await laneTransactionsOfCard(db, cardNo, from, to, n);
  const all: HistoryEntry[] = [
    ...events.map((e) => ({
      kind: 'event',
      id: String(e.id),
      sortId: e.id,
      at: e.at,
      action: e.action,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      actor: e.actor,
      reason: e.reason,
    })),
    ...loads.map((l) => ({
      kind: 'load',
      id: l.id,
      sortId: l.id,
      at: l.at,
      channel: l.channel,
      paymentMethod: l.paymentMethod,
      amount: l.amount,
      balanceBefore: l.balanceBefore,
      status: l.status,
      actor: l.actor,
    })),
    ...changes.map((c) => ({
      kind: 'list-change',
      id: String(c.id),
      sortId: c.id,
      at: c.createdAt,
      action: c.action,
      reason: c.reason,
      source: c.source,
      state: c.state,
      version: c.version,
      note: c.note,
    })),
    ...lane.map((t) => ({
      kind: 'lane-transaction',
      id: String(t.id),
      sortId: t.id,
      at: t.at,
      laneId: t.laneId,
      uploadedBy: t.uploadedBy,
      network: t.network,
      stationId: t.stationId,
      stationName: t.stationName,
      laneNo: t.laneNo,
      direction: t.direction,
      fee: t.fee,
      amount: t.amount,
      balanceAfter: t.balanceAfter,
      disposition: t.disposition,
      code: t.code,
    })),
  ];
  all.sort(newestFirst);
  return {
    cardNo,
    items: all.slice(page.offset, page.offset + page.limit).map(({ sortId: _s, ...item }) => item),
    hasMore: all.length > page.offset + page.limit,
  };
}
