// The set-based writes and reads of lane ingest: one statement per table per batch, rows passed as
// arrays and unnested by PostgreSQL. Rows are sorted by their unique key before insert so that two
// batches claiming overlapping keys lock them in the same order (no deadlock, one waits).
import type { Knex } from 'knex';
import {
  arraysFor,
  unnestedRows,
  type ArrayParams,
  type ArrayType,
  type ArrayValue,
} from '../../platform/db/binary-arrays.ts';
import { preparedQuery } from '../../platform/db/prepared.ts';
import type { ChainNeighbour } from './chain.ts';
import { firstCode, LANE_RESULT, type Work } from './ingest-checks.ts';
import { CARD_TYPE } from '../codes.ts';

// knex types raw bindings narrowly; PostgreSQL takes these arrays (bigint included) as they are
const b = (values: unknown[]) => values as Knex.RawBinding[];

export const terminalKey = (terminalId: string, terminalSeq: number) => `${terminalId}|${terminalSeq}`;
export const cardSeqKey = (cardNo: string, seq: number) => `${cardNo}|${seq}`;

// The order both claims send their keys in, and so the order two batches lock the keys they share:
// by terminal or card, then by sequence.
const keyOrder = (aId: string, aSeq: number, bId: string, bSeq: number) =>
  aId < bId ? -1 : aId > bId ? 1 : aSeq - bSeq;

/** Claims the terminal keys; returns, in the order given, the new transaction id of each key, or
 *  null where the key was already taken (a re-send). */
export async function claimTerminalKeys(
  trx: Knex.Transaction,
  items: Array<{ terminalId: string; terminalSeq: number; clearingDate: string }>,
): Promise<Array<bigint | null>> {
  if (items.length === 0) return [];
  // sent in key order (the lock order); the answer comes back in that order
  const order = items.map((_, i) => i);
  order.sort((x, y) => keyOrder(items[x].terminalId, items[x].terminalSeq, items[y].terminalId, items[y].terminalSeq));
  const a = arraysFor(trx);
  // lane_claim_terminal_ids (migration 0202): a plain insert first, ON CONFLICT only when a key is taken
  const rows = await preparedQuery<{ ids: Array<bigint | null> }>(
    trx,
    'lane_claim_terminal_ids',
    `select lane_claim_terminal_ids(?::bpchar[], ?::int8[], ?::date[]) as ids`,
    [
      a.bpchar(order.map((i) => items[i].terminalId)),
      a.int8(order.map((i) => items[i].terminalSeq)),
      a.date(order.map((i) => items[i].clearingDate)),
    ],
  );
  const ids = rows[0].ids;
  if (ids.length !== items.length) throw new Error('lane_claim_terminal_ids: one answer per key');
  const out = new Array<bigint | null>(items.length);
  order.forEach((at, k) => (out[at] = ids[k]));
  return out;
}

const CARD_SEQ_RANGES = unnestedRows(
  [
    ['card_no', 'bpchar'],
    ['lo', 'int4'],
    ['hi', 'int4'],
  ],
  'k',
);

/** Accepted transactions stored under these cards' offline sequences from lo to hi: one index
 *  range per transaction (its own sequence, or it and its two neighbours). Ranges of one card's
 *  consecutive sequences overlap; a row found twice lands on the same key of the map, so the
 *  database is not asked to sort the rows for a distinct. */
export async function storedCardSeqs(
  db: Knex,
  ranges: Array<{ cardNo: string; lo: number; hi: number }>,
): Promise<Map<string, ChainNeighbour>> {
  if (ranges.length === 0) return new Map();
  const a = arraysFor(db);
  const { rows } = await db.raw(
    `select s.card_no, s.offline_seq, s.tx_time, s.balance_before, s.balance_after
       from ${CARD_SEQ_RANGES}
       join lane_card_sequences s on s.card_no = k.card_no and s.offline_seq between k.lo and k.hi`,
    [a.bpchar(ranges.map((k) => k.cardNo)), a.int4(ranges.map((k) => k.lo)), a.int4(ranges.map((k) => k.hi))],
  );
  return new Map(
    rows.map((r: Record<string, any>) => [
      cardSeqKey(r.card_no, r.offline_seq),
      {
        cardNo: r.card_no,
        seq: r.offline_seq,
        time: r.tx_time,
        before: r.balance_before,
        after: r.balance_after,
      },
    ]),
  );
}

