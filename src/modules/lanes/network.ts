// Read-only service over the road network reference data: operators, stations, lanes, sections,
// the tolls in force on a day, and the path a trip took between two stations. Every function
// takes the knex handle (or a transaction) first, so callers can read inside their own unit of work.
import type { Knex } from 'knex';
import { AppError, invalid } from '../../platform/http/errors.ts';
import { shortestPath } from './graph.ts';

/** Vehicle classes of ETC-REFERENCE §5: passenger 1–4, truck 11–16, special-purpose 21–26. */
import { VEHICLE_CLASS_LIST, isVehicleClass, type VehicleClass } from '../codes.ts';
export { VEHICLE_CLASS_LIST as VEHICLE_CLASSES, isVehicleClass, type VehicleClass };

export type StationKind = 'toll-station' | 'provincial-boundary';
export type LaneDirection = 'entry' | 'exit';

export type Operator = { id: string; name: string };
export type Station = { id: number; network: string; name: string; road: string; kind: StationKind };
export type Lane = {
  id: string;
  stationId: number;
  stationName: string;
  laneNo: number;
  direction: LaneDirection;
  etcEnabled: boolean;
};
/** One class's toll on a section, with the tariff version (effective_from) it came from. */
export type SectionToll = { vehicleClass: number; toll: bigint; effectiveFrom: string };
export type Section = {
  id: string;
  road: string;
  fromStation: number;
  toStation: number;
  lengthM: number;
  operator: Operator;
  tolls: SectionToll[]; // ordered by vehicle class; a class with no tariff in force is absent
};

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

// Dates are compared as SQL dates; a malformed string would either fail deep in the driver or,
// worse, be coerced, so it is refused here with the field named.
function checkDate(field: string, value: string): string {
  const m = typeof value === 'string' ? DATE_RE.exec(value) : null;
  if (!m) throw invalid(field, 'expected a date as YYYY-MM-DD');
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) {
    throw invalid(field, `${value} is not a calendar date`);
  }
  return value;
}

export async function listOperators(db: Knex): Promise<Operator[]> {
  return db('operators').select('id', 'name').orderBy('id');
}

export async function listStations(db: Knex): Promise<Station[]> {
  return db('stations').select('id', 'network', 'name', 'road', 'kind').orderBy('id');
}

type LaneRow = {
  id: string;
  station_id: number;
  station_name: string;
  lane_no: number;
  direction: LaneDirection;
  etc_enabled: boolean;
};

function laneQuery(db: Knex) {
  return db('lanes as l')
    .join('stations as s', 's.id', 'l.station_id')
    .select('l.id', 'l.station_id', 's.name as station_name', 'l.lane_no', 'l.direction', 'l.etc_enabled');
}

function toLane(r: LaneRow): Lane {
  return {
    id: r.id,
    stationId: r.station_id,
    stationName: r.station_name,
    laneNo: r.lane_no,
    direction: r.direction,
    etcEnabled: r.etc_enabled,
  };
}

export async function listLanes(db: Knex): Promise<Lane[]> {
  const rows: LaneRow[] = await laneQuery(db).orderBy('l.id');
  return rows.map(toLane);
}

/** The lane with this id (also its machine-client id), or null when there is none. */
export async function getLane(db: Knex, laneId: string): Promise<Lane | null> {
  if (typeof laneId !== 'string' || laneId === '') throw invalid('laneId', 'expected a lane id');
  const row: LaneRow | undefined = await laneQuery(db).where('l.id', laneId).first();
  return row ? toLane(row) : null;
}

type TollRow = { section_id: string; vehicle_class: number; toll: bigint; effective_from: string };

// The tariff version in force on a day is, per (section, class), the newest row that took effect
// on or before it; DISTINCT ON picks exactly that row in one pass over the primary key.
function tollsInForce(db: Knex, onDate: string) {
  return db('section_tolls')
    .distinctOn('section_id', 'vehicle_class')
    .select('section_id', 'vehicle_class', 'toll', 'effective_from')
    .where('effective_from', '<=', onDate)
    .orderBy([{ column: 'section_id' }, { column: 'vehicle_class' }, { column: 'effective_from', order: 'desc' }]);
}

