// Runs after the other integration tests (files run in name order): no key, derived card key,
// session key or KEK appears in any HTTP response or log line of the whole run.
import assert from 'node:assert/strict';
import { harness } from '../helpers/harness.ts';
import { SoftwareHsm } from '../../src/modules/keys/index.ts';
import { cardKey, encodeUint, loadSessionKey, tacKey } from '../../src/platform/crypto/pboc.ts';

describe('key material never leaves the key service', () => {
  it('appears in no response body and no log line of the run', async () => {
    const h = await harness();
    // the test re-derives what the key service holds, from the KEK it gave the service
    const hsm = new SoftwareHsm(h.kek);
    const masters = new Map<string, Buffer>();
    for (const r of await h.app.db('master_keys').select('purpose', 'version', 'wrapped'))
      masters.set(`${r.purpose}:${r.version}`, hsm.open('master-key', r.wrapped));
    const secrets: Buffer[] = [h.kek, ...masters.values()];
    const loads = await h.app.db('loads').select('card_no', 'key_version', 'random', 'online_seq');
    for (const l of loads) {
      const serial = Buffer.from(l.card_no.slice(4), 'hex');
      const dlk = cardKey(masters.get(`load:${l.key_version}`)!, serial);
      const dtk = cardKey(masters.get(`tac:${l.key_version}`)!, serial);
      secrets.push(
        dlk,
        dtk,
        tacKey(dtk),
        loadSessionKey(dlk, Buffer.from(l.random, 'hex'), encodeUint(l.online_seq, 2, 'seq')),
      );
    }
    const cards = await h.app.db('cards').pluck('card_no');
    for (const no of cards) {
      const m = masters.get('maintenance:1');
      if (m) secrets.push(cardKey(m, Buffer.from(no.slice(4), 'hex')));
    }
    assert.ok(loads.length >= 10, 'the run made loads');
    assert.ok(h.responses.length >= 200, 'the run answered requests');
    assert.ok(h.logLines.length >= 200, 'the run logged');
    const haystack = (h.responses.join('\n') + '\n' + h.logLines.join('\n')).toLowerCase();
    for (const s of secrets) {
      for (const form of [s.toString('hex'), s.toString('base64').toLowerCase()]) {
        assert.ok(!haystack.includes(form), `a key (${s.length} bytes) appeared in a response or log line`);
      }
    }
  });
});
