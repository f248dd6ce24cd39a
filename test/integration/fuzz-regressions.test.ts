// What the endpoint fuzzer found, pinned: each answered 500 before its fix. On a fresh centre (no
// list published, no lane reported, no day sealed), with every answer checked against its route's
// declared response schema.
import assert from 'node:assert/strict';
import request from 'supertest';
import { fuzzCentre, type FuzzCentre } from '../helpers/fuzz/centre.ts';
import { quickDigest } from '../helpers/fuzz/endpoint-fuzz.ts';

describe('endpoint fuzzing regressions', function () {
  this.timeout(60000);
  let centre: FuzzCentre;
  const auth = (role: string) => (centre.creds.get(role) as { auth: string }).auth;
  before(async () => {
    centre = await fuzzCentre();
  });
  after(() => centre?.close());

  it('a path parameter that is not valid percent-encoded UTF-8 is 400 invalid-request, not 500', async () => {
    const res = await request(centre.http).get('/api/v1/customers/%ED%A0%80').set('Authorization', auth('clerk'));
    assert.deepEqual([res.status, res.body.error.code], [400, 'invalid-request']);
    assert.equal(res.body.error.message, 'path: malformed percent-encoding');
  });

  it('the delivery distribution before the first version and before any lane reported (nulls declared)', async () => {
    const res = await request(centre.http)
      .get('/api/v1/status-list/distribution')
      .set('Authorization', auth('auditor'));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.publishedAt, null);
    assert.equal(res.body.summary.oldestAppliedVersion, null);
  });

  it('a clearing day not sealed yet answers sealedAt null', async () => {
    const res = await request(centre.http)
      .get('/api/v1/clearing/days/2026-11-19')
      .set('Authorization', auth('supervisor'));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.day.sealedAt, null);
  });

  it('a peer without a URL (drop folder) is set and listed with url null', async () => {
    const put = await request(centre.http)
      .put('/api/v1/interchange/peers/3201/endpoint')
      .set('Authorization', auth('admin'))
      .send({ url: null, clientId: '3401' });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.peer.url, null);
    const list = await request(centre.http)
      .get('/api/v1/interchange/peer-endpoints')
      .set('Authorization', auth('auditor'));
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.peers.find((p: { network: string }) => p.network === '3201').url, null);
  });

  it('an audit-log cursor past the largest bigint is 400, not a database error', async () => {
    const before = await quickDigest(centre.app.db);
    const res = await request(centre.http)
      .get('/api/v1/audit-log?cursor=9223372036854775808')
      .set('Authorization', auth('supervisor'));
    assert.deepEqual([res.status, res.body.error.code, res.body.error.field], [400, 'invalid-request', 'cursor']);
    const ok = await request(centre.http)
      .get('/api/v1/audit-log?cursor=9223372036854775807')
      .set('Authorization', auth('supervisor'));
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(await quickDigest(centre.app.db), before);
  });

  it('a service desk report month outside 2000–2099 is 400 naming month, not a database error', async () => {
    const res = await request(centre.http)
      .get('/api/v1/servicedesk/reports/export?report=root-causes&month=0440-11')
      .set('Authorization', auth('supervisor'));
    assert.deepEqual([res.status, res.body.error.code, res.body.error.field], [400, 'invalid-request', 'month']);
    const december = await request(centre.http)
      .get('/api/v1/servicedesk/reports/export?report=root-causes&month=2026-12&format=csv')
      .set('Authorization', auth('supervisor'));
    assert.equal(december.status, 200, december.text);
  });

  it('a date in year 0000 (PostgreSQL has no year 0) is 400 naming the field, in a path and in a query', async () => {
    for (const [path, field] of [
      ['/api/v1/clearing/days/0000-01-01', 'date'],
      ['/api/v1/settlements?from=0000-12-31', 'from'],
      ['/api/v1/reports/today?date=0000-02-29', 'date'],
    ]) {
      const res = await request(centre.http).get(path).set('Authorization', auth('finance'));
      assert.equal(res.status, 400, `${path}: ${res.text}`);
      assert.deepEqual([res.body.error.code, res.body.error.field], ['invalid-request', field], path);
    }
    const first = await request(centre.http)
      .get('/api/v1/clearing/days/0001-01-01')
      .set('Authorization', auth('finance'));
    assert.notEqual(first.status, 500, first.text);
  });

  it("the fuzzer's change detector sees a write", async () => {
    const before = await quickDigest(centre.app.db);
    await centre.renew('clerk');
    const after = await quickDigest(centre.app.db);
    assert.notEqual(after.users, before.users);
  });
});
