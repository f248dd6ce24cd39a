// The second floor of bench/ingest: the same stored rows sent from a client, as a lane's rows must be,
// with COPY … FROM STDIN (PostgreSQL's bulk load; text format) into a table with lane_transactions'
// columns and indexes, one COPY (one transaction) per upload, as many at once as lanes uploaded; no
// checks, no key tables, no journal. The rows are read out of the database first, upload by upload
// (not timed), so what is timed is the transfer, the parse and the write.
import { pipeline } from 'node:stream/promises';
import { Readable, Writable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

export type CopyFloor = { rows: number; seconds: number; bytes: number };

/** `table` must exist already (made with the INSERT … SELECT floor's, before the read-back index). */
export async function copyFloor(
  url: string,
  db: pg.Client,
  table: string,
  uploads: string[],
  width: number,
  measured: (run: () => Promise<void>) => Promise<void>,
): Promise<CopyFloor> {
  const texts: Buffer[] = [];
  for (const id of uploads) {
    const parts: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        parts.push(chunk);
        done();
      },
    });
    await pipeline(
      db.query(copyTo(`copy (select * from lane_transactions where upload_id = ${BigInt(id)}) to stdout`)),
      sink,
    );
    texts.push(Buffer.concat(parts));
  }
  const writers = await Promise.all(
    Array.from({ length: width }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  let rows = 0;
  let seconds = 0;
  try {
    await measured(async () => {
      const t0 = process.hrtime.bigint();
      let next = 0;
      await Promise.all(
        writers.map(async (c) => {
          while (next < texts.length) {
            const text = texts[next++];
            const copy = c.query(copyFrom(`copy ${table} from stdin`));
            await pipeline(Readable.from([text]), copy);
            rows += Number(copy.rowCount);
          }
        }),
      );
      seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    });
  } finally {
    await Promise.all(writers.map((c) => c.end()));
  }
  return { rows, seconds, bytes: texts.reduce((n, t) => n + t.length, 0) };
}