/** Claims (card, offline seq) for accepted transactions; returns the keys a concurrent batch had
 *  already claimed (almost always none: only the lost claims come back, not a row per claim). */
export async function claimCardSeqs(trx: Knex.Transaction, works: Work[]): Promise<Set<string>> {
  if (works.length === 0) return new Set();
  const sorted = [...works].sort((a, b) => keyOrder(a.tx.cardNo, a.tx.offlineSeq, b.tx.cardNo, b.tx.offlineSeq));
  const own22 = (w: Work) => w.own && w.tx.cardType === CARD_TYPE.storedValue;
  const a = arraysFor(trx);
  // lane_claim_card_seqs (migration 0200): a plain insert first, ON CONFLICT only when a pair is taken
  const rows = await preparedQuery<{ o_card_no: string; o_offline_seq: number }>(
    trx,
    'lane_claim_card_seqs',
    `select o_card_no, o_offline_seq
       from lane_claim_card_seqs(?::bpchar[], ?::int4[], ?::int8[], ?::date[], ?::timestamptz[], ?::int8[], ?::int8[], ?::int8[])`,
    [
      a.bpchar(sorted.map((w) => w.tx.cardNo)),
      a.int4(sorted.map((w) => w.tx.offlineSeq)),
      a.int8(sorted.map((w) => w.id!)),
      a.date(sorted.map((w) => w.clearingDate!)),
      a.timestamptz(sorted.map((w) => w.tx.time)),
      a.int8(sorted.map((w) => w.tx.amount)),
      a.int8(sorted.map((w) => (own22(w) ? (w.tx.balanceBefore ?? null) : null))),
      a.int8(sorted.map((w) => (own22(w) ? (w.tx.balanceAfter ?? null) : null))),
    ],
  );
  return new Set(rows.map((r) => cardSeqKey(r.o_card_no, r.o_offline_seq)));
}

export function dispositionOf(w: Work): { disposition: 'accepted' | 'duplicate' | 'rejected'; code?: number } {
  const code = firstCode(w.codes);
  if (code === 2 || (code === undefined && (w.resent || w.cardSeqDuplicate)))
    return { disposition: 'duplicate', code: LANE_RESULT.duplicate };
  if (code !== undefined) return { disposition: 'rejected', code };
  return { disposition: 'accepted' };
}

export type UploadCounts = {
  laneId: string;
  at: Date;
  received: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  acceptedAmount: bigint;
};

