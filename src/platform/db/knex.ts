// knex factory: real PostgreSQL through pg, or embedded PostgreSQL (PGlite) in the data dir.
// Both parse int8 to bigint so that money never becomes a JS number, and dates stay strings
// (a DATE is a calendar day, not an instant: converting it to a JS Date shifts it by time zone).
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import ClientPgLite from 'knex-pglite';
import { join } from 'node:path';

const INT8 = 20;
const DATE = 1082;
const INT8_ARRAY = 1016;
const TEXT_ARRAY = 1009;

let pgParsersInstalled = false;
function installPgParsers(): void {
  if (pgParsersInstalled) return;
  pg.types.setTypeParser(INT8, (v: string) => BigInt(v));
  pg.types.setTypeParser(DATE, (v: string) => v);
  // the elements as the text PostgreSQL sent (the text[] parser handles the array syntax), each made
  // a BigInt from it: through a number, as the int4[] parser gives them, one above 2^53 lost its last digits
  const parseArray = pg.types.getTypeParser(TEXT_ARRAY as number);
  pg.types.setTypeParser(INT8_ARRAY as 20, (v: string) =>
    (parseArray(v) as unknown as Array<string | null>).map((x) => (x === null ? null : BigInt(x))),
  );
  pgParsersInstalled = true;
}

// ETC_COUNT_QUERIES=1 (benchmarks): every statement sent to PostgreSQL through pg, BEGIN and COMMIT
// included, is counted, so a bench can report database round trips per operation (GET /metrics,
// etc_db_round_trips_total). Off by default: nothing is wrapped.
let roundTrips = 0;
let counting = false;
function countRoundTrips(): void {
  if (counting || process.env.ETC_COUNT_QUERIES !== '1') return;
  counting = true;
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    roundTrips++;
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
}
/** Statements sent so far by this process, or null when not counting. */
export function dbRoundTrips(): number | null {
  return counting ? roundTrips : null;
}

export type DbKind = 'postgres' | 'embedded';

// pglite is kept for multi-statement scripts (migrations), which knex-pglite cannot send
// releaseLock: set when this process holds the embedded data dir's lock (bootstrap's openDatabase)
export type Db = Knex & { dbKind?: DbKind; pglite?: PGlite; releaseLock?: () => void };

export function createPostgresKnex(url: string, poolMax = 10): Db {
  installPgParsers();
  countRoundTrips();
  const db = knexFactory({
    client: 'pg',
    connection: url,
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: 10000,
  }) as Db;
  db.dbKind = 'postgres';
  return db;
}

export function createEmbeddedKnex(dataDir: string | null): Db {
  // null → in-memory (smoke tests); otherwise a persistent directory under the data dir
  const pglite = new PGlite({
    ...(dataDir === null ? {} : { dataDir: join(dataDir, 'pgdata') }),
    parsers: {
      [pgliteTypes.INT8]: (v: string) => BigInt(v),
      [pgliteTypes.DATE]: (v: string) => v,
    },
  });
  const db = knexFactory({
    client: ClientPgLite as unknown as typeof Knex.Client,
    dialect: 'postgres',
    connection: () => ({ pglite }) as object,
  } as Knex.Config) as Db;
  db.dbKind = 'embedded';
  db.pglite = pglite;
  return db;
}
