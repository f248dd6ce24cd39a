// One self-contained statement, run by name on a connection of the pool: PostgreSQL parses and plans
// it once per connection instead of at every call, and knex builds nothing. For the hottest calls
// (the online load's two phase functions, a statement of some thirty parameters per request), where
// knex's query building and the server's parse of the call were a measurable part of the work.
//
// The text is written with knex's `?` placeholders, so that a transaction and the embedded database
// (one PGlite connection behind knex) take it through knex as before.
import type { Knex } from 'knex';
import type pg from 'pg';
import type { Db } from './knex.ts';

const statements = new Map<string, { text: string; sql: string }>();

// the text with $1, $2, … for pg; a name stands for one text (a second text under it is a bug)
function numberedText(name: string, text: string): string {
  let s = statements.get(name);
  if (s === undefined) {
    let n = 0;
    s = { text, sql: text.replace(/\?/g, () => `$${++n}`) };
    statements.set(name, s);
  }
  if (s.text !== text) throw new Error(`prepared statement ${name} is already defined with another text`);
  return s.sql;
}

export async function preparedQuery<R>(db: Knex, name: string, text: string, values: unknown[]): Promise<R[]> {
  if ((db as Knex.Transaction).isTransaction || (db as Db).dbKind !== 'postgres') {
    return ((await db.raw(text, values as Knex.RawBinding[])) as { rows: R[] }).rows;
  }
  const sql = numberedText(name, text);
  const conn = (await db.client.acquireConnection()) as pg.Client;
  try {
    return (await conn.query({ name, text: sql, values })).rows as R[];
  } finally {
    await db.client.releaseConnection(conn);
  }
}