/** Every section with its operator and the tolls per class in force on onDate (YYYY-MM-DD). */
export async function listSections(db: Knex, onDate: string): Promise<Section[]> {
  checkDate('onDate', onDate);
  const rows: Array<{
    id: string;
    road: string;
    from_station: number;
    to_station: number;
    length_m: number;
    operator_id: string;
    operator_name: string;
  }> = await db('sections as s')
    .join('operators as o', 'o.id', 's.operator_id')
    .select(
      's.id',
      's.road',
      's.from_station',
      's.to_station',
      's.length_m',
      's.operator_id',
      'o.name as operator_name',
    )
    .orderBy('s.id');
  const tolls: TollRow[] = await tollsInForce(db, onDate);
  const bySection = new Map<string, SectionToll[]>();
  for (const t of tolls) {
    const list = bySection.get(t.section_id) ?? [];
    list.push({ vehicleClass: t.vehicle_class, toll: t.toll, effectiveFrom: t.effective_from });
    bySection.set(t.section_id, list);
  }
  return rows.map((r) => ({
    id: r.id,
    road: r.road,
    fromStation: r.from_station,
    toStation: r.to_station,
    lengthM: r.length_m,
    operator: { id: r.operator_id, name: r.operator_name },
    tolls: bySection.get(r.id) ?? [],
  }));
}

/**
 * The toll (fen) of each given section for one vehicle class on onDate, keyed by section id in
 * the order given. A section without a toll in force is an error, never a zero: pricing or
 * splitting a trip with a silently missing section would misstate money.
 */
export async function tollFor(
  db: Knex,
  sectionIds: string[],
  vehicleClass: number,
  onDate: string,
): Promise<Map<string, bigint>> {
  if (!Array.isArray(sectionIds) || sectionIds.some((s) => typeof s !== 'string')) {
    throw invalid('sectionIds', 'expected an array of section ids');
  }
  if (!isVehicleClass(vehicleClass)) throw invalid('vehicleClass', `${String(vehicleClass)} is not a vehicle class`);
  checkDate('onDate', onDate);
  const result = new Map<string, bigint>();
  if (sectionIds.length === 0) return result;
  const rows: TollRow[] = await tollsInForce(db, onDate)
    .whereIn('section_id', [...new Set(sectionIds)])
    .andWhere('vehicle_class', vehicleClass);
  const found = new Map(rows.map((r) => [r.section_id, r.toll]));
  const missing: string[] = [];
  for (const id of sectionIds) {
    const toll = found.get(id);
    if (toll === undefined) missing.push(id);
    else result.set(id, toll);
  }
  if (missing.length > 0) {
    throw new AppError(
      'not-found',
      `no toll in force on ${onDate} for vehicle class ${vehicleClass} on section(s) ${missing.join(', ')}`,
      'sectionIds',
    );
  }
  return result;
}

/**
 * The shortest path (fewest sections) between two stations over the undirected section graph,
 * as section ids in travel order; [] when both are the same known station; null when either
 * station is unknown or they are not connected. Ties are broken by section id, so the same
 * network always yields the same path (and therefore the same operator split).
 */
export async function findPath(db: Knex, fromStation: number, toStation: number): Promise<string[] | null> {
  if (!Number.isSafeInteger(fromStation)) throw invalid('fromStation', 'expected a station number');
  if (!Number.isSafeInteger(toStation)) throw invalid('toStation', 'expected a station number');
  if (fromStation === toStation) {
    const known = await db('stations').where('id', fromStation).first('id');
    return known ? [] : null;
  }
  const rows: Array<{ id: string; from_station: number; to_station: number }> = await db('sections')
    .select('id', 'from_station', 'to_station')
    .orderBy('id');
  return shortestPath(
    rows.map((r) => ({ id: r.id, fromStation: r.from_station, toStation: r.to_station })),
    fromStation,
    toStation,
  );
}
