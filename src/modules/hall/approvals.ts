// The supervisors' queue: card cancellations with a refund and held status-list changes, oldest
// first, each with what it is about, who asked, and the URLs that decide it.
import type { Knex } from 'knex';
import { displayNamesOfActors } from '../access/index.ts';
import { openCancellations } from '../issuance/index.ts';
import { heldChanges } from '../statuslist/index.ts';

export type Approval = {
  kind: 'card-cancellation' | 'list-change';
  id: string;
  subject: { medium: 'card' | 'obu'; id: string; customerId: bigint | null };
  summary: string;
  // the summary's facts, for a screen to say in its user's language
  about:
    | { refundMethod: 'cash' | 'bank-account' }
    | { action: 'enter' | 'leave'; listReason: number | null; event: string | null };
  reason: string | null;
  amount: bigint | null;
  requestedBy: string;
  // the requester's display name when a member of staff asked (null for the service itself)
  requestedByName: string | null;
  requestedAt: Date;
  // four eyes: the one who asked may not decide
  mayDecide: boolean;
  decisions: Array<{ decision: string; method: 'post'; url: string; body: { note: 'string' } }>;
};

export async function approvalsQueue(
  db: Knex,
  me: { label: string; supervisor: boolean },
  filter: { kind?: Approval['kind']; customerId?: bigint },
  page: { limit: number; offset: number },
): Promise<{ approvals: Approval[]; hasMore: boolean }> {
  const n = page.offset + page.limit + 1;
  const cancellations = filter.kind === 'list-change' ? [] : await openCancellations(db, filter.customerId, n);
  const held = filter.kind === 'card-cancellation' ? [] : await heldChanges(db, filter.customerId, n);
  const note = { note: 'string' as const };
  // who asked, by name, is looked up for the page shown only
  const all: Array<Omit<Approval, 'requestedByName'> & { sortId: bigint }> = [
    ...cancellations.map((c) => ({
      kind: 'card-cancellation' as const,
      id: String(c.id),
      sortId: c.id,
      subject: { medium: 'card' as const, id: c.cardNo, customerId: c.customerId },
      summary: `cancel card ${c.cardNo} with a refund by ${c.refundMethod}`,
      about: { refundMethod: c.refundMethod },
      reason: c.reason,
      amount: c.lastBalance,
      requestedBy: c.requestedBy,
      requestedAt: c.requestedAt,
      mayDecide: me.supervisor && c.requestedBy !== me.label,
      decisions: (['approve', 'reject'] as const).map((d) => ({
        decision: d,
        method: 'post' as const,
        url: `/api/v1/card-cancellations/${c.id}/${d}`,
        body: note,
      })),
    })),
    ...held.map((h) => ({
      kind: 'list-change' as const,
      id: String(h.id),
      sortId: h.id,
      subject: { medium: h.medium, id: h.mediumId, customerId: h.customerId },
      summary: `${h.action === 'enter' ? 'list' : 'unlist'} ${h.medium} ${h.mediumId}${h.reason ? ` (reason ${h.reason})` : ''}${h.event ? ` after ${h.event}` : ''}`,
      about: { action: h.action, listReason: h.reason, event: h.event },
      reason: h.note,
      amount: null,
      requestedBy: h.createdBy,
      requestedAt: h.createdAt,
      mayDecide: me.supervisor,
      decisions: (['confirm', 'discard'] as const).map((d) => ({
        decision: d,
        method: 'post' as const,
        url: `/api/v1/status-list/changes/${h.id}/${d}`,
        body: note,
      })),
    })),
  ];
  all.sort(
    (a, b) =>
      a.requestedAt.getTime() - b.requestedAt.getTime() ||
      (a.kind === b.kind ? (a.sortId < b.sortId ? -1 : a.sortId > b.sortId ? 1 : 0) : a.kind < b.kind ? -1 : 1),
  );
  const shown = all.slice(page.offset, page.offset + page.limit);
  const names = await displayNamesOfActors(
    db,
    shown.map((a) => a.requestedBy),
  );
  return {
    approvals: shown.map(({ sortId: _s, ...a }) => ({ ...a, requestedByName: names.get(a.requestedBy) ?? null })),
    hasMore: all.length > page.offset + page.limit,
  };
}
