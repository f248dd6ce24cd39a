// Pricing a trip against the tariff in force on its day: the path (given or derived), the toll of
// each section for the vehicle class, the fee, the amount the card should have paid, and each
// operator's weight for the split. A day's tariff book is read once and cached: tolls and discount
// rates for a day up to today never change (new versions must take effect after today), so those
// books are kept; books for later days are re-read after a few seconds.
import { perDatabase } from '../../platform/db/per-database.ts';
import type { Knex } from 'knex';
import { localDate } from '../../platform/clock/clock.ts';
import { OWN_CARD, ownCardAmount } from './discount.ts';
import { shortestPath, type GraphSection } from './graph.ts';

export type TariffBook = {
  date: string;
  operatorOf: Map<string, string>; // section id → operator id
  graph: GraphSection[];
  tolls: Map<string, bigint>; // `${sectionId}|${vehicleClass}` → toll in fen
  ownCardPercent: string; // the own-card discount in force, e.g. '5.00'
  paths: Map<string, string[]>; // memo of derived paths, `${from}-${to}`
  fares: Map<string, Fare>; // memo of fares, `${vehicleClass}|${sections joined by ','}`
};

/** What a path costs a vehicle class: its tolls summed, each operator's part (operators sorted) and
 *  what one of our cards pays; or why it cannot be priced. The same for every trip on the path. */
type Fare =
  { ok: true; tolls: bigint; ownAmount: bigint; operators: string[]; weights: bigint[] } | { ok: false; why: string };

const caches = perDatabase(() => new Map<string, { book: TariffBook; until: number }>());
const FUTURE_TTL_MS = 5000;
const MAX_BOOKS = 400;

export function invalidateTariffCache(db: Knex): void {
  caches(db).clear();
}

async function loadBook(db: Knex, date: string): Promise<TariffBook> {
  // one after the other: db may be a transaction, which is one connection
  const sections = await db('sections').select('id', 'from_station', 'to_station', 'operator_id').orderBy('id');
  const tolls = await db('section_tolls')
    .distinctOn('section_id', 'vehicle_class')
    .select('section_id', 'vehicle_class', 'toll')
    .where('effective_from', '<=', date)
    .orderBy([{ column: 'section_id' }, { column: 'vehicle_class' }, { column: 'effective_from', order: 'desc' }]);
  const rate = await db('discount_rates')
    .where({ kind: OWN_CARD })
    .andWhere('effective_from', '<=', date)
    .orderBy('effective_from', 'desc')
    .first('percent');
  return {
    date,
    operatorOf: new Map(sections.map((s: { id: string; operator_id: string }) => [s.id, s.operator_id])),
    graph: sections.map((s: { id: string; from_station: number; to_station: number }) => ({
      id: s.id,
      fromStation: s.from_station,
      toStation: s.to_station,
    })),
    tolls: new Map(
      tolls.map((t: { section_id: string; vehicle_class: number; toll: bigint }) => [
        `${t.section_id}|${t.vehicle_class}`,
        BigInt(t.toll),
      ]),
    ),
    // no rate in force means no discount
    ownCardPercent: rate ? String(rate.percent) : '0',
    paths: new Map(),
    fares: new Map(),
  };
}

/** The tariff books of the given days (YYYY-MM-DD), from the cache where it may be trusted. */
export async function tariffBooks(db: Knex, dates: Iterable<string>, now: Date): Promise<Map<string, TariffBook>> {
  const today = localDate(now);
  const cache = caches(db);
  const out = new Map<string, TariffBook>();
  for (const date of new Set(dates)) {
    const hit = cache.get(date);
    if (hit && hit.until > now.getTime()) {
      out.set(date, hit.book);
      continue;
    }
    const book = await loadBook(db, date);
    // an empty network (not seeded yet) is never kept
    if (book.graph.length > 0) {
      if (cache.size >= MAX_BOOKS) cache.delete(cache.keys().next().value!);
      cache.set(date, { book, until: date <= today ? Number.POSITIVE_INFINITY : now.getTime() + FUTURE_TTL_MS });
    }
    out.set(date, book);
  }
  return out;
}

export type TripInput = {
  vehicleClass: number;
  fee: bigint;
  amount: bigint;
  sections?: string[];
  entry?: { network: string; station: number };
  exit?: { network: string; station: number };
};

