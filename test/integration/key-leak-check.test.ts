// The run-wide key check itself (it runs as the root after-all hook in test/setup.ts): it must find
// a key that did leak, or passing it proves nothing.
import assert from 'node:assert/strict';
import { harness } from '../helpers/harness.ts';
import { assertNoKeyLeak } from '../helpers/key-leak.ts';

describe('the run-wide key leak check', () => {
  it('finds the KEK planted in a log line, hex or base64, and passes without it', async () => {
    const h = await harness();
    await assertNoKeyLeak({ ...h, responses: [], logLines: ['nothing secret'] });
    await assert.rejects(
      assertNoKeyLeak({ ...h, responses: [], logLines: [`{"msg":"x","k":"${h.kek.toString('hex')}"}`] }),
      /a key \(32 bytes\) appeared/,
    );
    await assert.rejects(
      assertNoKeyLeak({ ...h, responses: [`{"k":"${h.kek.toString('base64')}"}`], logLines: [] }),
      /appeared/,
    );
  });
});
