// Road network reference data: the demo seed, tariff versions by date, and trip paths.
// Runs on a throw-away PostgreSQL database of its own, and once on embedded PGlite.
import assert from 'node:assert/strict';
import { ADMIN_URL, databaseUrl } from '../helpers/admin-db.ts';
import { randomBytes } from 'node:crypto';
import { createEmbeddedKnex, createPostgresKnex, type Db } from '../../src/platform/db/knex.ts';
import { listMigrations, migrate } from '../../src/platform/db/migrate.ts';
import { demoToll, seedDemoNetwork } from '../../src/modules/lanes/demo-network.ts';
import {
  findPath,
  getLane,
  listLanes,
  listOperators,
  listSections,
  listStations,
  tollFor,
  VEHICLE_CLASSES,
} from '../../src/modules/lanes/network.ts';

const TABLES = ['operators', 'stations', 'lanes', 'sections', 'section_tolls'];
const GROUPS = [
  [1, 2, 3, 4],
  [11, 12, 13, 14, 15, 16],
  [21, 22, 23, 24, 25, 26],
];

async function rowCounts(db: Db): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of TABLES) {
    const row = await db(t).count<{ n: bigint }[]>({ n: '*' }).first();
    counts[t] = Number(row!.n);
  }
  return counts;
}

// migrate() cannot run on PGlite yet: knex-pglite sends every statement through the extended
// protocol, which refuses a migration file with several commands. Until the runner handles the
// embedded database, the same files are applied here through PGlite's own exec (simple protocol).
async function migrateEmbedded(db: Db): Promise<void> {
  const pglite = (await db.client.acquireConnection()) as { exec(sql: string): Promise<unknown> };
  try {
    for (const m of listMigrations()) await pglite.exec(m.sql);
  } finally {
    await db.client.releaseConnection(pglite);
  }
}

async function rejectsWithCode(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: { code?: string }) => err.code === code);
}

