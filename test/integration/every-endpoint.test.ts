// Every declared endpoint refuses a caller without credentials (401) and a caller of a role it does
// not admit (403), and those refusals change nothing. The list comes from the route declarations,
// so an endpoint added later is covered without touching this test.
import assert from 'node:assert/strict';
import request from 'supertest';
import { buildApp } from '../../src/app.ts';
import { CLIENT_ROLES, USER_ROLES, type Role } from '../../src/platform/http/context.ts';
import { fingerprint, harness, loginAs, newClient, signed, type TestClient } from '../helpers/harness.ts';

describe('every endpoint is authenticated and role-checked', () => {
  it('401 without credentials, 403 for a role not admitted, nothing changed', async function () {
    this.timeout(120000);
    const h = await harness();
    const routes = buildApp(h.app).routes.filter((r) => r.roles !== 'public');
    assert.ok(routes.length >= 40, `routes declared: ${routes.length}`);
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
