// loads and load_state_changes: reading, locking, and the one way a load changes state.
import type { Knex } from 'knex';
import { AppError } from '../../platform/http/errors.ts';

export type LoadStatus = 'authorised' | 'confirmed' | 'reversed';
export type Resolution = 'tac' | 'evidence' | 'reversal' | 'evidence-reversal' | 'reauthorised';

export type Load = {
  id: string;
  cardNo: string;
  channel: 'bank' | 'counter';
  clientId: string | null;
  actor: string;
  paymentMethod: string;
  paymentReference: string | null;
  payerAccount: string;
  amount: bigint;
  terminalId: string;
  balanceBefore: bigint;
  onlineSeq: number;
  keyVersion: number;
  algId: number;
  random: string;
  mac1: string;
  hostDate: string;
  hostTime: string;
  mac2: string;
  status: LoadStatus;
  resolution: Resolution | null;
  tac: string | null;
  reviewFlag: string | null;
  fundedBy: string | null;
  carryId: bigint | null;
  createdAt: Date;
  updatedAt: Date;
};

export function toLoad(r: Record<string, any>): Load {
  return {
    id: r.id,
    cardNo: r.card_no,
    channel: r.channel,
    clientId: r.client_id,
    actor: r.actor,
    paymentMethod: r.payment_method,
    paymentReference: r.payment_reference,
    payerAccount: r.payer_account,
    amount: r.amount,
    terminalId: r.terminal_id,
    balanceBefore: r.balance_before,
    onlineSeq: r.online_seq,
    keyVersion: r.key_version,
    algId: r.alg_id,
    random: r.random,
    mac1: r.mac1,
    hostDate: r.host_date,
    hostTime: r.host_time,
    mac2: r.mac2,
    status: r.status,
    resolution: r.resolution,
    tac: r.tac,
    reviewFlag: r.review_flag,
    fundedBy: r.funded_by,
    carryId: r.carry_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

// What a client is shown: no MAC1 and no random (they are the card's, and of no further use).
export function publicLoad(l: Load) {
  return {
    loadId: l.id,
    cardNo: l.cardNo,
    channel: l.channel,
    bank: l.clientId,
    paymentMethod: l.paymentMethod,
    bankReference: l.paymentReference,
    amount: l.amount,
    terminalId: l.terminalId,
    balanceBefore: l.balanceBefore,
    onlineSeq: l.onlineSeq,
    hostDate: l.hostDate,
    hostTime: l.hostTime,
    status: l.status,
    resolution: l.resolution,
    reviewFlag: l.reviewFlag,
    createdAt: l.createdAt,
    updatedAt: l.updatedAt,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function findLoad(db: Knex, id: string, opts: { lock?: boolean } = {}): Promise<Load> {
  if (!UUID.test(id)) throw new AppError('load-not-found', `no load ${id}`);
  const q = db('loads').where({ id }).first();
  if (opts.lock) q.forUpdate();
  const row = await q;
  if (!row) throw new AppError('load-not-found', `no load ${id}`);
  return toLoad(row);
}

export async function inFlightLoad(trx: Knex.Transaction, cardNo: string): Promise<Load | null> {
  const row = await trx('loads').where({ card_no: cardNo, status: 'authorised' }).forUpdate().first();
  return row ? toLoad(row) : null;
}

export async function loadHistory(db: Knex, id: string) {
  const rows = await db('load_state_changes').where({ load_id: id }).orderBy('id');
  return rows.map((r) => ({
    at: r.at,
    from: r.from_status,
    to: r.to_status,
    actor: r.actor,
    reason: r.reason,
    detail: r.detail,
  }));
}

type Change = {
  from: LoadStatus | 'requested' | null;
  to: LoadStatus | 'requested';
  actor: string;
  reason: string | null;
  detail: Record<string, unknown>;
};
const detailText = (d: Record<string, unknown>) =>
  JSON.stringify(d, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));

// A new load with its first state changes, in one statement.
export async function insertLoad(
  trx: Knex.Transaction,
  row: Record<string, unknown>,
  changes: Change[],
): Promise<void> {
  const insert = trx('loads').insert(row).returning('id').toSQL();
  const values = changes.map(() => '(?::text, ?::text, ?::text, ?::text, ?::jsonb)').join(', ');
  await trx.raw(
    `with l as (${insert.sql})
     insert into load_state_changes (load_id, at, from_status, to_status, actor, reason, detail)
     select l.id, ?::timestamptz, c.f, c.t, c.a, c.r, c.d from l cross join (values ${values}) as c (f, t, a, r, d)`,
    [
      ...insert.bindings,
      row.created_at as Date,
      ...changes.flatMap((c) => [c.from, c.to, c.actor, c.reason, detailText(c.detail)]),
    ],
  );
}

export async function recordLoadChange(
  trx: Knex.Transaction,
  at: Date,
  loadId: string,
  from: LoadStatus | 'requested' | null,
  to: LoadStatus | 'requested',
  actor: string,
  reason: string | null,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await trx('load_state_changes').insert({
    load_id: loadId,
    at,
    from_status: from,
    to_status: to,
    actor,
    reason,
    detail: JSON.stringify(detail, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
  });
}

export async function setLoadState(
  trx: Knex.Transaction,
  at: Date,
  load: Load,
  to: LoadStatus,
  actor: string,
  reason: string | null,
  fields: { resolution?: Resolution; tac?: string | null } = {},
): Promise<void> {
  await trx('loads')
    .where({ id: load.id })
    .update({
      status: to,
      updated_at: at,
      ...(fields.resolution ? { resolution: fields.resolution } : {}),
      ...(fields.tac !== undefined ? { tac: fields.tac } : {}),
    });
  await recordLoadChange(
    trx,
    at,
    load.id,
    load.status,
    to,
    actor,
    reason,
    fields.resolution ? { resolution: fields.resolution } : {},
  );
}