describe('road network (PostgreSQL)', () => {
  const dbName = `etc_net_${randomBytes(6).toString('hex')}`;
  let admin: Db;
  let db: Db;

  before(async () => {
    admin = createPostgresKnex(ADMIN_URL, 1);
    await admin.raw('create database ??', [dbName]);
    db = createPostgresKnex(databaseUrl(dbName), 4);
    await migrate(db);
  });

  after(async () => {
    await db?.destroy();
    if (admin) {
      await admin.raw('drop database if exists ?? with (force)', [dbName]);
      await admin.destroy();
    }
  });

  it('seeds operators, stations, sections and exactly 10 ETC lanes at 5 stations', async () => {
    const inserted = await seedDemoNetwork(db);
    assert.ok(inserted.operators >= 3);
    assert.ok(inserted.stations >= 8 && inserted.stations <= 10);
    assert.equal(inserted.lanes, 10);

    const operators = await listOperators(db);
    assert.ok(operators.length >= 3);
    const stations = await listStations(db);
    assert.equal(stations.length, inserted.stations);
    assert.ok(stations.every((s) => s.network === '3401'));
    assert.equal(stations.filter((s) => s.kind === 'provincial-boundary').length, 1);

    const lanes = await listLanes(db);
    assert.equal(lanes.length, 10);
    const byStation = new Map<number, string[]>();
    for (const l of lanes) byStation.set(l.stationId, [...(byStation.get(l.stationId) ?? []), l.direction]);
    assert.equal(byStation.size, 5);
    for (const dirs of byStation.values()) assert.deepEqual(dirs.sort(), ['entry', 'exit']);
    assert.ok(lanes.every((l) => l.etcEnabled));
  });

  it('gives every section an operator and a toll for all 16 classes, rising within each group', async () => {
    const sections = await listSections(db, '2026-01-01');
    assert.ok(sections.length >= 8);
    const operatorIds = new Set((await listOperators(db)).map((o) => o.id));
    for (const s of sections) {
      assert.ok(operatorIds.has(s.operator.id), `${s.id} has a known operator`);
      assert.deepEqual(
        s.tolls.map((t) => t.vehicleClass),
        [...VEHICLE_CLASSES],
        `${s.id} has all 16 classes`,
      );
      const toll = new Map(s.tolls.map((t) => [t.vehicleClass, t.toll]));
      for (const t of s.tolls) {
        assert.equal(typeof t.toll, 'bigint');
        assert.ok(t.toll > 0n && t.toll % 5n === 0n, `${s.id} class ${t.vehicleClass}: ${t.toll}`);
        assert.equal(t.effectiveFrom, '2026-01-01');
      }
      for (const group of GROUPS) {
        for (let i = 1; i < group.length; i++)
          assert.ok(toll.get(group[i])! > toll.get(group[i - 1])!, `${s.id} class ${group[i]}`);
      }
    }
    // nothing is in force before the first tariff version
    assert.ok((await listSections(db, '2025-12-31')).every((s) => s.tolls.length === 0));
  });

  it('changes nothing when seeded a second time', async () => {
    const before = await rowCounts(db);
    assert.deepEqual(await seedDemoNetwork(db), { operators: 0, stations: 0, sections: 0, lanes: 0 });
    assert.deepEqual(await rowCounts(db), before);
  });

  it('finds a lane by id', async () => {
    const lane = await getLane(db, 'L340104-01');
    assert.deepEqual(lane, {
      id: 'L340104-01',
      stationId: 340104,
      stationName: '合肥',
      laneNo: 1,
      direction: 'entry',
      etcEnabled: true,
    });
    assert.equal(await getLane(db, 'L340104-99'), null);
  });

  it('prices sections with the tariff version in force on the day', async () => {
    const first = demoToll(24_600, 1);
    await db('section_tolls').insert({
      section_id: 'G40-03',
      vehicle_class: 1,
      effective_from: '2027-01-01',
      toll: (first + 100n).toString(),
    });

    const old = await tollFor(db, ['G40-03', 'G40-04'], 1, '2026-12-31');
    assert.deepEqual([...old.keys()], ['G40-03', 'G40-04']);
    assert.equal(old.get('G40-03'), first);
    const now = await tollFor(db, ['G40-03', 'G40-04'], 1, '2027-01-01');
    assert.equal(now.get('G40-03'), first + 100n);
    assert.equal(now.get('G40-04'), old.get('G40-04'), 'a section without a new version keeps the old toll');
    for (const v of [...old.values(), ...now.values()]) assert.equal(typeof v, 'bigint');

    const other = await tollFor(db, ['G40-03'], 2, '2027-06-01');
    assert.equal(other.get('G40-03'), demoToll(24_600, 2), 'the new version was for class 1 only');
    const listed = (await listSections(db, '2027-01-01')).find((s) => s.id === 'G40-03')!;
    assert.deepEqual(listed.tolls[0], { vehicleClass: 1, toll: first + 100n, effectiveFrom: '2027-01-01' });

    // a re-seed leaves the later version alone
    await seedDemoNetwork(db);
    assert.equal((await tollFor(db, ['G40-03'], 1, '2027-01-01')).get('G40-03'), first + 100n);

    await rejectsWithCode(tollFor(db, ['G40-03'], 1, '2025-12-31'), 'not-found');
    await rejectsWithCode(tollFor(db, ['G99-01'], 1, '2026-06-01'), 'not-found');
    await rejectsWithCode(tollFor(db, ['G40-03'], 5, '2026-06-01'), 'invalid-request');
    await rejectsWithCode(tollFor(db, ['G40-03'], 1, '2026-02-30'), 'invalid-request');
    assert.equal((await tollFor(db, [], 1, '2026-06-01')).size, 0);
  });

  it('finds the shortest path between stations over both roads, in either direction', async () => {
    const eastToSouth = ['G40-01', 'G40-02', 'G40-03', 'G3-03', 'G3-04'];
    assert.deepEqual(await findPath(db, 340101, 340204), eastToSouth);
    assert.deepEqual(await findPath(db, 340204, 340101), [...eastToSouth].reverse());
    assert.deepEqual(await findPath(db, 340106, 340201), ['G40-05', 'G40-04', 'G3-02', 'G3-01']);
    assert.deepEqual(await findPath(db, 340102, 340103), ['G40-02']);
    assert.deepEqual(await findPath(db, 340104, 340104), []);
    assert.equal(await findPath(db, 340101, 999999), null);
    assert.equal(await findPath(db, 999999, 999999), null);
  });
});

describe('road network (embedded PGlite)', () => {
  let db: Db;
  before(async () => {
    db = createEmbeddedKnex(null);
    await migrateEmbedded(db);
  });
  after(async () => {
    await db?.destroy();
  });

  it('seeds the demo network and reads it back', async () => {
    const inserted = await seedDemoNetwork(db);
    assert.equal(inserted.lanes, 10);
    assert.ok(inserted.operators >= 3);
    assert.deepEqual(await seedDemoNetwork(db), { operators: 0, stations: 0, sections: 0, lanes: 0 });
    const sections = await listSections(db, '2026-03-01');
    assert.ok(sections.length >= 8 && sections.every((s) => s.tolls.length === 16));
    const tolls = await tollFor(db, ['G3-01'], 16, '2026-03-01');
    assert.equal(typeof tolls.get('G3-01'), 'bigint');
    assert.equal(tolls.get('G3-01'), demoToll(61_200, 16));
    assert.deepEqual(await findPath(db, 340201, 340204), ['G3-01', 'G3-02', 'G3-03', 'G3-04']);
  });
});
