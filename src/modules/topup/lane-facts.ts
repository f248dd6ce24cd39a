// Facts about loads that lane-transaction ingest needs, read in bulk (one statement per batch):
// which key version each card reported when it loaded, and what was loaded onto a card between two
// of its purchases (the stored-value balance chain, ETC-REFERENCE §3).
import type { Knex } from 'knex';
import { arraysFor, unnestedRows } from '../../platform/db/binary-arrays.ts';

// The key version each card reported in its latest INITIALIZE FOR LOAD (authenticated by MAC1).
// Cards that never loaded are absent.
export async function cardKeyVersions(db: Knex, cardNos: string[]): Promise<Map<string, number>> {
  const distinct = [...new Set(cardNos)];
  if (distinct.length === 0) return new Map();
  const { rows } = await db.raw(
    `select distinct on (card_no) card_no, key_version from loads where card_no = any(?::bpchar[]) order by card_no, created_at desc`,
    [arraysFor(db).bpchar(distinct)],
  );
  return new Map(rows.map((r: { card_no: string; key_version: number }) => [r.card_no, Number(r.key_version)]));
}

const CARD_AFTER = [
  ['card_no', 'bpchar'],
  ['after', 'timestamptz'],
] as const;
const CARD_AT = [
  ['card_no', 'bpchar'],
  ['at', 'timestamptz'],
] as const;

export type LoadWindow = { cardNo: string; after: Date; before: Date };
export type LoadedInWindow = { confirmed: bigint; inFlight: bigint };

// Per window, in the order asked: the confirmed loads of the card authorised strictly between the
// two times, and those still in flight (authorised: the card may have taken the credit — a torn load
// the centre has not resolved yet). One index range per card (from its earliest window on), summed
// here: most windows hold no load at all.
export async function loadsInWindows(db: Knex, windows: LoadWindow[]): Promise<LoadedInWindow[]> {
  if (windows.length === 0) return [];
  const from = new Map<string, Date>();
  for (const w of windows) {
    const had = from.get(w.cardNo);
    if (!had || w.after < had) from.set(w.cardNo, w.after);
  }
  const a = arraysFor(db);
  const { rows } = await db.raw(
    `select l.card_no, l.created_at, l.amount, l.status
       from ${unnestedRows(CARD_AFTER, 'u')}
       join loads l on l.card_no = u.card_no and l.created_at > u.after and l.status in ('confirmed', 'authorised')`,
    [a.bpchar([...from.keys()]), a.timestamptz([...from.values()])],
  );
  const byCard = new Map<string, Array<{ at: number; amount: bigint; confirmed: boolean }>>();
  for (const r of rows as Array<{ card_no: string; created_at: Date; amount: bigint; status: string }>) {
    const list = byCard.get(r.card_no) ?? [];
    list.push({ at: r.created_at.getTime(), amount: BigInt(r.amount), confirmed: r.status === 'confirmed' });
    byCard.set(r.card_no, list);
  }
  return windows.map((w) => {
    let confirmed = 0n;
    let inFlight = 0n;
    for (const l of byCard.get(w.cardNo) ?? []) {
      if (l.at <= w.after.getTime() || l.at >= w.before.getTime()) continue;
      if (l.confirmed) confirmed += l.amount;
      else inFlight += l.amount;
    }
    return { confirmed, inFlight };
  });
}

// Per card and time, in the order asked: whether a load confirmed after that time. A purchase older
// than a confirmed load says nothing new about the purse: the load's own reading of the card already
// includes it. A load still in flight does not count: it may yet be reversed, and a reversal records
// no reading, so the purchase's reading would be lost and the centre's purse left too high (a refund
// or carry paying out money the card no longer holds); if it is confirmed, its reading replaces the
// purchase's anyway (the online sequence moves on).
export async function loadedAfter(db: Knex, items: Array<{ cardNo: string; at: Date }>): Promise<boolean[]> {
  if (items.length === 0) return [];
  const a = arraysFor(db);
  const { rows } = await db.raw(
    `select exists (select 1 from loads l where l.card_no = v.card_no and l.created_at > v.at and l.status = 'confirmed') as loaded
       from ${unnestedRows(CARD_AT, 'v', 'ord')} order by v.ord`,
    [a.bpchar(items.map((i) => i.cardNo)), a.timestamptz(items.map((i) => i.at))],
  );
  return rows.map((r: { loaded: boolean }) => r.loaded);
}
