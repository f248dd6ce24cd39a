// The two floors of bench/ingest, measured after the service's timed part on the rows it stored: the
// bare INSERT … SELECT of each upload's rows into a table with lane_transactions' columns and indexes
// (one transaction per batch, as many at once as lanes uploaded; no checks, no key tables, no
// journal), and the same rows sent by clients with COPY (copy-floor.ts).
import pg from 'pg';
import { backendCpu, cpuSince } from '../lib.ts';
import { copyFloor, type CopyFloor } from './copy-floor.ts';

export type Floors = {
  uploads: number;
  rows: number;
  seconds: number;
  pgMsPerBatch: number;
  copied: CopyFloor;
  copyPgMsPerBatch: number;
};

/** Both floors over the uploads from `firstUpload` on, `width` writers at once. */
export async function measureFloors(url: string, db: pg.Client, firstUpload: bigint, width: number): Promise<Floors> {
  await db.query('create table floor_rows (like lane_transactions including all)');
  await db.query('create table floor_copied (like lane_transactions including all)');
  await db.query('create index on lane_transactions (upload_id)'); // to read each upload's rows back (not timed)
  await db.query('vacuum analyze lane_transactions');
  const uploads = (
    await db.query('select id from lane_uploads where id >= $1 order by id', [String(firstUpload)])
  ).rows.map((r: { id: string }) => r.id);
  const writers = await Promise.all(
    Array.from({ length: width }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  const pgBefore = await backendCpu(db);
  const f0 = process.hrtime.bigint();
  let next = 0;
  let rows = 0;
  await Promise.all(
    writers.map(async (c) => {
      while (next < uploads.length) {
        const id = uploads[next++];
        const r = await c.query('insert into floor_rows select * from lane_transactions where upload_id = $1', [id]);
        rows += r.rowCount ?? 0;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - f0) / 1e9;
  const pgMsPerBatch = (cpuSince(pgBefore, await backendCpu(db)) * 1000) / uploads.length;
  await Promise.all(writers.map((c) => c.end()));
  let copyPgMs = 0;
  const copied = await copyFloor(url, db, 'floor_copied', uploads, width, async (run) => {
    const before = await backendCpu(db);
    await run();
    copyPgMs = cpuSince(before, await backendCpu(db)) * 1000;
  });
  if (copied.rows !== rows) throw new Error(`the COPY floor wrote ${copied.rows} rows, not ${rows}`);
  return { uploads: uploads.length, rows, seconds, pgMsPerBatch, copied, copyPgMsPerBatch: copyPgMs / uploads.length };
}
