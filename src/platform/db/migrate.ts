// Forward-only migrations: sql/migrations/NNNN_what.sql, applied in order, each in its own
// transaction, recorded with a checksum. Editing an applied migration is refused: write a new one.
import type { Knex } from 'knex';
import type { Db } from './knex.ts';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../sql/migrations/', import.meta.url));
const LOCK_ID = 3401_0001; // advisory lock so two processes starting together migrate once

type Migration = { id: string; sql: string; checksum: string };

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => {
      const sql = readFileSync(dir + f, 'utf8');
      return { id: f.replace(/\.sql$/, ''), sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export async function migrate(db: Db, log: (msg: string) => void = () => {}): Promise<string[]> {
  await db.raw(`create table if not exists schema_migrations (
    id text primary key, checksum text not null, applied_at timestamptz not null default now())`);
  const applied: string[] = [];
  for (const m of listMigrations()) {
    const done = await db.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(?)', [LOCK_ID]);
      const row = await trx('schema_migrations').where({ id: m.id }).first();
      if (row) {
        if (row.checksum !== m.checksum)
          throw new Error(`migration ${m.id} was changed after it was applied; add a new migration instead`);
        return false;
      }
      // PGlite refuses several commands in one prepared statement; its exec runs a script on the
      // same single connection, inside the transaction knex has opened
      if (db.pglite) await db.pglite.exec(m.sql);
      else await trx.raw(m.sql);
      await trx('schema_migrations').insert({ id: m.id, checksum: m.checksum });
      return true;
    });
    if (done) {
      applied.push(m.id);
      log(`migrated ${m.id}`);
    }
  }
  return applied;
}
