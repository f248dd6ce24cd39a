// Read view of a card's lane transactions for the service-hall console (card history): where and
// when, the amount, and what became of it (accepted, duplicate, rejected with its code).
import type { Knex } from 'knex';

export type LaneHistoryItem = {
  id: bigint;
  at: Date;
  laneId: string;
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

// A card's lane transactions with tx_time in [from, to), newest first, at most n. The lane may be
// another centre's (received packages): then station and lane number are unknown here.
export async function laneTransactionsOfCard(
  db: Knex,
  cardNo: string,
  from: Date | null,
  to: Date | null,
  n: number,
): Promise<LaneHistoryItem[]> {
  const q = db('lane_transactions as t')
    .leftJoin('lanes as l', 'l.id', 't.lane_id')
    .leftJoin('stations as s', 's.id', 'l.station_id')
    .where('t.card_no', cardNo)
    .select('t.*', 'l.station_id', 'l.lane_no', 'l.direction', 's.name as station_name')
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
    laneId: r.lane_id,
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
