// Read view of a card's lane transactions for the service-hall console (card history): where and
// when, the amount, and what became of it (accepted, duplicate, rejected with its code).
import type { Knex } from 'knex';

export type LaneHistoryItem = {
  id: bigint;
  at: Date;
  laneId: string;
  uploadedBy: string;
  network: string | null;
  stationId: number | null;
  stationName: string | null;
  laneNo: number | null;
  direction: 'entry' | 'exit' | null;
  entryStation: number | null;
  exitStation: number | null;
  plate: string | null;
  fee: bigint;
  amount: bigint;
  balanceAfter: bigint | null;
  disposition: 'accepted' | 'duplicate' | 'rejected';
  code: number | null;
};

// A card's lane transactions with tx_time in [from, to), newest first, at most n. The station may be
// another centre's (received packages): then its name is unknown here.
export async function laneTransactionsOfCard(
  db: Knex,
  cardNo: string,
  from: Date | null,
  to: Date | null,
  n: number,
): Promise<LaneHistoryItem[]> {
  // where it happened: the exit point of an exit transaction, the entry point of an entry one (the
  // uploading lane is recorded too: a lane may upload for another of its station)
  const q = db('lane_transactions as t')
    .leftJoin('stations as s', 's.id', db.raw('coalesce(t.exit_station, t.entry_station)'))
    .where('t.card_no', cardNo)
    .select(
      't.*',
      db.raw('coalesce(t.exit_station, t.entry_station) as station_id'),
      db.raw('case when t.exit_station is not null then t.exit_lane else t.entry_lane end as lane_no'),
      db.raw(`case when t.exit_station is not null then 'exit' else 'entry' end as direction`),
      db.raw('coalesce(t.exit_network, t.entry_network) as network'),
      's.name as station_name',
    )
    .orderBy([
      { column: 't.tx_time', order: 'desc' },
      { column: 't.id', order: 'desc' },
    ])
    .limit(n);
  if (from) q.where('t.tx_time', '>=', from);
  if (to) q.where('t.tx_time', '<', to);
  return (await q).map((r: Record<string, any>) => ({
    id: r.id,
    at: r.tx_time,
    laneId:
      r.station_id !== null && r.lane_no !== null
        ? `L${r.station_id}-${String(r.lane_no).padStart(2, '0')}`
        : r.lane_id,
    uploadedBy: r.lane_id,
    network: r.network,
    stationId: r.station_id,
    stationName: r.station_name,
    laneNo: r.lane_no,
    direction: r.direction,
    entryStation: r.entry_station,
    exitStation: r.exit_station,
    plate: r.plate,
    fee: r.fee,
    amount: r.amount,
    balanceAfter: r.balance_after,
    disposition: r.disposition,
    code: r.code,
  }));
}

// One lane transaction by id (what a complaint about a charge points at), or null.
export async function findLaneTransaction(
  db: Knex,
  id: bigint,
): Promise<{ id: bigint; cardNo: string; issuer: string; ownCard: boolean; laneId: string; amount: bigint } | null> {
  const r = await db('lane_transactions')
    .where({ id })
    .first('id', 'card_no', 'issuer', 'own_card', 'lane_id', 'amount');
  return r
    ? {
        id: BigInt(r.id),
        cardNo: r.card_no,
        issuer: r.issuer,
        ownCard: r.own_card,
        laneId: r.lane_id,
        amount: BigInt(r.amount),
      }
    : null;
}

export type MonthlyUsage = { month: string; trips: number; amount: bigint };

/** Accepted lane charges of the given accounts by month from `fromDate` on (one grouped query). */
export async function monthlyUsageOf(
  db: Knex,
  accountIds: bigint[],
  fromDate: string,
): Promise<Map<bigint, MonthlyUsage[]>> {
  const out = new Map<bigint, MonthlyUsage[]>();
  if (!accountIds.length) return out;
  const { rows } = await db.raw(
    `select account_id, to_char(clearing_date, 'YYYY-MM') as month, count(*)::int as trips, sum(amount) as amount
       from lane_transactions
      where account_id = any(?::bigint[]) and disposition = 'accepted' and clearing_date >= ?::date
      group by 1, 2 order by 1, 2`,
    [accountIds.map(String), fromDate],
  );
  for (const r of rows as Array<{ account_id: bigint; month: string; trips: number; amount: bigint }>) {
    const id = BigInt(r.account_id);
    out.set(id, [...(out.get(id) ?? []), { month: r.month, trips: r.trips, amount: BigInt(r.amount) }]);
  }
  return out;
}
