// The purse readings lane ingest holds (lane_card_sequences: the balance after each accepted purchase
// of one of our stored-value cards), given to issuance, which keeps the card's last known purse.
import type { Knex } from 'knex';
import { arraysFor, unnestedRows } from '../../platform/db/binary-arrays.ts';
import type { PurseReading } from '../issuance/index.ts';
import { loadedAfter } from '../topup/index.ts';

const CARD_AFTER_SEQ = [
  ['card_no', 'bpchar'],
  ['after_seq', 'int4'],
] as const;

/** Per card, its newest purchase that took money with an offline sequence above afterSeq — unless a
 *  load confirmed after it: the load's own reading of the card already includes it (and every older
 *  purchase), so the card has nothing to catch up. One index range per card. */
export async function lanePurseReadings(
  db: Knex,
  cards: Array<{ cardNo: string; afterSeq: number }>,
): Promise<PurseReading[]> {
  if (cards.length === 0) return [];
  const a = arraysFor(db);
  const { rows } = await db.raw(
    `select s.card_no, s.offline_seq, s.balance_after, s.tx_time
       from ${unnestedRows(CARD_AFTER_SEQ)}
       cross join lateral (
         select s.card_no, s.offline_seq, s.balance_after, s.tx_time from lane_card_sequences s
          where s.card_no = v.card_no and s.offline_seq > v.after_seq and s.amount > 0 and s.balance_after is not null
          order by s.offline_seq desc limit 1) s`,
    [a.bpchar(cards.map((c) => c.cardNo)), a.int4(cards.map((c) => c.afterSeq))],
  );
  const newest = rows as Array<{ card_no: string; offline_seq: number; balance_after: bigint; tx_time: Date }>;
  const later = await loadedAfter(
    db,
    newest.map((r) => ({ cardNo: r.card_no, at: r.tx_time })),
  );
  return newest
    .filter((_, i) => !later[i])
    .map((r) => ({ cardNo: r.card_no, offlineSeq: r.offline_seq, balance: BigInt(r.balance_after) }));
}
