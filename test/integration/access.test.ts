import assert from 'node:assert/strict';
import request from 'supertest';
import { fingerprint, harness, loginAs, newClient, signed, unique } from '../helpers/harness.ts';
import { createUser } from '../../src/modules/access/service.ts';

describe('authentication and roles', () => {
  it('health answers without authentication and reports database and queue', async () => {
    const h = await harness();
    const res = await request(h.http).get('/healthz').expect(200);
    assert.deepEqual(res.body, { status: 'ok', database: 'up', queue: 'up', queueKind: 'bull' });
  });

  it('logs in, identifies the user, and logs out (the token then stops working)', async () => {
    const h = await harness();
    const { auth, username } = await loginAs('clerk');
    const me = await request(h.http).get('/api/v1/me').set('Authorization', auth).expect(200);
    assert.equal(me.body.username, username);
    assert.equal(me.body.role, 'clerk');
    await request(h.http).delete('/api/v1/sessions/current').set('Authorization', auth).expect(204);
    const after = await request(h.http).get('/api/v1/me').set('Authorization', auth).expect(401);
    assert.equal(after.body.error.code, 'unauthenticated');
  });

  it('refuses a wrong password and an unknown user alike, creating no session', async () => {
    const h = await harness();
    const username = unique('u');
    await createUser(h.app.db, null, { username, displayName: 'x', role: 'clerk', password: 'right-password-123' });
    const before = await h.app.db('sessions').count({ n: '*' }).first();
    for (const body of [
      { username, password: 'wrong' },
      { username: unique('nobody'), password: 'x' },
    ]) {
      const res = await request(h.http).post('/api/v1/sessions').send(body).expect(401);
      assert.equal(res.body.error.code, 'bad-credentials');
    }
    const after = await h.app.db('sessions').count({ n: '*' }).first();
    assert.equal(after?.n, before?.n);
  });

  it('expires sessions after their time to live', async () => {
    const h = await harness();
    const { auth } = await loginAs('clerk');
    h.clock.advance((h.app.config.sessionTtlSeconds + 1) * 1000);
    try {
      const res = await request(h.http).get('/api/v1/me').set('Authorization', auth).expect(401);
      assert.equal(res.body.error.code, 'session-expired');
    } finally {
      h.clock.advance(-(h.app.config.sessionTtlSeconds + 1) * 1000);
    }
  });

  it('refuses unauthenticated calls (401) and the wrong role (403) without changing anything', async () => {
    const h = await harness();
    const before = await fingerprint();
    const anon = await request(h.http)
      .post('/api/v1/users')
      .send({ username: 'x1', displayName: 'x', role: 'clerk' })
      .expect(401);
    assert.equal(anon.body.error.code, 'unauthenticated');
    const clerk = await loginAs('clerk');
    const mid = await fingerprint();
    const res = await request(h.http)
      .post('/api/v1/users')
      .set('Authorization', clerk.auth)
      .send({ username: 'x2', displayName: 'x', role: 'clerk' })
      .expect(403);
    assert.equal(res.body.error.code, 'forbidden');
    assert.deepEqual(await fingerprint(), mid);
    assert.notDeepEqual(before, mid); // the login itself did write a session: the fingerprint sees changes
  });

  it('refuses unknown fields and bad values naming the field', async () => {
    const h = await harness();
    const admin = await loginAs('admin');
    const before = await fingerprint();
    const extra = await request(h.http)
      .post('/api/v1/users')
      .set('Authorization', admin.auth)
      .send({ username: 'abc', displayName: 'x', role: 'clerk', isRoot: true })
      .expect(400);
    assert.equal(extra.body.error.code, 'invalid-request');
    assert.equal(extra.body.error.field, 'isRoot');
    const bad = await request(h.http)
      .post('/api/v1/users')
      .set('Authorization', admin.auth)
      .send({ username: 'abc', displayName: 'x', role: 'king' })
      .expect(400);
    assert.equal(bad.body.error.field, 'role');
    // the name receipts and the audit trail show: one line
    const twoLines = await request(h.http)
      .post('/api/v1/users')
      .set('Authorization', admin.auth)
      .send({ username: 'abc', displayName: 'Wang\nAdmin', role: 'clerk' })
      .expect(400);
    assert.equal(twoLines.body.error.field, 'displayName');
    const malformed = await request(h.http)
      .post('/api/v1/users')
      .set('Authorization', admin.auth)
      .set('Content-Type', 'application/json')
      .send('{"username":')
      .expect(400);
    assert.equal(malformed.body.error.code, 'invalid-request');
    const query = await request(h.http).get('/api/v1/users?debug=1').set('Authorization', admin.auth).expect(400);
    assert.equal(query.body.error.field, 'debug');
    assert.deepEqual(await fingerprint(), before);
  });

  it('admin creates a user whose generated password works once shown', async () => {
    const h = await harness();
    const admin = await loginAs('admin');
    const username = unique('fin');
    const res = await request(h.http)
      .post('/api/v1/users')
      .set('Authorization', admin.auth)
      .send({ username, displayName: 'Finance', role: 'finance' })
      .expect(201);
    assert.ok(res.body.password.length >= 20);
    assert.equal(res.body.user.passwordHash, undefined);
    await request(h.http).post('/api/v1/sessions').send({ username, password: res.body.password }).expect(201);
    const audit = await h.app
      .db('audit_log')
      .where({ action: 'user.create', entity_id: String(res.body.user.id) })
      .first();
    assert.equal(audit.actor_id, String(admin.userId));
  });
});

