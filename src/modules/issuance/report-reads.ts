// Cards and OBUs for the finance read model (reports), set-based: issued per local day, and the
// media by type and status at an instant.
import type { Knex } from 'knex';
import { DAY_MS, localDayStart } from '../../platform/clock/clock.ts';

export type IssuedPerDay = { date: string; cards: bigint; obus: bigint };

/** Cards and OBUs issued on the local days [from, to]; days with neither are left out. */
export async function issuedPerDay(db: Knex, from: string, to: string): Promise<IssuedPerDay[]> {
  const start = localDayStart(from);
  const end = new Date(localDayStart(to).getTime() + DAY_MS);
  const { rows } = await db.raw(
    `select to_char(d, 'YYYY-MM-DD') as date, sum(cards)::bigint as cards, sum(obus)::bigint as obus from (
       select (issued_at at time zone 'Asia/Shanghai')::date as d, 1 as cards, 0 as obus
         from cards where issued_at >= ? and issued_at < ?
       union all
       select (issued_at at time zone 'Asia/Shanghai')::date, 0, 1
         from obus where issued_at >= ? and issued_at < ?
     ) x group by d order by d`,
    [start, end, start, end],
  );
  return (rows as Array<Record<string, any>>).map((r) => ({
    date: r.date,
    cards: BigInt(r.cards),
    obus: BigInt(r.obus),
  }));
}

export type MediaCount = {
  medium: 'card' | 'obu';
  type: string;
  tier: 'important' | 'ordinary';
  inService: bigint;
  total: bigint;
};

/** Cards (by card type: 22 stored value, 23 debit) and OBUs issued before `until`, by the holder's
 *  tier: all, and those in service (normal, suspended or reported lost) now. */
export async function mediaCounts(db: Knex, until: Date): Promise<MediaCount[]> {
  // by the holder's tier as well (customers.tier, as the customers report counts them): an important
  // customer's cards are the hall's to watch
  const { rows } = await db.raw(
    `select 'card' as medium, m.card_type::text as type, c.tier, count(*)::bigint as total,
            count(*) filter (where m.status in (1, 2, 3, 6))::bigint as in_service
       from cards m join customers c on c.id = m.customer_id
      where m.issued_at < ? group by 2, 3
     union all
     select 'obu', 'obu', c.tier, count(*)::bigint, count(*) filter (where m.status in (1, 2, 3, 6))::bigint
       from obus m join customers c on c.id = m.customer_id
      where m.issued_at < ? group by 3
     order by 1, 2, 3`,
    [until, until],
  );
  return (rows as Array<Record<string, any>>).map((r) => ({
    medium: r.medium,
    type: r.type,
    tier: r.tier,
    inService: BigInt(r.in_service),
    total: BigInt(r.total),
  }));
}
