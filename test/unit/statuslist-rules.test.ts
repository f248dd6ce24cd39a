// The status list's pure parts: which event lists what with which reason, the publisher's
// schedule, its settings, and the strict reading of a peer's package.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { publishCron, publishSlot } from '../../src/modules/statuslist/jobs.ts';
import { parsePackage } from '../../src/modules/statuslist/list-format.ts';
import { ruleFor } from '../../src/modules/statuslist/reasons.ts';
import { AppError } from '../../src/platform/http/errors.ts';

describe('status-list rules (ETC-REFERENCE §6)', () => {
  it('maps card and OBU life-cycle events to list effects with their reason codes', () => {
    const card = (e: string, p = {}) => ruleFor('card', e, p, 0n);
    assert.deepEqual(card('card-loss-reported'), { action: 'enter', reason: 1 });
    assert.deepEqual(card('card-loss-cancelled'), { action: 'leave', reason: 1 });
    assert.deepEqual(card('card-suspended'), { action: 'enter', reason: 2 });
    assert.deepEqual(card('card-resumed'), { action: 'leave', reason: 2 });
    for (const e of ['card-replaced', 'card-reissued', 'card-cancelled'])
      assert.deepEqual(card(e), { action: 'enter', reason: 3 }, e);
    assert.deepEqual(card('card-overdrawn'), { action: 'enter', reason: 4 });
    assert.deepEqual(card('card-overdraft-cleared'), { action: 'leave', reason: 4 });
    assert.deepEqual(card('account-overdrawn'), { action: 'enter', reason: 4 });
    assert.deepEqual(card('account-covered'), { action: 'leave', reason: 4 });
    assert.equal(card('card-issued'), null);
    const obu = (e: string, p = {}) => ruleFor('obu', e, p, 0n);
    assert.deepEqual(obu('obu-loss-reported'), { action: 'enter', reason: 1 });
    assert.deepEqual(obu('obu-suspended'), { action: 'enter', reason: 2 });
    assert.deepEqual(obu('obu-cancelled'), { action: 'enter', reason: 3 });
    assert.deepEqual(obu('obu-replaced'), { action: 'enter', reason: 3 });
    assert.deepEqual(obu('obu-tampered'), { action: 'enter', reason: 5 });
    assert.deepEqual(obu('obu-activated', { afterTamper: true }), { action: 'leave', reason: 5 });
    assert.equal(obu('obu-activated', { afterTamper: false }), null);
    assert.equal(obu('obu-issued'), null);
  });

  it('lists a low purse balance only when the optional rule is on', () => {
    assert.equal(ruleFor('card', 'purse-balance', { balance: 100 }, 0n), null);
    assert.deepEqual(ruleFor('card', 'purse-balance', { balance: 100 }, 500n), { action: 'enter', reason: 7 });
    assert.deepEqual(ruleFor('card', 'purse-balance', { balance: 500 }, 500n), { action: 'leave', reason: 7 });
  });
});

describe('status-list settings and schedule', () => {
  const base = {
    ETC_KEK: '00'.repeat(32),
    DATABASE_URL: 'postgres://x@127.0.0.1/x',
    ETC_DATA_DIR: '/tmp/etc-unit-config',
  };
  it('defaults to a one-minute publisher, 7 days of deltas and a 10-minute lag threshold; bad values fail fast', () => {
    const c = loadConfig(base).statusList;
    assert.deepEqual(
      [c.publishIntervalSeconds, c.deltaRetentionDays, c.lagThresholdSeconds, c.lowBalanceFen],
      [60, 7, 600, 0n],
    );
    assert.equal(loadConfig({ ...base, ETC_LIST_PUBLISH_SECONDS: '300' }).statusList.publishIntervalSeconds, 300);
    for (const bad of [
      { ETC_LIST_PUBLISH_SECONDS: '7' },
      { ETC_LIST_PUBLISH_SECONDS: 'x' },
      { ETC_LIST_DELTA_RETENTION_DAYS: '0' },
      { ETC_LIST_LAG_THRESHOLD_SECONDS: '-5' },
    ]) {
      assert.throws(() => loadConfig({ ...base, ...bad }), ConfigError, JSON.stringify(bad));
    }
  });
  it('fires the publisher on a fixed phase with one job id per slot', () => {
    assert.equal(publishCron(60), '0 */1 * * * *');
    assert.equal(publishCron(15), '*/15 * * * * *');
    assert.equal(publishCron(3600), '0 0 * * * *');
    const slot = publishSlot(60);
    assert.equal(slot(new Date('2026-11-22T08:15:00.000Z')), slot(new Date('2026-11-22T08:15:59.999Z')));
    assert.notEqual(slot(new Date('2026-11-22T08:15:59.999Z')), slot(new Date('2026-11-22T08:16:00.000Z')));
  });
});

describe("reading a peer's package (ICD §2 lines)", () => {
  const key = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
  function pkg(lines: object[], header: object = {}): string {
    const h = JSON.stringify({
      kind: 'delta',
      from: 1,
      version: 2,
      publishedAt: '2026-11-22T08:00:00+08:00',
      count: lines.length,
      ...header,
    });
    const body = lines.map((l) => JSON.stringify(l) + '\n').join('');
    const sha256 = createHash('sha256').update(body).digest('hex');
    return `${h}\n${body}${JSON.stringify({ sha256, signature: sign('sha256', Buffer.from(`${h}\n${sha256}`), key).toString('base64') })}\n`;
  }
  const line = { medium: 'card', id: '32011901220111000001', issuer: '3201', reason: 1, action: 'enter' };
  const refused = (text: string, pattern: RegExp) =>
    assert.throws(
      () => parsePackage(text),
      (e: unknown) => e instanceof AppError && e.code === 'invalid-request' && pattern.test(e.message),
    );

  it('reads a well-formed package and checks its digest', () => {
    const p = parsePackage(pkg([line, { ...line, id: '32011901220111000002', action: 'leave' }]));
    assert.equal(p.lines.length, 2);
    assert.ok(p.digestMatches);
    assert.equal(parsePackage(pkg([])).lines.length, 0);
    assert.ok(!parsePackage(pkg([line]).replace('"reason":1', '"reason":2')).digestMatches);
  });

  it('refuses malformed packages, naming what is wrong', () => {
    refused(pkg([line]).slice(0, -1), /ends with/);
    refused(pkg([line], { count: 2 }), /count/);
    refused(pkg([{ ...line, extra: 1 }]), /unknown field extra/);
    refused(pkg([{ ...line, id: '3201' }]), /not a card number/);
    refused(pkg([{ ...line, issuer: '3301' }]), /issuer/);
    refused(pkg([{ ...line, issuer: '320' }]), /issuer/); // the number begins with it, but it is no network id
    refused(pkg([{ ...line, action: 'leave' }], { kind: 'full', from: 0 }), /action/);
    refused(pkg([line, line]), /twice/);
    refused(pkg([line], { from: 5 }), /from/);
    refused('{"kind":"delta"}\n', /header line, entry lines and a trailer/);
  });
});
