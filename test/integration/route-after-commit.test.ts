// A route's work left until its transaction has committed (RouteResult.afterCommit): it runs after
// the idempotent POST's transaction commits and before the answer is sent, once per request (not on
// a replay); its failure is logged and the committed answer still sent.
import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { z } from 'zod';
import { requestBody } from '../../src/platform/http/json-body.ts';
import { createMetrics } from '../../src/platform/http/metrics.ts';
import { defineRoute, ok } from '../../src/platform/http/route.ts';
import { mountRoutes } from '../../src/platform/http/router.ts';
import { accessAuthenticator } from '../../src/modules/access/index.ts';
import { harness, loginAs } from '../helpers/harness.ts';

describe('work after a route commits', () => {
  it('runs once the idempotent transaction has committed, before the answer; a failure is logged, the answer sent', async () => {
    const h = await harness();
    const { auth, userId } = await loginAs('clerk');
    const seen: Array<{ committed: boolean }> = [];
    const route = (fail: boolean) =>
      defineRoute({
        method: 'post',
        path: fail ? '/probe-failing' : '/probe',
        tag: 'test',
        roles: ['clerk'],
        summary: 'probe',
        body: z.strictObject({ n: z.number().int() }),
        response: z.strictObject({ n: z.number().int() }),
        handler: async (ctx, { body }) => ({
          ...ok({ n: body.n }),
          afterCommit: async () => {
            // another connection sees the idempotency record only once its transaction committed
            const row = await h.app
              .db('idempotency_keys')
              .where({ client_id: `user:${userId}`, idem_key: `k-${fail}-${body.n}` })
              .first();
            seen.push({ committed: row?.response_status === 200 });
            if (fail) throw new Error('the purse could not be applied');
          },
        }),
      });
    const app = express().use(
      ...requestBody('1mb'),
      mountRoutes(h.app, [route(false), route(true)], createMetrics(), accessAuthenticator(h.app.keys.hsm), {
        checkResponses: true,
      }),
    );
    const post = (path: string, key: string, n: number) =>
      request(app).post(path).set('Authorization', auth).set('Idempotency-Key', key).send({ n });

    const first = await post('/probe', 'k-false-1', 1).expect(200);
    assert.deepEqual(first.body, { n: 1 });
    assert.deepEqual(seen, [{ committed: true }]);
    const replay = await post('/probe', 'k-false-1', 1).expect(200);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.equal(seen.length, 1, 'a replay leaves nothing to do');

    const logged = h.logLines.length;
    const failing = await post('/probe-failing', 'k-true-2', 2).expect(200);
    assert.deepEqual(failing.body, { n: 2 });
    assert.deepEqual(seen.at(-1), { committed: true });
    assert.ok(
      h.logLines.slice(logged).some((l) => /work after the commit failed/.test(l)),
      'the failure is logged',
    );
  });
});
