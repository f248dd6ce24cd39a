// Guessing passwords is stopped (a user is locked after N failures, an address is throttled), every
// failure is audited without the password, and passwords can be changed and reset.
import assert from 'node:assert/strict';
import request from 'supertest';
import { fingerprint, harness, loginAs, unique, type Harness } from '../helpers/harness.ts';
import { createUser } from '../../src/modules/access/service.ts';

let ipSeq = 0;
// each test logs in from addresses of its own, so one test's failures never throttle another's
const newIp = () => `198.51.100.${++ipSeq}`;

async function newUser(role: 'clerk' | 'supervisor' | 'admin' = 'clerk') {
  const h = await harness();
  const username = unique('ls');
  const password = `right-${unique('pw')}`;
  const { user } = await createUser(h.app.db, null, { username, displayName: 'Login test', role, password });
  return { username, password, id: user.id };
}

const attempt = (h: Harness, ip: string, username: string, password: string) =>
  request(h.http).post('/api/v1/sessions').set('X-Forwarded-For', ip).send({ username, password });

describe('failed logins', () => {
  it('locks a user after 5 consecutive failures: even the right password is refused until a supervisor unlocks', async () => {
    const h = await harness();
    const ip = newIp();
    const u = await newUser();
    assert.equal(h.app.config.login.maxFailures, 5);
    for (let i = 0; i < 5; i++) {
      const res = await attempt(h, ip, u.username, `Guess${i}`).expect(401);
      assert.equal(res.body.error.code, 'bad-credentials');
    }
    const refusals = await h.app
      .db('audit_log')
      .where({ entity: 'user', entity_id: String(u.id) })
      .orderBy('id');
    assert.deepEqual(
      refusals.map((r) => r.action),
      ['user.create', ...Array(5).fill('session.refuse'), 'user.lock'],
    );
    for (const r of refusals.slice(1)) {
      assert.equal(r.source_ip, ip);
      assert.ok(!JSON.stringify(r.detail).includes('Guess'), 'no password tried in the audit trail');
    }
    assert.equal(refusals[5].detail.reason, 'wrong-password');

    // locked: the right password is refused without being checked, and nothing changes
    const before = await fingerprint();
    const locked = await attempt(h, ip, u.username, u.password).expect(403);
    assert.equal(locked.body.error.code, 'account-locked');
    assert.deepEqual(await fingerprint(), before);

    const clerk = await loginAs('clerk');
    const notAllowed = await request(h.http)
      .post(`/api/v1/users/${u.id}/unlock`)
      .set('Authorization', clerk.auth)
      .expect(403);
    assert.equal(notAllowed.body.error.code, 'forbidden');
    const supervisor = await loginAs('supervisor');
    const list = await request(h.http)
      .get('/api/v1/users')
      .set('Authorization', (await loginAs('admin')).auth);
    assert.equal(list.body.users.find((x: { id: number }) => String(x.id) === String(u.id)).locked, true);
    const unlocked = await request(h.http)
      .post(`/api/v1/users/${u.id}/unlock`)
      .set('Authorization', supervisor.auth)
      .expect(200);
    assert.equal(unlocked.body.user.locked, false);
    const trail = await h.app
      .db('audit_log')
      .where({ action: 'user.unlock', entity_id: String(u.id) })
      .first();
    assert.equal(trail.actor_id, String(supervisor.userId));

    const mid = await fingerprint();
    const again = await request(h.http)
      .post(`/api/v1/users/${u.id}/unlock`)
      .set('Authorization', supervisor.auth)
      .expect(409);
    assert.equal(again.body.error.code, 'user-not-locked');
    assert.deepEqual(await fingerprint(), mid);
    await attempt(h, ip, u.username, u.password).expect(201);
  });

  it('counts consecutive failures only: a success starts the count again', async () => {
    const h = await harness();
    const ip = newIp();
    const u = await newUser();
    for (let i = 0; i < 4; i++) await attempt(h, ip, u.username, 'wrong').expect(401);
    await attempt(h, ip, u.username, u.password).expect(201);
    for (let i = 0; i < 4; i++) await attempt(h, ip, u.username, 'wrong').expect(401);
    await attempt(h, ip, u.username, u.password).expect(201);
  });

  it('answers a name nobody has exactly like a real one, lock included', async () => {
    const h = await harness();
    const ip = newIp();
    const ghost = unique('ghost');
    for (let i = 0; i < 5; i++) await attempt(h, ip, ghost, 'whatever').expect(401);
    const before = await fingerprint();
    const res = await attempt(h, ip, ghost, 'whatever').expect(403);
    assert.equal(res.body.error.code, 'account-locked');
    assert.deepEqual(await fingerprint(), before);
    const audited = await h.app.db('audit_log').where({ entity: 'login', entity_id: ghost });
    assert.equal(audited.length, 5);
    assert.ok(audited.every((r) => r.detail.reason === 'unknown-user' && r.actor_kind === 'system'));
  });

  it('throttles an address after 20 failures in 15 minutes with 429 and Retry-After, until the window passes', async () => {
    const h = await harness();
    const ip = newIp();
    const u = await newUser();
    // many names, so that no single one is locked: this is the address's limit
    for (let i = 0; i < 20; i++) await attempt(h, ip, unique('spray'), 'guess').expect(401);
    const before = await fingerprint();
    const throttled = await attempt(h, ip, u.username, u.password).expect(429);
    assert.equal(throttled.body.error.code, 'rate-limited');
    assert.equal(throttled.headers['retry-after'], '900');
    assert.deepEqual(await fingerprint(), before, 'a throttled attempt changes nothing');
    // another address is not affected
    await attempt(h, newIp(), u.username, u.password).expect(201);
    h.clock.advance(600_000);
    try {
      const later = await attempt(h, ip, u.username, u.password).expect(429);
      assert.equal(later.headers['retry-after'], '300');
      h.clock.advance(300_000);
      await attempt(h, ip, u.username, u.password).expect(201);
    } finally {
      h.clock.advance(-900_000);
    }
  });
});

