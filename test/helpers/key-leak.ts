// No key, derived card key, session key or KEK may appear in any HTTP response or log line of the
// run. Checked by the root after-all hook (test/setup.ts), so it sees every file that ran, the
// simulations included, whether the run is the whole suite or one file.
import assert from 'node:assert/strict';
import type { Harness } from './harness.ts';
import { SoftwareHsm } from '../../src/modules/keys/index.ts';
import { cardKey, cardSerial, encodeUint, loadSessionKey, tacKey } from '../../src/platform/crypto/pboc.ts';

export async function assertNoKeyLeak(h: Harness): Promise<{ secrets: number; lines: number }> {
  // the check re-derives what the key service holds, from the KEK it gave the service
  const hsm = new SoftwareHsm(h.kek);
  const masters = new Map<string, Buffer>();
  for (const r of await h.app.db('master_keys').select('purpose', 'version', 'wrapped'))
    masters.set(`${r.purpose}:${r.version}`, hsm.open('master-key', r.wrapped));
  const secrets: Buffer[] = [h.kek, ...masters.values()];
  const loads = await h.app.db('loads').select('card_no', 'key_version', 'random', 'online_seq');
  for (const l of loads) {
    const serial = cardSerial(l.card_no);
    const dlk = cardKey(masters.get(`load:${l.key_version}`)!, serial);
    const dtk = cardKey(masters.get(`tac:${l.key_version}`)!, serial);
    secrets.push(
      dlk,
      dtk,
      tacKey(dtk),
      loadSessionKey(dlk, Buffer.from(l.random, 'hex'), encodeUint(l.online_seq, 2, 'seq')),
    );
  }
  const m = masters.get('maintenance:1');
  if (m) for (const no of await h.app.db('cards').pluck('card_no')) secrets.push(cardKey(m, cardSerial(no)));
  const haystack = (h.responses.join('\n') + '\n' + h.logLines.join('\n')).toLowerCase();
  for (const s of secrets) {
    for (const form of [s.toString('hex'), s.toString('base64').toLowerCase()]) {
      assert.ok(!haystack.includes(form), `a key (${s.length} bytes) appeared in a response or log line`);
    }
  }
  return { secrets: secrets.length, lines: h.responses.length + h.logLines.length };
}
