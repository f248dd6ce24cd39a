// A digest of every table's contents: equal before and after proves that something changed nothing.
import type { Knex } from 'knex';

export async function digest(db: Knex): Promise<Record<string, string>> {
  const tables = await db('information_schema.tables')
    .where({ table_schema: 'public', table_type: 'BASE TABLE' })
    .pluck('table_name');
  const out: Record<string, string> = {};
  for (const t of tables.sort()) {
    const r = await db.raw(
      `select count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as d from ?? x`,
      [t],
    );
    out[t] = r.rows[0].d;
  }
  return out;
}
