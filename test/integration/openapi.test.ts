// The OpenAPI document describes every operation's success answer, generated from the same zod
// declarations the routes use, so that a client can be generated from it. (The harness checks every
// JSON answer of the suite against its route's schema, so the schemas match what is sent.)
import assert from 'node:assert/strict';
import request from 'supertest';
import { z } from 'zod';
import { API_VERSION, buildApp } from '../../src/app.ts';
import express from 'express';
import { buildOpenApi } from '../../src/platform/http/openapi.ts';
import { createMetrics } from '../../src/platform/http/metrics.ts';
import { defineRoute, ok } from '../../src/platform/http/route.ts';
import { mountRoutes } from '../../src/platform/http/router.ts';
import { accessAuthenticator } from '../../src/modules/access/index.ts';
import { harness, loginAs } from '../helpers/harness.ts';

type Operation = { responses: Record<string, { description: string; content?: Record<string, { schema?: unknown }> }> };

describe('the OpenAPI document', () => {
  it('declares a success answer for every route: a JSON schema, a content type, or no content (204)', async () => {
    const h = await harness();
    const routes = buildApp(h.app).routes;
    assert.ok(routes.length >= 100, `routes declared: ${routes.length}`);
    const doc = buildOpenApi(routes, API_VERSION) as { paths: Record<string, Record<string, Operation>> };
    const missing: string[] = [];
    for (const r of routes) {
      const name = `${r.method.toUpperCase()} ${r.path}`;
      const declared = [r.response !== undefined, r.produces !== undefined, r.noContent === true].filter(Boolean);
      if (declared.length !== 1) missing.push(`${name}: declares ${declared.length} kinds of success answer`);
      if (r.response && !(r.response instanceof z.ZodType)) missing.push(`${name}: response is not a zod schema`);
      const op = doc.paths[r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[r.method];
      if (!op) {
        missing.push(`${name}: not in the document`);
        continue;
      }
      const success = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
      if (success.length !== 1) {
        missing.push(`${name}: ${success.length} success responses`);
        continue;
      }
      const [status, answer] = success[0];
      if (r.noContent) {
        if (status !== '204' || answer.content) missing.push(`${name}: no content must be a bare 204`);
        continue;
      }
      const content = Object.entries(answer.content ?? {});
      if (content.length === 0) {
        missing.push(`${name}: success answer without content`);
        continue;
      }
      for (const [type, media] of content) {
        const schema = media.schema as Record<string, unknown> | undefined;
        if (!schema || Object.keys(schema).length === 0) missing.push(`${name}: ${type} without a schema`);
        else if (
          r.response &&
          type === 'application/json' &&
          !('type' in schema || 'anyOf' in schema || 'oneOf' in schema)
        )
          missing.push(`${name}: JSON schema says nothing of the body's type`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('says amounts and ids are integers and times are date-times, and is served as generated', async () => {
    const h = await harness();
    const { auth } = await loginAs('clerk');
    const res = await request(h.http).get('/api/v1/openapi.json').set('Authorization', auth).expect(200);
    assert.deepEqual(res.body, JSON.parse(JSON.stringify(buildOpenApi(buildApp(h.app).routes, API_VERSION))));
    const created = res.body.paths['/api/v1/customers'].post.responses['201'].content['application/json'].schema;
    const account = created.properties.account;
    assert.equal(account.properties.creditLimit.type, 'integer');
    assert.equal(account.properties.id.type, 'integer');
    assert.equal(account.properties.createdAt.type, 'string');
    assert.equal(account.properties.createdAt.format, 'date-time');
    assert.equal(created.additionalProperties, false, 'members are declared exactly');
    const load = res.body.paths['/api/v1/channel/loads'].post.responses['201'].content['application/json'].schema;
    assert.ok(load.properties.mac2, 'the bank channel load answer names its MAC2');
    const exportOp = res.body.paths['/api/v1/settlements/{date}/export'].get.responses['200'].content;
    assert.deepEqual(Object.keys(exportOp).sort(), [
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'text/csv; charset=utf-8',
    ]);
    assert.ok(res.body.paths['/api/v1/sessions/current'].delete.responses['204']);
  });

  it('answers 500 (logged, naming the member) when a JSON answer does not match its declared schema', async () => {
    const h = await harness();
    const route = (body: unknown) =>
      defineRoute({
        method: 'get',
        path: '/probe',
        tag: 'test',
        roles: 'public',
        summary: 'probe',
        response: z.strictObject({ amount: z.number().int(), at: z.iso.datetime() }),
        handler: async () => ok(body),
      });
    const serve = (body: unknown, checkResponses: boolean) =>
      express().use(
        mountRoutes(h.app, [route(body)], createMetrics(), accessAuthenticator(h.app.keys.hsm), { checkResponses }),
      );
    const good = { amount: 12n, at: new Date('2026-11-22T01:02:03Z') };
    const fine = await request(serve(good, true)).get('/probe').expect(200);
    assert.deepEqual(fine.body, { amount: 12, at: '2026-11-22T01:02:03.000Z' });
    const logged = h.logLines.length;
    for (const bad of [{ ...good, extra: 1 }, { ...good, amount: '12' }, { at: good.at }]) {
      const res = await request(serve(bad, true)).get('/probe');
      assert.equal(res.status, 500, Object.keys(bad).join());
      assert.equal(res.body.error.code, 'internal');
    }
    assert.ok(
      h.logLines.slice(logged).some((l) => /does not match its response schema: amount/.test(l)),
      'the mismatch is logged with the member',
    );
    // without the check (production), the answer is sent as the handler made it
    await request(serve({ ...good, extra: 1 }, false))
      .get('/probe')
      .expect(200);
  });
});