describe('machine request signing (ICD §0)', () => {
  it('accepts a correctly signed request', async () => {
    const c = await newClient('bank');
    const res = await signed(c, 'get', '/api/v1/me');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { kind: 'client', id: c.id, role: 'bank' });
  });

  it('refuses a wrong signature, a stale timestamp and an unknown client with 401', async () => {
    const h = await harness();
    const c = await newClient('lane');
    const wrong = await signed(c, 'get', '/api/v1/me', undefined, { secret: 'not-the-secret' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'bad-signature');
    const stale = await signed(c, 'get', '/api/v1/me', undefined, { timestamp: h.clock.now().getTime() - 301_000 });
    assert.equal(stale.status, 401);
    assert.equal(stale.body.error.code, 'stale-timestamp');
    const unknown = await signed({ ...c, id: unique('ghost') }, 'get', '/api/v1/me');
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.error.code, 'unknown-client');
  });

  it('a signature over one path does not authorise another', async () => {
    const h = await harness();
    const c = await newClient('bank');
    const ok = await signed(c, 'get', '/api/v1/me');
    const sig = ok.request.getHeader('X-Signature') as string;
    const ts = ok.request.getHeader('X-Timestamp') as string;
    const res = await request(h.http)
      .get('/api/v1/openapi.json')
      .set('X-Client-Id', c.id)
      .set('X-Timestamp', ts)
      .set('X-Signature', sig);
    assert.equal(res.status, 401);
  });

  it('machines may not reach staff endpoints (403)', async () => {
    const c = await newClient('bank');
    const res = await signed(c, 'get', '/api/v1/users');
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'forbidden');
  });
});

describe('platform endpoints', () => {
  it('serves an OpenAPI document listing every route with its roles', async () => {
    const h = await harness();
    const { auth } = await loginAs('auditor');
    const res = await request(h.http).get('/api/v1/openapi.json').set('Authorization', auth).expect(200);
    assert.equal(res.body.openapi, '3.1.0');
    assert.ok(res.body.paths['/api/v1/sessions'].post);
    assert.deepEqual(res.body.paths['/api/v1/users'].post['x-roles'], ['admin']);
  });

  it('serves Prometheus metrics to admins only', async () => {
    const h = await harness();
    const admin = await loginAs('admin');
    const res = await request(h.http).get('/metrics').set('Authorization', admin.auth).expect(200);
    assert.match(res.text, /etc_http_request_duration_seconds/);
    const clerk = await loginAs('clerk');
    await request(h.http).get('/metrics').set('Authorization', clerk.auth).expect(403);
  });
});
