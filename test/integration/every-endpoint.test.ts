// Every declared endpoint refuses a caller without credentials (401) and a caller of a role it does
// not admit (403), and those refusals change nothing. The list comes from the route declarations,
// so an endpoint added later is covered without touching this test.
import assert from 'node:assert/strict';
import request from 'supertest';
import { buildApp } from '../../src/app.ts';
import { CLIENT_ROLES, USER_ROLES, type Role } from '../../src/modules/access/index.ts';
import { fingerprint, harness, loginAs, newClient, signed, type TestClient } from '../helpers/harness.ts';

describe('every endpoint is authenticated and role-checked', () => {
  it('401 without credentials, 403 for a role not admitted, nothing changed', async function () {
    this.timeout(120000);
    const h = await harness();
    const routes = buildApp(h.app).routes.filter((r) => r.roles !== 'public');
    assert.ok(routes.length >= 40, `routes declared: ${routes.length}`);
    // the audit trail and personal-data exports are among them (their refusals are checked below too)
    const declared = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const path of [
      'get /api/v1/audit-log',
      'get /api/v1/audit-log/export',
      'post /api/v1/exports',
      'get /api/v1/exports',
      'get /api/v1/exports/:exportId',
      'post /api/v1/exports/:exportId/approve',
      'post /api/v1/exports/:exportId/reject',
      'get /api/v1/exports/:exportId/download',
    ])
      assert.ok(declared.has(path), `${path} is declared`);
    const users = Object.fromEntries(
      await Promise.all(USER_ROLES.map(async (r) => [r, (await loginAs(r)).auth] as const)),
    );
    const clients: Record<string, TestClient> = Object.fromEntries(
      await Promise.all(CLIENT_ROLES.map(async (r) => [r, await newClient(r)] as const)),
    );
    const before = await fingerprint();
    for (const r of routes) {
      const path = r.path.replace(/:([A-Za-z]+)/g, (_m, name: string) =>
        name === 'cardNo'
          ? '34010000000000000001'
          : name === 'obuNo'
            ? '3401000000000001'
            : name === 'date'
              ? '2026-11-22'
              : '1',
      );
      const anon = await request(h.http)
        [r.method](path)
        .send(r.method === 'get' ? undefined : {});
      assert.equal(anon.status, 401, `${r.method} ${r.path} without credentials`);
      assert.equal(anon.body.error.code, 'unauthenticated');
      const roles = r.roles as readonly Role[];
      const outsider = [...USER_ROLES, ...CLIENT_ROLES].find((role) => !roles.includes(role));
      if (!outsider) continue;
      const res = (USER_ROLES as readonly string[]).includes(outsider)
        ? await request(h.http)
            [r.method](path)
            .set('Authorization', users[outsider])
            .send(r.method === 'get' ? undefined : {})
        : await signed(
            clients[outsider],
            r.method === 'get' ? 'get' : 'post',
            path,
            r.method === 'get' ? undefined : {},
            { idempotencyKey: 'every-endpoint' },
          );
      if (r.method !== 'get' && r.method !== 'post' && !(USER_ROLES as readonly string[]).includes(outsider)) continue;
      assert.equal(res.status, 403, `${r.method} ${r.path} as ${outsider}`);
      assert.equal(res.body.error.code, 'forbidden');
    }
    assert.deepEqual(await fingerprint(), before);
  });

  it('a user whose password was reset reaches only who-am-I, the password change and logging out', async function () {
    this.timeout(120000);
    const h = await harness();
    const routes = buildApp(h.app).routes.filter((r) => r.roles !== 'public' && r.roles.includes('admin'));
    for (const path of ['/api/v1/me/password', '/api/v1/users/:userId/password-reset', '/api/v1/users/:userId/unlock'])
      assert.ok(
        routes.some((r) => r.path === path),
        `${path} is declared`,
      );
    const resetter = await loginAs('admin');
    const target = await loginAs('admin');
    const reset = await request(h.http)
      .post(`/api/v1/users/${target.userId}/password-reset`)
      .set('Authorization', resetter.auth)
      .expect(200);
    const login = await request(h.http)
      .post('/api/v1/sessions')
      .send({ username: target.username, password: reset.body.password })
      .expect(201);
    const auth = `Bearer ${login.body.token}`;
    const before = await fingerprint();
    const open: string[] = [];
    for (const r of routes) {
      const path = r.path.replace(/:([A-Za-z]+)/g, (_m, name: string) =>
        name === 'cardNo'
          ? '34010000000000000001'
          : name === 'obuNo'
            ? '3401000000000001'
            : name === 'date'
              ? '2026-11-22'
              : '1',
      );
      if (r.beforePasswordChange) {
        open.push(`${r.method} ${r.path}`);
        continue;
      }
      const res = await request(h.http)
        [r.method](path)
        .set('Authorization', auth)
        .send(r.method === 'get' ? undefined : {});
      assert.equal(res.status, 403, `${r.method} ${r.path}`);
      assert.equal(res.body.error.code, 'password-change-required', `${r.method} ${r.path}`);
    }
    assert.deepEqual(open.sort(), ['delete /api/v1/sessions/current', 'get /api/v1/me', 'post /api/v1/me/password']);
    assert.deepEqual(await fingerprint(), before);
  });

  it('every POST that moves money refuses staff without an Idempotency-Key (400), nothing changed', async function () {
    this.timeout(60000);
    const h = await harness();
    const routes = buildApp(h.app).routes.filter((r) => r.moneyMoving);
    const expected = [
      'post /api/v1/accounts/:accountId/deposits',
      'post /api/v1/deposits/:depositId/approve',
      'post /api/v1/deposits/:depositId/reversal/approve',
      'post /api/v1/settlements/:date/:network/settle',
      'post /api/v1/payouts/:date/:operatorId/pay',
      'post /api/v1/channel/loads',
      'post /api/v1/card-cancellations/:requestId/approve',
      'post /api/v1/refund-batches/:batchId/paid',
      'post /api/v1/cash-deposit-slips/:slipId/banked',
      'post /api/v1/bank-settlements/:statementId/settle',
    ];
    const declared = routes.map((r) => `${r.method} ${r.path}`);
    for (const e of expected) assert.ok(declared.includes(e), `${e} is declared moneyMoving`);
    const openapi = await request(h.http)
      .get('/api/v1/openapi.json')
      .set('Authorization', (await loginAs('auditor')).auth);
    const users = Object.fromEntries(
      await Promise.all(USER_ROLES.map(async (r) => [r, (await loginAs(r)).auth] as const)),
    ) as Record<string, string>;
    const before = await fingerprint();
    for (const r of routes) {
      const role = (r.roles as readonly Role[]).find((x) => (USER_ROLES as readonly string[]).includes(x))!;
      const auth = users[role];
      const path = r.path.replace(/:([A-Za-z]+)/g, (_m, name: string) => (name === 'date' ? '2026-11-22' : '1'));
      const res = await request(h.http).post(path).set('Authorization', auth).send({});
      assert.deepEqual([res.status, res.body.error?.code], [400, 'idempotency-key-required'], `${r.path} as ${role}`);
      const documented = openapi.body.paths[r.path.replace(/:([A-Za-z]+)/g, '{$1}')].post.parameters;
      assert.ok(
        documented.some((p: any) => p.name === 'Idempotency-Key' && p.required === true),
        `${r.path}: the OpenAPI document says the key is required`,
      );
    }
    assert.deepEqual(await fingerprint(), before);
  });

  it("declares the console's read endpoints for staff only, each with its success body's schema", async () => {
    const h = await harness();
    const routes = buildApp(h.app).routes;
    const reads = [
      'get /api/v1/customers/:customerId/media',
      'get /api/v1/cards/:cardNo/history',
      'get /api/v1/accounts/:accountId/statement',
      'get /api/v1/customers/:customerId/events',
      'get /api/v1/tills/:date',
      'get /api/v1/approvals',
      'get /api/v1/status-list/delivery',
    ];
    for (const key of reads) {
      const r = routes.find((x) => `${x.method} ${x.path}` === key);
      assert.ok(r, `${key} is declared`);
      assert.ok(r.response, `${key} declares its response schema`);
      assert.ok(r.query, `${key} declares its query (unknown fields refused)`);
      const roles = r.roles as readonly Role[];
      // the customer history was open to banks (scoped to their own customers) before; the rest is staff only
      if (key !== 'get /api/v1/customers/:customerId/events')
        for (const machine of CLIENT_ROLES) assert.ok(!roles.includes(machine), `${key} refuses ${machine}`);
    }
  });
});
