// One self-contained statement, run by name: PostgreSQL parses it once per connection instead of at
// every call, and knex builds nothing. For the hottest calls: the online load's two phase functions
// and a lane batch's claims and row insert (some thirty to forty parameters each), where knex's query
// building and the server's parse and plan were a measurable part of the work.
//
// Only for a statement whose plan does not hang on its values. After five runs PostgreSQL may keep a
// generic plan, made without them: the row insert's then took no planning (1.8 ms of each batch's
// before), but `card_no = any($1)` over loads, planned for no particular cards, took 13 ms a batch
// where the plan for the cards sent took 0.9.
//
// In a transaction it runs on the transaction's connection. The text is written with knex's `?`
// placeholders, so that the embedded database (one PGlite connection behind knex) takes it through
// knex as before.
import type { Knex } from 'knex';
import type pg from 'pg';

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
  if (db.client.config.client !== 'pg') {
    return ((await db.raw(text, values as Knex.RawBinding[])) as { rows: R[] }).rows;
  }
  const sql = numberedText(name, text);
  // A transaction's client hands out the transaction's own connection and its release is a no-op, so
  // one path serves both. knex refuses a statement after the commit or rollback, and so does this.
  const trx = db as Knex.Transaction;
  if (trx.isTransaction && trx.isCompleted())
    throw new Error(`prepared statement ${name}: the transaction has already ended`);
  const conn = (await db.client.acquireConnection()) as pg.Client;
  try {
    return (await conn.query({ name, text: sql, values })).rows as R[];
  } finally {
    await db.client.releaseConnection(conn);
  }
}
