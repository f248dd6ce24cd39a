// Stored signed deltas (status_list_delta_packages): the first pull of a delta keeps its bytes, a
// later pull is served from them byte for byte (what a fresh build gives), a publish drops the
// packages to older versions and pruning those from pruned versions.
import assert from 'node:assert/strict';
import request from 'supertest';
import { dropDeltasFrom } from '../../src/modules/statuslist/stored-deltas.ts';
import { harness, loginAs } from '../helpers/harness.ts';
import { centre, issueCard, machine, signedText, tick } from './statuslist-support.ts';

describe('status list: stored signed deltas', () => {
  let clerk: string;
  let supervisor: string;
  before(async () => {
    await centre();
    clerk = (await loginAs('clerk')).auth;
    supervisor = (await loginAs('supervisor')).auth;
  });

  async function listCard(reason = 5): Promise<void> {
    const h = await harness();
    const { cardNo } = await issueCard(clerk, 23);
    await request(h.http)
      .post('/api/v1/status-list/entries')
      .set('Authorization', supervisor)
      .send({ medium: 'card', id: cardNo, reason, note: 'listed for a stored-delta test' })
      .expect(201);
    await tick();
  }
  const current = async () =>
    Number((await (await harness()).app.db('status_list_versions').max({ v: 'version' }).first())!.v);

  it('keeps a delta once built, serves the same bytes from it, and drops it when a newer version is published', async () => {
    const h = await harness();
    const config = h.app.config.statusList;
    const before = { deltaCacheMb: config.deltaCacheMb, storedDeltas: config.storedDeltas };
    config.deltaCacheMb = 0; // nothing from this process's memory: the database or a fresh build
    try {
      const lane = await machine('lane', 'L340204-01');
      await listCard();
      const from = await current();
      await listCard(6);
      await listCard(5);
      const to = await current();
      const path = `/api/v1/lanes/L340204-01/status-list?since=${from}`;
      const first = await signedText(lane, path, { gzip: true });
      assert.equal(first.status, 200);
      const rows = await h.app.db('status_list_delta_packages').where({ from_version: from, to_version: to });
      assert.equal(rows.length, 1);
      assert.equal(rows[0].issuer, '');
      assert.equal(Buffer.from(rows[0].bytes).toString('utf8'), first.text, 'stored as served');

      // a later pull is the stored bytes: a marked copy comes back as it is
      const marked = first.text.replace('"kind":"delta"', '"kind":"delta" ');
      await h.app
        .db('status_list_delta_packages')
        .where({ from_version: from, to_version: to })
        .update({
          bytes: Buffer.from(marked, 'utf8'),
        });
      assert.equal((await signedText(lane, path)).text, marked);
      await h.app
        .db('status_list_delta_packages')
        .where({ from_version: from, to_version: to })
        .update({
          bytes: Buffer.from(first.text, 'utf8'),
        });
      assert.equal((await signedText(lane, path)).text, first.text);
      // and a fresh build, without the store, is the very same bytes
      config.storedDeltas = false;
      assert.equal((await signedText(lane, path)).text, first.text);
      config.storedDeltas = true;

      await listCard(6);
      assert.equal((await h.app.db('status_list_delta_packages').where('to_version', '<', await current())).length, 0);
      const again = await signedText(lane, path);
      assert.equal(JSON.parse(again.text.split('\n')[0]).version, await current());
      // pruning drops what starts before the pruning point
      await h.app.db.transaction((trx) => dropDeltasFrom(trx, from + 1));
      assert.equal((await h.app.db('status_list_delta_packages').where({ from_version: from })).length, 0);
    } finally {
      Object.assign(config, before);
    }
  });
});
