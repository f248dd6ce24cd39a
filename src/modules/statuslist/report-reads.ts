// The status list for the finance read model (reports): per local day, the versions published and
// the list's size after the day's last version.
import type { Knex } from 'knex';
import { DAY_MS, localDayStart } from '../../platform/clock/clock.ts';

export type ListDay = {
  date: string;
  versions: number;
  firstVersion: number;
  lastVersion: number;
  total: bigint;
  ownTotal: bigint;
};

/** Days of [from, to] on which versions were published (days without a version are left out). */
export async function listVersionsPerDay(db: Knex, from: string, to: string): Promise<ListDay[]> {
  const { rows } = await db.raw(
    `select date, count(*)::int as versions, min(version) as first_version, max(version) as last_version,
            (array_agg(total order by version desc))[1] as total,
            (array_agg(own_total order by version desc))[1] as own_total
       from (select to_char((published_at at time zone 'Asia/Shanghai')::date, 'YYYY-MM-DD') as date, version,
                    total, own_total
               from status_list_versions where published_at >= ? and published_at < ?) v
      group by date order by date`,
    [localDayStart(from), new Date(localDayStart(to).getTime() + DAY_MS)],
  );
  return (rows as Array<Record<string, any>>).map((r) => ({
    date: r.date,
    versions: r.versions,
    firstVersion: r.first_version,
    lastVersion: r.last_version,
    total: BigInt(r.total),
    ownTotal: BigInt(r.own_total),
  }));
}
