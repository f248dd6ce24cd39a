// The demo provinces: a small Anhui (3401) network so that a fresh embedded start, the lane
// simulator and the tests have real-looking operators, stations, sections, tolls and lanes.
// Two roads cross at Hefei: G40 Hu-Shaan (from the Jiangsu boundary at Chahe west to Lu'an) and
// G3 Jing-Tai (from Bengbu south to Tongling). And a smaller Jiangsu (3201) network, G42 from the
// Anhui boundary east to Nanjing and on to Zhenjiang, so that two centres can clear with each other.
// Names of companies are invented.
import type { Knex } from 'knex';
import { inTransaction } from '../../platform/db/transaction.ts';
import { VEHICLE_CLASSES, type LaneDirection, type StationKind, type VehicleClass } from './network.ts';

const TARIFF_FROM = '2026-01-01';

type DemoNetwork = {
  operators: Array<{ id: string; name: string }>;
  stations: Array<{ id: number; name: string; road: string; kind: StationKind }>;
  sections: Array<{ id: string; road: string; from: number; to: number; operator: string; lengthM: number }>;
  laneStations: number[];
};

const OPERATORS: Array<{ id: string; name: string }> = [
  { id: 'OP-AHGS', name: '安徽交控高速公路运营有限公司' },
  { id: 'OP-JHBOT', name: '江淮通达路桥投资建设有限公司' }, // private BOT concession
  { id: 'OP-HFCE', name: '合肥城市快速路建设运营有限公司' },
];

const STATIONS: Array<{ id: number; name: string; road: string; kind: StationKind }> = [
  { id: 340101, name: '皖苏界汊河', road: 'G40', kind: 'provincial-boundary' },
  { id: 340102, name: '滁州', road: 'G40', kind: 'toll-station' },
  { id: 340103, name: '肥东', road: 'G40', kind: 'toll-station' },
  { id: 340104, name: '合肥', road: 'G40', kind: 'toll-station' }, // where G3 meets G40
  { id: 340105, name: '合肥西', road: 'G40', kind: 'toll-station' },
  { id: 340106, name: '六安', road: 'G40', kind: 'toll-station' },
  { id: 340201, name: '蚌埠南', road: 'G3', kind: 'toll-station' },
  { id: 340202, name: '水家湖', road: 'G3', kind: 'toll-station' },
  { id: 340203, name: '庐江', road: 'G3', kind: 'toll-station' },
  { id: 340204, name: '铜陵北', road: 'G3', kind: 'toll-station' },
];

const SECTIONS: Array<{ id: string; road: string; from: number; to: number; operator: string; lengthM: number }> = [
  { id: 'G40-01', road: 'G40', from: 340101, to: 340102, operator: 'OP-AHGS', lengthM: 31_400 },
  { id: 'G40-02', road: 'G40', from: 340102, to: 340103, operator: 'OP-AHGS', lengthM: 88_700 },
  { id: 'G40-03', road: 'G40', from: 340103, to: 340104, operator: 'OP-HFCE', lengthM: 24_600 },
  { id: 'G40-04', road: 'G40', from: 340104, to: 340105, operator: 'OP-HFCE', lengthM: 19_800 },
  { id: 'G40-05', road: 'G40', from: 340105, to: 340106, operator: 'OP-JHBOT', lengthM: 56_300 },
  { id: 'G3-01', road: 'G3', from: 340201, to: 340202, operator: 'OP-AHGS', lengthM: 61_200 },
  { id: 'G3-02', road: 'G3', from: 340202, to: 340104, operator: 'OP-AHGS', lengthM: 52_900 },
  { id: 'G3-03', road: 'G3', from: 340104, to: 340203, operator: 'OP-JHBOT', lengthM: 71_500 },
  { id: 'G3-04', road: 'G3', from: 340203, to: 340204, operator: 'OP-AHGS', lengthM: 64_800 },
];

// Rate per kilometre in fen for each class. Tolls rise with the class inside each group
// (passenger 1–4, truck 11–16, special 21–26); special-purpose vehicles pay the truck rate of
// the same axle class, as most provincial tariffs do.
const RATE_FEN_PER_KM: Record<VehicleClass, bigint> = {
  1: 45n,
  2: 70n,
  3: 90n,
  4: 135n,
  11: 45n,
  12: 90n,
  13: 130n,
  14: 145n,
  15: 155n,
  16: 165n,
  21: 45n,
  22: 90n,
  23: 130n,
  24: 145n,
  25: 155n,
  26: 165n,
};

