// A stored-value card's last known purse (cards.last_balance and last_offline_seq) as accepted lane
// purchases show it. Read by a cancellation's refund, a reissue's balance carry and the counter.
//
// Lane ingest keeps every purchase's reading in its own tables and does not lock the card inside the
// batch: the batch's readings are applied just after it commits, in a short transaction of its own
// (recordLanePurses). Until then, or if the process died in between, the card is behind its
// readings; whatever locks the card to move money (lockCard, the carry release) first catches it up
// from the readings the lanes module provides (catchUpPurses), so money is never paid out on a purse
// a committed purchase has already spent.
import type { Knex } from 'knex';
import { arraysFor, unnestedRows } from '../../platform/db/binary-arrays.ts';
import { CARD_TYPE } from '../codes.ts';

export type PurseReading = { cardNo: string; offlineSeq: number; balance: bigint };

/** For each card, the newest reading with an offline sequence above `afterSeq` that still says
 *  something about the purse (a purchase that took money, no confirmed load after it); none: absent. */
export type PurseReader = (db: Knex, cards: Array<{ cardNo: string; afterSeq: number }>) => Promise<PurseReading[]>;
let reader: PurseReader | undefined;

// lanes sits above issuance: it provides its readings here (lanes/index.ts)
export function providePurseReadings(r: PurseReader): void {
  reader = r;
}

const PURSE_ROWS = [
  ['card_no', 'bpchar'],
  ['seq', 'int4'],
  ['balance', 'int8'],
] as const;

// The offline sequence only moves forward, so an older purchase uploaded late does not overwrite a
// newer one; the caller leaves out purchases older than a confirmed load of the card (the load's
// reading already includes them).
//
// One statement: only the cards whose purse moves are locked (a card already at a later sequence is
// not), in card-number order (an UPDATE … FROM locks in whatever order its plan visits, so two
// batches of the same cards could deadlock), FOR NO KEY UPDATE (what the UPDATE takes anyway:
// inserts referencing the card are not blocked). A transaction that waits for another's lock re-reads
// the row once it is free, so the later sequence wins whichever commits first: no purse update is lost.
export async function recordLanePurses(trx: Knex.Transaction, items: PurseReading[]): Promise<void> {
  const latest = new Map<string, { offlineSeq: number; balance: bigint }>();
  for (const i of items) {
    const had = latest.get(i.cardNo);
    if (!had || had.offlineSeq < i.offlineSeq) latest.set(i.cardNo, { offlineSeq: i.offlineSeq, balance: i.balance });
  }
  if (latest.size === 0) return;
  const cards = [...latest.keys()].sort();
  const a = arraysFor(trx);
  await trx.raw(
    `with v as (select * from ${unnestedRows(PURSE_ROWS)}),
          moving as materialized (
            select c.card_no from cards c join v on v.card_no = c.card_no
             where c.card_type = ? and c.last_offline_seq < v.seq
             order by c.card_no for no key update of c)
     update cards c set last_balance = v.balance, last_offline_seq = v.seq
       from v join moving m on m.card_no = v.card_no
      where c.card_no = v.card_no and c.last_offline_seq <= v.seq`,
    [
      a.bpchar(cards),
      a.int4(cards.map((c) => latest.get(c)!.offlineSeq)),
      a.int8(cards.map((c) => latest.get(c)!.balance)),
      CARD_TYPE.storedValue,
    ],
  );
}

/** Applies the lane readings these stored-value cards are behind on. Returns how many cards moved. */
export async function catchUpPurses(
  trx: Knex.Transaction,
  cards: Array<{ cardNo: string; lastOfflineSeq: number }>,
): Promise<number> {
  if (!reader || cards.length === 0) return 0;
  const readings = await reader(
    trx,
    cards.map((c) => ({ cardNo: c.cardNo, afterSeq: c.lastOfflineSeq })),
  );
  await recordLanePurses(trx, readings);
  return readings.length;
}

/** Every stored-value card brought up to its readings, a range of cards per transaction: what a
 *  process that died between a batch's commit and its purses left behind. Returns how many moved. */
export async function catchUpAllPurses(db: Knex, chunk = 5000): Promise<number> {
  let moved = 0;
  for (let after = ''; ;) {
    const more = await db.transaction(async (trx) => {
      const rows: Array<{ card_no: string; last_offline_seq: number }> = await trx('cards')
        .where('card_type', CARD_TYPE.storedValue)
        .andWhere('card_no', '>', after)
        .orderBy('card_no')
        .limit(chunk)
        .select('card_no', 'last_offline_seq');
      moved += await catchUpPurses(
        trx,
        rows.map((r) => ({ cardNo: r.card_no, lastOfflineSeq: r.last_offline_seq })),
      );
      if (rows.length > 0) after = rows[rows.length - 1].card_no;
      return rows.length === chunk;
    });
    if (!more) return moved;
  }
}
