// A statement run by name (platform/db/prepared.ts): prepared once per pooled connection, the
// connection given back whatever the statement did, and a transaction's statement run on its connection.
import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import { preparedQuery } from '../../src/platform/db/prepared.ts';
import { harness } from '../helpers/harness.ts';

const TEXT = 'select ?::int + ?::int as sum, ?::bytea as bytes';

describe('prepared statements by name', () => {
  it('answers as knex would, and the server holds the statement on the connection', async () => {
    const { app } = await harness();
    for (let i = 0; i < 12; i++) {
      const rows = await preparedQuery<{ sum: number; bytes: Buffer }>(app.db, 'probe_sum', TEXT, [
        i,
        2,
        Buffer.from([i]),
      ]);
      assert.deepEqual(rows, [{ sum: i + 2, bytes: Buffer.from([i]) }]);
    }
    // a statement prepared by name lists itself among the connection's prepared statements
    const self = 'select name, parameter_types::text as types from pg_prepared_statements where name = ?';
    assert.deepEqual(await preparedQuery(app.db, 'probe_self', self, ['probe_self']), [
      { name: 'probe_self', types: '{text}' },
    ]);
  });

  it('gives the connection back after an error, and refuses a second text under a name', async () => {
    const { app } = await harness();
    // more failures than the pool has connections: each failure released its connection
    for (let i = 0; i < 25; i++) {
      await assert.rejects(
        preparedQuery(app.db, 'probe_fail', 'select 1 / ?::int as q', [0]),
        (e: { code?: string }) => e.code === '22012',
      );
    }
    assert.deepEqual(await preparedQuery(app.db, 'probe_fail', 'select 1 / ?::int as q', [1]), [{ q: 1 }]);
    await assert.rejects(
      preparedQuery(app.db, 'probe_fail', 'select 2 / ?::int as q', [1]),
      /already defined with another text/,
    );
  });

  it('runs on the transaction it is given, by name, and refuses one that has ended', async () => {
    const { app } = await harness();
    let ended: Knex.Transaction | undefined;
    await app.db.transaction(async (trx) => {
      await trx.raw('create temporary table probe_rows (n int) on commit drop');
      await trx.raw('insert into probe_rows values (7)');
      // the temporary table is seen only on the transaction's connection: the statement ran there
      const rows = await preparedQuery<{ n: number }>(trx, 'probe_rows', 'select n from probe_rows where n = ?', [7]);
      assert.deepEqual(rows, [{ n: 7 }]);
      const held = await trx.raw('select name from pg_prepared_statements where name = ?', ['probe_rows']);
      assert.deepEqual(held.rows, [{ name: 'probe_rows' }]);
      ended = trx;
    });
    await assert.rejects(
      preparedQuery(ended!, 'probe_rows', 'select n from probe_rows where n = ?', [7]),
      /the transaction has already ended/,
    );
  });

  it('leaves a failed statement failing its transaction, which rolls back', async () => {
    const { app } = await harness();
    await app.db.raw('create table probe_kept (n int)');
    await assert.rejects(
      app.db.transaction(async (trx) => {
        await trx.raw('insert into probe_kept values (1)');
        await preparedQuery(trx, 'probe_div', 'select 1 / ?::int as q', [0]);
      }),
      (e: { code?: string }) => e.code === '22012',
    );
    assert.deepEqual((await app.db.raw('select count(*)::int as n from probe_kept')).rows, [{ n: 0 }]);
  });
});
