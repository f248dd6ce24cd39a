// The set-based writes and reads of lane ingest: one statement per table per batch, rows passed as
// arrays and unnested by PostgreSQL. Rows are sorted by their unique key before insert so that two
// batches claiming overlapping keys lock them in the same order (no deadlock, one waits).
import type { Knex } from 'knex';
import type { ChainNeighbour } from './chain.ts';
import { firstCode, LANE_RESULT, type Work } from './ingest-checks.ts';
import { CARD_TYPE } from '../codes.ts';

// knex types raw bindings narrowly; PostgreSQL takes these arrays (bigint included) as they are
const b = (values: unknown[]) => values as Knex.RawBinding[];

export const terminalKey = (terminalId: string, terminalSeq: number) => `${terminalId}|${terminalSeq}`;
export const cardSeqKey = (cardNo: string, seq: number) => `${cardNo}|${seq}`;

/** Claims the terminal keys; returns the transaction id of each key that was new (absent: a re-send). */
export async function claimTerminalKeys(
  trx: Knex.Transaction,
  items: Array<{ terminalId: string; terminalSeq: number; clearingDate: string }>,
): Promise<Map<string, bigint>> {
  if (items.length === 0) return new Map();
  const sorted = [...items].sort((a, b) =>
    a.terminalId < b.terminalId ? -1 : a.terminalId > b.terminalId ? 1 : a.terminalSeq - b.terminalSeq,
  );
  const { rows } = await trx.raw(
    `insert into lane_transaction_keys (terminal_id, terminal_seq, transaction_id, clearing_date)
     select v.tid, v.tseq, nextval('lane_transactions_id_seq'), v.cd
       from unnest(?::text[], ?::bigint[], ?::date[]) with ordinality as v(tid, tseq, cd, ord)
      order by v.ord
     on conflict do nothing
     returning terminal_id, terminal_seq, transaction_id`,
    [sorted.map((i) => i.terminalId), sorted.map((i) => i.terminalSeq), sorted.map((i) => i.clearingDate)],
  );
  return new Map(
    rows.map((r: { terminal_id: string; terminal_seq: bigint; transaction_id: bigint }) => [
      terminalKey(r.terminal_id, Number(r.terminal_seq)),
      r.transaction_id,
    ]),
  );
}

/** Accepted transactions stored under these cards' offline sequences from lo to hi: one index
 *  range per transaction (its own sequence, or it and its two neighbours). */