describe('passwords', () => {
  it('a user changes their password: the current one is checked, the new one must be sound, other sessions end', async () => {
    const h = await harness();
    const ip = newIp();
    const u = await newUser();
    const a = `Bearer ${(await attempt(h, ip, u.username, u.password).expect(201)).body.token}`;
    const b = `Bearer ${(await attempt(h, ip, u.username, u.password).expect(201)).body.token}`;
    const change = (auth: string, body: object) =>
      request(h.http).post('/api/v1/me/password').set('Authorization', auth).send(body);

    const before = await fingerprint();
    for (const [newPassword, why] of [
      ['short-1', /at least 10 characters/],
      [`x-${u.username}-x`, /must not contain the username/],
      ['aaaaaaaaaaaaaa', /at least 4 different characters/],
      [u.password, /must differ from the current password/],
    ] as const) {
      const res = await change(a, { currentPassword: u.password, newPassword }).expect(422);
      assert.equal(res.body.error.code, 'weak-password');
      assert.equal(res.body.error.field, 'newPassword');
      assert.match(res.body.error.message, why);
    }
    assert.deepEqual(await fingerprint(), before, 'refused changes change nothing');

    const wrong = await change(a, { currentPassword: 'not-it', newPassword: 'a-sound-new-one-1' }).expect(403);
    assert.equal(wrong.body.error.code, 'wrong-password');
    const failed = await h.app.db('users').where({ id: u.id }).first('failed_logins');
    assert.equal(failed.failed_logins, 1, 'a wrong current password counts as a failed login');
    const refused = await h.app
      .db('audit_log')
      .where({ action: 'session.refuse', entity_id: String(u.id) })
      .first();
    assert.equal(refused.detail.reason, 'wrong-current-password');

    const fresh = 'a-sound-new-one-1';
    const ok = await change(a, { currentPassword: u.password, newPassword: fresh }).expect(200);
    assert.equal(ok.body.sessionsEnded, 1);
    assert.equal(ok.body.user.mustChangePassword, false);
    await request(h.http).get('/api/v1/me').set('Authorization', a).expect(200);
    const ended = await request(h.http).get('/api/v1/me').set('Authorization', b).expect(401);
    assert.equal(ended.body.error.code, 'unauthenticated');
    await attempt(h, ip, u.username, u.password).expect(401);
    await attempt(h, ip, u.username, fresh).expect(201);
    const trail = await h.app.db('audit_log').where({ action: 'user.password-change', entity_id: String(u.id) });
    assert.equal(trail.length, 1);
    const logs = h.logLines.join('');
    assert.ok(!logs.includes(fresh) && !logs.includes(u.password), 'no password in the log stream');
  });

  it('an administrator resets a password: shown once, sessions end, and nothing but a change is allowed until it is made', async () => {
    const h = await harness();
    const ip = newIp();
    const u = await newUser();
    const old = `Bearer ${(await attempt(h, ip, u.username, u.password).expect(201)).body.token}`;
    const admin = await loginAs('admin');
    const reset = await request(h.http)
      .post(`/api/v1/users/${u.id}/password-reset`)
      .set('Authorization', admin.auth)
      .expect(200);
    const temporary: string = reset.body.password;
    assert.ok(temporary.length >= 20);
    assert.equal(reset.body.user.mustChangePassword, true);
    await request(h.http).get('/api/v1/me').set('Authorization', old).expect(401);
    await attempt(h, ip, u.username, u.password).expect(401);
    const login = await attempt(h, ip, u.username, temporary).expect(201);
    assert.equal(login.body.user.mustChangePassword, true);
    const auth = `Bearer ${login.body.token}`;

    const before = await fingerprint();
    const blocked = await request(h.http).get('/api/v1/openapi.json').set('Authorization', auth).expect(403);
    assert.equal(blocked.body.error.code, 'password-change-required');
    assert.deepEqual(await fingerprint(), before);
    const me = await request(h.http).get('/api/v1/me').set('Authorization', auth).expect(200);
    assert.equal(me.body.mustChangePassword, true);
    await request(h.http)
      .post('/api/v1/me/password')
      .set('Authorization', auth)
      .send({ currentPassword: temporary, newPassword: 'my-own-choice-7' })
      .expect(200);
    await request(h.http).get('/api/v1/openapi.json').set('Authorization', auth).expect(200);
    const trail = await h.app
      .db('audit_log')
      .where({ action: 'user.password-reset', entity_id: String(u.id) })
      .first();
    assert.equal(trail.actor_id, String(admin.userId));
    assert.ok(!JSON.stringify(trail.detail).includes(temporary));
    assert.ok(!h.logLines.join('').includes(temporary), 'the one-time password is not logged');
  });

  it('a reset lifts a lock; refusals of a reset change nothing', async () => {
    const h = await harness();
    const ip = newIp();
    const u = await newUser();
    for (let i = 0; i < 5; i++) await attempt(h, ip, u.username, 'wrong').expect(401);
    const admin = await loginAs('admin');
    const supervisor = await loginAs('supervisor');
    const before = await fingerprint();
    const self = await request(h.http)
      .post(`/api/v1/users/${admin.userId}/password-reset`)
      .set('Authorization', admin.auth)
      .expect(403);
    assert.equal(self.body.error.code, 'forbidden');
    const bySupervisor = await request(h.http)
      .post(`/api/v1/users/${u.id}/password-reset`)
      .set('Authorization', supervisor.auth)
      .expect(403);
    assert.equal(bySupervisor.body.error.code, 'forbidden');
    const missing = await request(h.http)
      .post('/api/v1/users/999999999/password-reset')
      .set('Authorization', admin.auth)
      .expect(404);
    assert.equal(missing.body.error.code, 'not-found');
    const unlockAdmin = await request(h.http)
      .post(`/api/v1/users/${admin.userId}/unlock`)
      .set('Authorization', supervisor.auth)
      .expect(403);
    assert.equal(unlockAdmin.body.error.code, 'forbidden');
    assert.deepEqual(await fingerprint(), before);
    const reset = await request(h.http)
      .post(`/api/v1/users/${u.id}/password-reset`)
      .set('Authorization', admin.auth)
      .expect(200);
    assert.equal(reset.body.user.locked, false);
    await attempt(h, ip, u.username, reset.body.password).expect(201);
  });
});
