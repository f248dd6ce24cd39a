// The list head a lane's poll reads is cached a second per database on the centre's clock: another
// database in the same process (a second centre) never gets this one's head, and the test clock
// moves it on.
import assert from 'node:assert/strict';
import { harness } from '../helpers/harness.ts';
import { createPostgresKnex } from '../../src/platform/db/knex.ts';
import { forgetListHead, listHead } from '../../src/modules/statuslist/head.ts';

describe('status list head cache', () => {
  it('is kept per database and expires on the centre clock', async () => {
    const h = await harness();
    // a second handle with a configuration of its own stands for a second centre's database
    const other = createPostgresKnex(process.env.TEST_DATABASE_URL!, 1);
    const t0 = h.clock.now();
    const later = (ms: number) => new Date(t0.getTime() + ms);
    let added: number | undefined;
    try {
      const before = await listHead(h.app.db, t0);
      added = before.current + 1;
      await h.app.db('status_list_versions').insert({
        version: added,
        published_at: t0,
        published_by: 'test',
        changed: 0,
        entered: 0,
        removed: 0,
        total: 0,
        own_total: 0,
      });
      assert.equal((await listHead(h.app.db, later(500))).current, before.current, 'cached within the second');
      assert.equal((await listHead(other, later(500))).current, added, 'the other database has a cache of its own');
      assert.equal((await listHead(h.app.db, later(1000))).current, added, 'a second on the centre clock, read again');
      await h.app.db('status_list_versions').where({ version: added }).del();
      forgetListHead(h.app.db);
      assert.equal((await listHead(h.app.db, later(1000))).current, before.current, 'forgotten at once');
      assert.equal((await listHead(other, later(1200))).current, added, 'forgetting one database leaves the other');
    } finally {
      if (added !== undefined) await h.app.db('status_list_versions').where({ version: added }).del();
      forgetListHead(h.app.db);
      await other.destroy();
    }
  });
});