export async function storedCardSeqs(
  db: Knex,
  ranges: Array<{ cardNo: string; lo: number; hi: number }>,
): Promise<Map<string, ChainNeighbour>> {
  if (ranges.length === 0) return new Map();
  const { rows } = await db.raw(
    `select distinct s.card_no, s.offline_seq, s.tx_time, s.balance_before, s.balance_after
       from unnest(?::bpchar[], ?::int[], ?::int[]) as k(card_no, lo, hi)
       join lane_card_sequences s on s.card_no = k.card_no and s.offline_seq between k.lo and k.hi`,
    [ranges.map((k) => k.cardNo), ranges.map((k) => k.lo), ranges.map((k) => k.hi)],
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

/** Claims (card, offline seq) for accepted transactions; returns the keys that were new. */
export async function claimCardSeqs(trx: Knex.Transaction, works: Work[]): Promise<Set<string>> {
  if (works.length === 0) return new Set();
  const sorted = [...works].sort((a, b) =>
    a.tx.cardNo < b.tx.cardNo ? -1 : a.tx.cardNo > b.tx.cardNo ? 1 : a.tx.offlineSeq - b.tx.offlineSeq,
  );
  const own22 = (w: Work) => w.own && w.tx.cardType === CARD_TYPE.storedValue;
  const { rows } = await trx.raw(
    `insert into lane_card_sequences (card_no, offline_seq, transaction_id, clearing_date, tx_time, amount, balance_before, balance_after)
     select * from unnest(?::text[], ?::int[], ?::bigint[], ?::date[], ?::timestamptz[], ?::bigint[], ?::bigint[], ?::bigint[])
     on conflict do nothing
     returning card_no, offline_seq`,
    b([
      sorted.map((w) => w.tx.cardNo),
      sorted.map((w) => w.tx.offlineSeq),
      sorted.map((w) => w.id!),
      sorted.map((w) => w.clearingDate!),
      sorted.map((w) => w.tx.time.toISOString()),
      sorted.map((w) => w.tx.amount),
      sorted.map((w) => (own22(w) ? (w.tx.balanceBefore ?? null) : null)),
      sorted.map((w) => (own22(w) ? (w.tx.balanceAfter ?? null) : null)),
    ]),
  );
  return new Set(rows.map((r: { card_no: string; offline_seq: number }) => cardSeqKey(r.card_no, r.offline_seq)));
}

export function dispositionOf(w: Work): { disposition: 'accepted' | 'duplicate' | 'rejected'; code?: number } {
  const code = firstCode(w.codes);
  if (code === 2 || (code === undefined && (w.resent || w.cardSeqDuplicate)))
    return { disposition: 'duplicate', code: LANE_RESULT.duplicate };
  if (code !== undefined) return { disposition: 'rejected', code };
  return { disposition: 'accepted' };
}

export async function insertUpload(
  trx: Knex.Transaction,
  u: {
    laneId: string;
    at: Date;
    received: number;
    accepted: number;
    duplicate: number;
    rejected: number;
    acceptedAmount: bigint;
  },
): Promise<bigint> {
  const [row] = await trx('lane_uploads')
    .insert({
      lane_id: u.laneId,
      received_at: u.at,
      received: u.received,
      accepted: u.accepted,
      duplicate: u.duplicate,
      rejected: u.rejected,
      accepted_amount: u.acceptedAmount,
    })
    .returning('id');
  return BigInt(row.id);
}

const iso = (d: Date | undefined) => (d ? d.toISOString() : null);

/** The stored rows of a batch (every transaction that was not a re-send), one statement. */
export async function insertTransactions(
  trx: Knex.Transaction,
  works: Work[],
  from: { uploadId: bigint | null; laneId: string | null; packageId: bigint | null; at: Date },
): Promise<void> {
  if (works.length === 0) return;
  const col = <T>(f: (w: Work) => T) => works.map(f);
  const d = works.map(dispositionOf);
  await trx.raw(
    `insert into lane_transactions (id, clearing_date, upload_id, lane_id, terminal_id, terminal_seq, trans_type, tx_time, card_no, card_type, issuer, own_card,
        obu_id, plate, plate_color, vehicle_class, entry_network, entry_station, entry_lane, entry_time, exit_network, exit_station, exit_lane, exit_time,
        sections, path_derived, split_operators, split_weights, fee, amount, balance_before, balance_after, offline_seq, tac, account_id, disposition, code, received_at,
        received_package_id)
     select v.id, v.cd, ?::bigint, ?::text, v.tid, v.tseq, v.tt, v.t, v.card, v.ctype, v.iss, v.own, v.obu, v.plate, v.pc, v.vc,
            v.en, v.es, v.el, v.et, v.xn, v.xs, v.xl, v.xt,
            string_to_array(v.secs, ','), v.derived, string_to_array(v.ops, ','), string_to_array(v.ws, ',')::bigint[],
            v.fee, v.amount, v.bb, v.ba, v.oseq, v.tac, v.acct, v.disp, v.code, ?::timestamptz, ?::bigint
       from unnest(?::bigint[], ?::date[], ?::text[], ?::bigint[], ?::text[], ?::timestamptz[], ?::text[], ?::smallint[], ?::text[], ?::boolean[],
                   ?::text[], ?::text[], ?::smallint[], ?::smallint[],
                   ?::text[], ?::int[], ?::smallint[], ?::timestamptz[], ?::text[], ?::int[], ?::smallint[], ?::timestamptz[],
                   ?::text[], ?::boolean[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::int[], ?::text[], ?::bigint[],
                   ?::text[], ?::smallint[])
         as v(id, cd, tid, tseq, tt, t, card, ctype, iss, own, obu, plate, pc, vc, en, es, el, et, xn, xs, xl, xt,
              secs, derived, ops, ws, fee, amount, bb, ba, oseq, tac, acct, disp, code)`,
    b([
      from.uploadId,
      from.laneId,
      from.at.toISOString(),
      from.packageId,
      col((w) => w.id!),
      col((w) => w.clearingDate!),
      col((w) => w.tx.terminalId),
      col((w) => w.tx.terminalSeq),
      col((w) => w.tx.transType),
      col((w) => w.tx.time.toISOString()),
      col((w) => w.tx.cardNo),
      col((w) => w.tx.cardType),
      col((w) => w.issuer),
      col((w) => w.own),
      col((w) => w.tx.obuId ?? null),
      col((w) => w.tx.plate ?? null),
      col((w) => w.tx.plateColor ?? null),
      col((w) => w.tx.vehicleClass),
      col((w) => w.tx.entry?.network ?? null),
      col((w) => w.tx.entry?.station ?? null),
      col((w) => w.tx.entry?.lane ?? null),
      col((w) => iso(w.tx.entry?.time)),
      col((w) => w.tx.exit?.network ?? null),
      col((w) => w.tx.exit?.station ?? null),
      col((w) => w.tx.exit?.lane ?? null),
      col((w) => iso(w.tx.exit?.time)),
      col((w) => (w.priced?.sections ?? w.tx.sections ?? []).join(',')),
      col((w) => w.priced?.derived ?? false),
      col((w) => (w.priced?.ok ? w.priced.operators.join(',') : null)),
      col((w) => (w.priced?.ok ? w.priced.weights.join(',') : null)),
      col((w) => w.tx.fee),
      col((w) => w.tx.amount),
      col((w) => w.tx.balanceBefore ?? null),
      col((w) => w.tx.balanceAfter ?? null),
      col((w) => w.tx.offlineSeq),
      col((w) => w.tx.tac),
      col((w) => w.accountId ?? null),
      d.map((x) => x.disposition),
      d.map((x) => x.code ?? null),
    ]),
  );
}
