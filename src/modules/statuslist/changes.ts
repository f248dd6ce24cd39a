// status_list_changes: the requests made of the list (rules, supervisors, peers) before and after
// the publisher seals them. Functions take the knex handle (or the caller's transaction) first.
import type { Knex } from 'knex';
import { AppError } from '../../platform/http/errors.ts';
import { issuerOf, type ListAction, type Medium } from './reasons.ts';

export type ChangeSource = 'rule' | 'manual' | 'interchange';
export type ChangeState = 'pending' | 'held' | 'published' | 'discarded';

export type ChangeView = {
  id: bigint;
  medium: Medium;
  mediumId: string;
  issuer: string;
  action: ListAction;
  reason: number | null;
  whole: boolean;
  source: ChangeSource;
  state: ChangeState;
  version: number | null;
  customerId: bigint | null;
  event: string | null;
  note: string | null;
  createdAt: Date;
  createdBy: string;
  decidedAt: Date | null;
  decidedBy: string | null;
};

export type NewChange = {
  medium: Medium;
  mediumId: string;
  action: ListAction;
  reason: number | null;
  whole?: boolean;
  source: ChangeSource;
  state: 'pending' | 'held';
  customerId?: bigint | null;
  event?: string | null;
  eventId?: bigint | null;
  note?: string | null;
  at: Date;
  by: string;
};

type Row = Record<string, any>;

export const toChange = (r: Row): ChangeView => ({
  id: r.id,
  medium: r.medium,
  mediumId: r.medium_id,
  issuer: r.issuer,
  action: r.action,
  reason: r.reason,
  whole: r.whole,
  source: r.source,
  state: r.state,
  version: r.version,
  customerId: r.customer_id,
  event: r.event,
  note: r.note,
  createdAt: r.created_at,
  createdBy: r.created_by,
  decidedAt: r.decided_at,
  decidedBy: r.decided_by,
});

export function changeRow(c: NewChange): Row {
  return {
    medium: c.medium,
    medium_id: c.mediumId,
    issuer: issuerOf(c.mediumId),
    action: c.action,
    reason: c.reason,
    whole: c.whole ?? false,
    source: c.source,
    state: c.state,
    customer_id: c.customerId ?? null,
    event: c.event ?? null,
    event_id: c.eventId ?? null,
    note: c.note ?? null,
    created_at: c.at,
    created_by: c.by,
  };
}

export async function insertChange(db: Knex, c: NewChange): Promise<ChangeView> {
  const [row] = await db('status_list_changes').insert(changeRow(c)).returning('*');
  return toChange(row);
}

// Whether the id is meant to be listed for this reason once everything not discarded is published:
// the latest such change touching the reason (or every reason of the id) decides.
export async function intendedListed(db: Knex, medium: Medium, mediumId: string, reason: number): Promise<boolean> {
  const last = await db('status_list_changes')
    .where({ medium, medium_id: mediumId })
    .whereNot('state', 'discarded')
    .andWhere((q) => q.where('reason', reason).orWhere('whole', true))
    .orderBy('id', 'desc')
    .first('action', 'reason');
  return last !== undefined && last.action === 'enter' && last.reason === reason;
}

// Whether the id is listed now or is meant to be (an enter waiting to be published or confirmed).
export async function listedOrComing(db: Knex, medium: Medium, mediumId: string): Promise<boolean> {
  const listed = await db('status_list_causes').where({ medium, medium_id: mediumId }).first('reason');
  if (listed) return true;
  const waiting = await db('status_list_changes')
    .where({ medium, medium_id: mediumId, action: 'enter' })
    .whereIn('state', ['pending', 'held'])
    .first('id');
  return waiting !== undefined;
}

// A later leave makes a held enter of the same reason moot: it is discarded by the system, so a
// supervisor cannot confirm an entry whose cause has already gone. reason null: every reason.
export async function discardHeldEnters(
  db: Knex,
  medium: Medium,
  mediumId: string,
  reason: number | null,
  at: Date,
  note: string,
): Promise<bigint[]> {
  const q = db('status_list_changes').where({ medium, medium_id: mediumId, state: 'held', action: 'enter' });
  if (reason !== null) q.andWhere('reason', reason);
  const rows = await q.update({ state: 'discarded', decided_at: at, decided_by: 'system', note }).returning('id');
  return rows.map((r: Row) => r.id);
}

export async function lockChange(trx: Knex.Transaction, id: bigint): Promise<ChangeView> {
  const row = await trx('status_list_changes').where('id', String(id)).forUpdate().first();
  if (!row) throw new AppError('list-change-not-found', `no status-list change ${id}`);
  return toChange(row);
}

export type ChangeFilter = {
  state?: ChangeState;
  customerId?: bigint;
  medium?: Medium;
  mediumId?: string;
  limit: number;
  offset: number;
};

export async function listChanges(db: Knex, f: ChangeFilter): Promise<ChangeView[]> {
  const q = db('status_list_changes').select('*').orderBy('id', 'desc').limit(f.limit).offset(f.offset);
  if (f.state) q.where('state', f.state);
  if (f.customerId !== undefined) q.where('customer_id', String(f.customerId));
  if (f.medium) q.where('medium', f.medium);
  if (f.mediumId) q.where('medium_id', f.mediumId);
  return (await q).map(toChange);
}

export async function countOpen(db: Knex): Promise<{ pending: number; held: number }> {
  const rows = await db('status_list_changes')
    .whereIn('state', ['pending', 'held'])
    .groupBy('state')
    .select('state')
    .count({ n: '*' });
  const by = new Map(rows.map((r: Row) => [r.state, Number(r.n)]));
  return { pending: by.get('pending') ?? 0, held: by.get('held') ?? 0 };
}