// The columns of a stored row: name, array element type, and the value. The comma-joined sections
// and split are sent as text and split by the statement (a section id and an operator id have no comma).
type Column = [string, ArrayType, (w: Work, d: ReturnType<typeof dispositionOf>) => ArrayValue];
const COLUMNS: Column[] = [
  ['id', 'int8', (w) => w.id!],
  ['clearing_date', 'date', (w) => w.clearingDate!],
  ['terminal_id', 'text', (w) => w.tx.terminalId],
  ['terminal_seq', 'int8', (w) => w.tx.terminalSeq],
  ['trans_type', 'text', (w) => w.tx.transType],
  ['tx_time', 'timestamptz', (w) => w.tx.time],
  ['card_no', 'text', (w) => w.tx.cardNo],
  ['card_type', 'int2', (w) => w.tx.cardType],
  ['issuer', 'text', (w) => w.issuer],
  ['own_card', 'bool', (w) => w.own],
  ['obu_id', 'text', (w) => w.tx.obuId ?? null],
  ['plate', 'text', (w) => w.tx.plate ?? null],
  ['plate_color', 'int2', (w) => w.tx.plateColor ?? null],
  ['vehicle_class', 'int2', (w) => w.tx.vehicleClass],
  ['entry_network', 'text', (w) => w.tx.entry?.network ?? null],
  ['entry_station', 'int4', (w) => w.tx.entry?.station ?? null],
  ['entry_lane', 'int2', (w) => w.tx.entry?.lane ?? null],
  ['entry_time', 'timestamptz', (w) => w.tx.entry?.time ?? null],
  ['exit_network', 'text', (w) => w.tx.exit?.network ?? null],
  ['exit_station', 'int4', (w) => w.tx.exit?.station ?? null],
  ['exit_lane', 'int2', (w) => w.tx.exit?.lane ?? null],
  ['exit_time', 'timestamptz', (w) => w.tx.exit?.time ?? null],
  ['sections', 'text', (w) => (w.priced?.sections ?? w.tx.sections ?? []).join(',')],
  ['path_derived', 'bool', (w) => w.priced?.derived ?? false],
  ['split_operators', 'text', (w) => (w.priced?.ok ? w.priced.operators.join(',') : null)],
  ['split_weights', 'text', (w) => (w.priced?.ok ? w.priced.weights.join(',') : null)],
  ['fee', 'int8', (w) => w.tx.fee],
  ['amount', 'int8', (w) => w.tx.amount],
  ['balance_before', 'int8', (w) => w.tx.balanceBefore ?? null],
  ['balance_after', 'int8', (w) => w.tx.balanceAfter ?? null],
  ['offline_seq', 'int4', (w) => w.tx.offlineSeq],
  ['tac', 'text', (w) => w.tx.tac],
  ['account_id', 'int8', (w) => w.accountId ?? null],
  ['disposition', 'text', (_, d) => d.disposition],
  ['code', 'int2', (_, d) => d.code ?? null],
];
// Each column is its array unnested in the select list (see unnestedRows), with no derived table
// around them: the comma-joined sections and split are split in the same expression.
const SELECTED = COLUMNS.map(([name, type]) =>
  name === 'sections' || name === 'split_operators'
    ? `string_to_array(unnest(?::${type}[]), ',')`
    : name === 'split_weights'
      ? `string_to_array(unnest(?::${type}[]), ',')::bigint[]`
      : `unnest(?::${type}[])`,
).join(', ');
const INSERT_ROWS = `insert into lane_transactions (${COLUMNS.map(([name]) => name).join(', ')}, upload_id, lane_id, received_at, received_package_id)`;

function columnArrays(a: ArrayParams, works: Work[]): Array<Buffer | string> {
  const d = works.map(dispositionOf);
  return COLUMNS.map(([, type, f]) => a[type](works.map((w, i) => f(w, d[i]))));
}

/** A lane's upload and its stored rows (every transaction that was not a re-send) in one statement:
 *  the rows take the id the upload's insert returns, so none can name an upload that does not
 *  exist (lane_transactions has no foreign key to lane_uploads: migration 0181). Returns the id. */
export async function insertUploadWithTransactions(
  trx: Knex.Transaction,
  u: UploadCounts & { overdraftsPending: boolean; pursesPending: boolean },
  works: Work[],
): Promise<bigint> {
  const rows = await preparedQuery<{ id: string | bigint }>(
    trx,
    'lane_upload_with_rows',
    `with u as (insert into lane_uploads (lane_id, received_at, received, accepted, duplicate, rejected, accepted_amount,
                                          overdrafts_pending, purses_pending)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning id),
          r as (${INSERT_ROWS}
                select ${SELECTED}, (select id from u), ?::text, ?::timestamptz, null)
     select id from u`,
    [
      u.laneId,
      u.at.toISOString(),
      u.received,
      u.accepted,
      u.duplicate,
      u.rejected,
      u.acceptedAmount,
      u.overdraftsPending,
      u.pursesPending,
      ...columnArrays(arraysFor(trx), works),
      u.laneId,
      u.at.toISOString(),
    ],
  );
  return BigInt(rows[0].id);
}

/** The stored rows of a package a peer province sent (no lane, no upload), one statement. */
export async function insertPackageTransactions(
  trx: Knex.Transaction,
  works: Work[],
  from: { packageId: bigint; at: Date },
): Promise<void> {
  if (works.length === 0) return;
  await trx.raw(
    `${INSERT_ROWS} select ${SELECTED}, null, null, ?::timestamptz, ?::bigint`,
    b([...columnArrays(arraysFor(trx), works), from.at.toISOString(), from.packageId]),
  );
}
