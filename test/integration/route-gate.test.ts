// A route's cap on the requests one process works on at once (RouteDef.inProgressLimit): a request
// beyond it waits, authenticated but with its body unread, until one in progress has answered; a
// refused request frees its slot too; a request that fails authentication is answered at once, and
// one whose client goes away while it waits leaves the queue. A body is read only when its
// request's turn comes (json-body.ts), so a malformed one waits and is then refused.
// The metric `etc_http_gate_requests` shows the route's requests in progress and waiting.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { z } from 'zod';
import { AppError } from '../../src/platform/http/errors.ts';
import { requestBody } from '../../src/platform/http/json-body.ts';
import { createMetrics } from '../../src/platform/http/metrics.ts';
import { defineRoute, ok } from '../../src/platform/http/route.ts';
import { mountRoutes } from '../../src/platform/http/router.ts';
import { accessAuthenticator } from '../../src/modules/access/index.ts';
import { harness, loginAs } from '../helpers/harness.ts';

describe('a route with a cap on requests in progress', () => {
  it('keeps a request beyond the cap waiting until a slot frees, in arrival order', async () => {
    const h = await harness();
    const { auth } = await loginAs('clerk');
    const metrics = createMetrics();
    const started: number[] = [];
    const holds = new Map<number, () => void>();
    const route = defineRoute({
      method: 'post',
      path: '/gated',
      tag: 'test',
      roles: ['clerk'],
      summary: 'gated probe',
      idempotent: false,
      inProgressLimit: () => 1,
      body: z.strictObject({ n: z.number().int() }),
      response: z.strictObject({ n: z.number().int() }),
      handler: async (_ctx, { body }) => {
        started.push(body.n);
        if (body.n < 0) throw new AppError('business-rule', 'a negative probe is refused');
        await new Promise<void>((resolve) => holds.set(body.n, resolve));
        return ok({ n: body.n });
      },
    });
    const app = express().use(
      ...requestBody('1mb'),
      mountRoutes(h.app, [route], metrics, accessAuthenticator(h.app.keys.hsm)),
    );
    const gauge = async () => {
      const m = await metrics.registry.getSingleMetric('etc_http_gate_requests')!.get();
      const of = (state: string) =>
        m.values.find((v) => v.labels.state === state && v.labels.route === '/gated')?.value;
      return { inProgress: of('in_progress'), waiting: of('waiting') };
    };
    // polls the gauge (a scrape, never a timer) until it reads as wanted
    const until = async (want: { inProgress: number; waiting: number }) => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        assert.ok(
          Date.now() < deadline,
          `the gate never read ${JSON.stringify(want)}: ${JSON.stringify(await gauge())}`,
        );
        const g = await gauge();
        if (g.inProgress === want.inProgress && g.waiting === want.waiting) return;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    };
    const post = (n: number) =>
      request(app)
        .post('/gated')
        .set('Authorization', auth)
        .send({ n })
        .then((r) => r);

    const first = post(1);
    await until({ inProgress: 1, waiting: 0 });
    const second = post(2);
    const third = post(-3);
    await until({ inProgress: 1, waiting: 2 });
    assert.deepEqual(started, [1], 'the requests beyond the cap have not reached the handler');

    // a request that fails authentication is answered while the gate is full
    const stranger = await request(app).post('/gated').send({ n: 9 });
    assert.equal(stranger.status, 401);
    // so is a body of another type: it is refused before the gate
    const text = await request(app).post('/gated').set('Authorization', auth).type('text/plain').send('n=9');
    assert.equal(text.status, 415);
    assert.deepEqual(await gauge(), { inProgress: 1, waiting: 2 });

    // a client that gives up while it waits leaves the queue and is never worked on
    const server = app.listen(0);
    try {
      const port = (server.address() as AddressInfo).port;
      const giveUp = new AbortController();
      const abandoned = fetch(`http://127.0.0.1:${port}/gated`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ n: 5 }),
        signal: giveUp.signal,
      }).catch((e: unknown) => e);
      await until({ inProgress: 1, waiting: 3 });
      giveUp.abort();
      assert.ok((await abandoned) instanceof Error);
      await until({ inProgress: 1, waiting: 2 });
    } finally {
      server.close();
    }

    // a malformed body waits its turn like any other: it is read only then, and refused
    const malformed = request(app)
      .post('/gated')
      .set('Authorization', auth)
      .set('Content-Type', 'application/json')
      .send('{"n":')
      .then((r) => r);
    await until({ inProgress: 1, waiting: 3 });
    // without a session it is refused at once, before anything reads it
    const unsigned = await request(app).post('/gated').set('Content-Type', 'application/json').send('{"n":');
    assert.equal(unsigned.status, 401);

    holds.get(1)!();
    assert.deepEqual((await first).body, { n: 1 });
    await until({ inProgress: 1, waiting: 2 });
    assert.deepEqual(started, [1, 2], 'the first in line goes next');

    holds.get(2)!();
    assert.deepEqual((await second).body, { n: 2 });
    const refusedBody = await malformed;
    assert.equal(refusedBody.status, 400);
    assert.deepEqual(
      [refusedBody.body.error.code, refusedBody.body.error.message],
      ['invalid-request', 'body: malformed JSON'],
    );
    const refused = await third;
    assert.equal(refused.status, 422);
    assert.equal(refused.body.error.code, 'business-rule');
    await until({ inProgress: 0, waiting: 0 });
    assert.deepEqual(started, [1, 2, -3], 'the request whose client went away never started');

    // the refusal freed its slot: the next request starts at once
    const fourth = post(4);
    await until({ inProgress: 1, waiting: 0 });
    holds.get(4)!();
    assert.deepEqual((await fourth).body, { n: 4 });
    assert.deepEqual(await gauge(), { inProgress: 0, waiting: 0 });
  });
});
