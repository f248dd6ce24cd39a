// Finance exceptions change hands: a supervisor or finance user assigns an open one to a team or a
// person (audited), the queue filters by owner, and a resolved one cannot be reassigned.
import assert from 'node:assert/strict';
import { raiseExceptions } from '../../src/modules/finance/index.ts';
import { fingerprint, harness, loginAs, unique } from '../helpers/harness.ts';
import { staffGet, staffPost } from '../helpers/settlement.ts';

describe('finance exceptions: owners', () => {
  it('assigns an open exception, lists by owner, refuses the resolved, the wrong role and bad owners', async () => {
    const h = await harness();
    const reference = unique('till:');
    await raiseExceptions(h.app.db, h.clock.now(), [
      { kind: 'till-difference', reference, source: 'test', amount: -50n, owner: 'hall' },
    ]);
    const id = (await h.app.db('finance_exceptions').where({ kind: 'till-difference', reference }).first()).id;
    const supervisor = await loginAs('supervisor');
    const finance = await loginAs('finance');

    const hall = await staffGet(finance.auth, '/api/v1/finance/exceptions?owner=hall&status=open');
    assert.ok(hall.body.exceptions.some((e: any) => e.reference === reference));
    const assigned = await staffPost(supervisor.auth, `/api/v1/finance/exceptions/${id}/assign`, {
      owner: finance.username,
      note: 'counted twice, please check the bank bag',
    });
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
    assert.equal(assigned.body.exception.owner, finance.username);
    const mine = await staffGet(finance.auth, `/api/v1/finance/exceptions?owner=${finance.username}`);
    assert.deepEqual(
      mine.body.exceptions.map((e: any) => e.reference),
      [reference],
    );
    const trail = await h.app
      .db('audit_log')
      .where({ entity: 'finance_exception', entity_id: String(id) })
      .pluck('action');
    assert.deepEqual(trail, ['finance-exception.assign']);

    const refused = async (auth: string, body: unknown, status: number, code: string) => {
      const before = await fingerprint();
      const res = await staffPost(auth, `/api/v1/finance/exceptions/${id}/assign`, body);
      assert.deepEqual([res.status, res.body.error?.code], [status, code], JSON.stringify(res.body));
      assert.deepEqual(await fingerprint(), before);
    };
    await refused((await loginAs('clerk')).auth, { owner: 'finance' }, 403, 'forbidden');
    await refused(finance.auth, { owner: 'no one here' }, 400, 'invalid-request');
    await staffPost(finance.auth, `/api/v1/finance/exceptions/${id}/resolve`, { note: 'bag recounted: 50 fen found' });
    await refused(finance.auth, { owner: 'hall' }, 409, 'exception-resolved');
  });
});