/** length × rate rounded half-up to a whole 5 fen, and never below 5 fen. */
export function demoToll(lengthM: number, vehicleClass: VehicleClass): bigint {
  const fenTimes1000 = BigInt(lengthM) * RATE_FEN_PER_KM[vehicleClass]; // fen × 1000 (metres × fen/km)
  const fives = (fenTimes1000 + 2_500n) / 5_000n;
  return (fives > 0n ? fives : 1n) * 5n;
}

// Two ETC lanes (one entry, one exit) at each of five stations.
const LANE_STATIONS = [340102, 340104, 340106, 340201, 340204];

const JIANGSU: DemoNetwork = {
  operators: [
    { id: 'OP-JSJT', name: '江苏交通控股高速公路运营有限公司' },
    { id: 'OP-NJRB', name: '南京绕城高速公路投资有限公司' },
  ],
  stations: [
    { id: 320101, name: '苏皖界', road: 'G42', kind: 'provincial-boundary' },
    { id: 320102, name: '浦口', road: 'G42', kind: 'toll-station' },
    { id: 320103, name: '南京东', road: 'G42', kind: 'toll-station' },
    { id: 320104, name: '句容', road: 'G42', kind: 'toll-station' },
    { id: 320105, name: '镇江', road: 'G42', kind: 'toll-station' },
  ],
  sections: [
    { id: 'G42-01', road: 'G42', from: 320101, to: 320102, operator: 'OP-JSJT', lengthM: 27_300 },
    { id: 'G42-02', road: 'G42', from: 320102, to: 320103, operator: 'OP-NJRB', lengthM: 33_100 },
    { id: 'G42-03', road: 'G42', from: 320103, to: 320104, operator: 'OP-JSJT', lengthM: 41_800 },
    { id: 'G42-04', road: 'G42', from: 320104, to: 320105, operator: 'OP-JSJT', lengthM: 36_900 },
  ],
  laneStations: [320102, 320103, 320105],
};

const DEMO_NETWORKS: Record<string, DemoNetwork> = {
  '3401': { operators: OPERATORS, stations: STATIONS, sections: SECTIONS, laneStations: LANE_STATIONS },
  '3201': JIANGSU,
};
export const DEMO_NETWORK_IDS = Object.keys(DEMO_NETWORKS);

const laneId = (stationId: number, laneNo: number) => `L${stationId}-${String(laneNo).padStart(2, '0')}`;

export type DemoNetworkCounts = { operators: number; stations: number; sections: number; lanes: number };

/**
 * Inserts the demo network, one multi-row insert per table, in one transaction. Rows that are
 * already there are left alone (ON CONFLICT DO NOTHING), so a second run changes nothing and a
 * later tariff version added by hand survives a re-seed. Returns how many rows this call inserted
 * per table (all zero when the network was already seeded).
 */
export async function seedDemoNetwork(db: Knex, network = '3401'): Promise<DemoNetworkCounts> {
  const demo = DEMO_NETWORKS[network];
  if (!demo) throw new Error(`there is no demo network for ${network} (there is for ${DEMO_NETWORK_IDS.join(', ')})`);
  const { operators: OPERATORS, stations: STATIONS, sections: SECTIONS, laneStations: LANE_STATIONS } = demo;
  return inTransaction(db, async (trx) => {
    const operators = await trx('operators').insert(OPERATORS).onConflict().ignore().returning('id');
    const stations = await trx('stations')
      .insert(STATIONS.map((s) => ({ ...s, network })))
      .onConflict()
      .ignore()
      .returning('id');
    const sections = await trx('sections')
      .insert(
        SECTIONS.map((s) => ({
          id: s.id,
          road: s.road,
          from_station: s.from,
          to_station: s.to,
          operator_id: s.operator,
          length_m: s.lengthM,
        })),
      )
      .onConflict()
      .ignore()
      .returning('id');
    await trx('section_tolls')
      .insert(
        SECTIONS.flatMap((s) =>
          VEHICLE_CLASSES.map((vehicleClass) => ({
            section_id: s.id,
            vehicle_class: vehicleClass,
            effective_from: TARIFF_FROM,
            toll: demoToll(s.lengthM, vehicleClass).toString(), // as text: exact whatever the driver does with bigint
          })),
        ),
      )
      .onConflict()
      .ignore();
    const laneRows = LANE_STATIONS.flatMap((stationId) =>
      (['entry', 'exit'] as LaneDirection[]).map((direction, i) => ({
        id: laneId(stationId, i + 1),
        station_id: stationId,
        lane_no: i + 1,
        direction,
        etc_enabled: true,
      })),
    );
    const lanes = await trx('lanes').insert(laneRows).onConflict().ignore().returning('id');
    return { operators: operators.length, stations: stations.length, sections: sections.length, lanes: lanes.length };
  });
}
