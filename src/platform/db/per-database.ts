// Process-wide caches belong to one database. A process normally serves one centre, but the
// interchange tests run two centres in one process, and a cache keyed only by a date or an id would
// answer one centre with the other's rows. A transaction shares its root handle's client config
// object, so both find the same cache.
import type { Knex } from 'knex';

export function perDatabase<T>(make: () => T): (db: Knex) => T {
  const all = new WeakMap<object, T>();
  return (db) => {
    const key = (db as unknown as { client?: { config?: object } }).client?.config ?? db;
    let value = all.get(key);
    if (value === undefined) {
      value = make();
      all.set(key, value);
    }
    return value;
  };
}