export type Priced =
  | { ok: true; sections: string[]; derived: boolean; operators: string[]; weights: bigint[] }
  | { ok: false; code: 6 | 7; sections: string[]; derived: boolean; why: string };

// A book's memos (derived paths, fares) keep only what was found or priced, and one holding
// MAX_MEMO entries starts again empty: the busy entries come back at once, and a book's memory stays
// bounded whatever stations and sections the lanes send.
const MAX_MEMO = 2048;

function remember<V>(memo: Map<string, V>, key: string, make: () => V, keep: (v: V) => boolean): V {
  const known = memo.get(key);
  if (known !== undefined) return known;
  const v = make();
  if (keep(v)) {
    if (memo.size >= MAX_MEMO) memo.clear();
    memo.set(key, v);
  }
  return v;
}

function derivedPath(book: TariffBook, from: number, to: number): string[] | null {
  return remember(
    book.paths,
    `${from}-${to}`,
    () => shortestPath(book.graph, from, to),
    (p) => p !== null,
  );
}

// own: the card is this centre's, so the own-card discount applies (every section here is ours).
export function priceTrip(book: TariffBook, t: TripInput, own: boolean, network: string): Priced {
  const fail = (code: 6 | 7, why: string, sections: string[] = t.sections ?? [], derived = false): Priced => ({
    ok: false,
    code,
    sections,
    derived,
    why,
  });
  if (!t.exit) {
    // an entry transaction writes the entry record with a compound purchase of 0: nothing to price
    if (t.fee !== 0n || t.amount !== 0n || (t.sections?.length ?? 0) > 0)
      return fail(6, 'a transaction without an exit charges nothing');
    return { ok: true, sections: [], derived: false, operators: [], weights: [] };
  }
  let sections = t.sections ?? [];
  let derived = false;
  if (sections.length === 0) {
    if (!t.entry) return fail(6, 'no sections and no entry to derive the path from');
    if (t.entry.network !== network || t.exit.network !== network)
      return fail(6, 'the path of a trip entering from another network must be sent');
    const path = derivedPath(book, t.entry.station, t.exit.station);
    if (!path) return fail(6, 'no path between the entry and exit stations');
    sections = path;
    derived = true;
  }
  const fare = fareOf(book, sections, t.vehicleClass);
  if (!fare.ok) return fail(6, fare.why, sections, derived);
  if (t.fee !== fare.tolls) return fail(6, `fee ${t.fee} is not the tariff ${fare.tolls}`, sections, derived);
  const expected = own ? fare.ownAmount : fare.tolls;
  if (t.amount > expected) return fail(7, `amount ${t.amount} is above ${expected}`, sections, derived);
  if (t.amount < expected) return fail(6, `amount ${t.amount} is not ${expected}`, sections, derived);
  return { ok: true, sections, derived, operators: fare.operators, weights: fare.weights };
}

// A day's trips repeat the busy paths and classes, so each fare is worked out once per book (section
// ids have no comma: the key is unambiguous). A fare's arrays are shared by the trips priced with it
// and only read.
function fareOf(book: TariffBook, sections: string[], vehicleClass: number): Fare {
  return remember(
    book.fares,
    `${vehicleClass}|${sections.join(',')}`,
    () => workOutFare(book, sections, vehicleClass),
    (f) => f.ok,
  );
}

function workOutFare(book: TariffBook, sections: string[], vehicleClass: number): Fare {
  const byOperator = new Map<string, bigint>();
  let tolls = 0n;
  for (const s of sections) {
    const operator = book.operatorOf.get(s);
    const toll = book.tolls.get(`${s}|${vehicleClass}`);
    if (operator === undefined || toll === undefined)
      return { ok: false, why: `no toll in force for class ${vehicleClass} on ${s}` };
    tolls += toll;
    byOperator.set(operator, (byOperator.get(operator) ?? 0n) + toll);
  }
  const operators = [...byOperator.keys()].sort();
  return {
    ok: true,
    tolls,
    ownAmount: ownCardAmount(tolls, book.ownCardPercent),
    operators,
    weights: operators.map((o) => byOperator.get(o)!),
  };
}
