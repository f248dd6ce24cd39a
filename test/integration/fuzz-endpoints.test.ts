// Every operation of the OpenAPI document, fuzzed with fast-check (test/helpers/fuzz/): valid,
// near-valid and wild requests with a credential of each role the operation admits. Never a 5xx,
// never a raw database error, a refusal changes nothing, an acceptance keeps the ledger. A short,
// fixed-seed run here; `npm run fuzz -- --runs 5000 [--seed N] [--only REGEX]` runs long.
import assert from 'node:assert/strict';
import request from 'supertest';
import { fuzzCentre, type FuzzCentre } from '../helpers/fuzz/centre.ts';
import { fuzzOperation, operationSeed, type FuzzStats, type OpenApiOperation } from '../helpers/fuzz/endpoint-fuzz.ts';
import { assertNoKeyLeak } from '../helpers/key-leak.ts';
import type { Harness } from '../helpers/harness.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 3);
const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const ONLY = process.env.FUZZ_ONLY ? new RegExp(process.env.FUZZ_ONLY) : null;

describe(`every endpoint under fuzzing (seed ${SEED}, ${RUNS} runs per operation)`, function () {
  this.timeout(Number(process.env.FUZZ_TIMEOUT_MS ?? 600_000));
  let centre: FuzzCentre;
  before(async () => {
    centre = await fuzzCentre();
  });
  after(async () => {
    await centre?.close();
  });

  it('no 5xx, no raw error, refusals change nothing, acceptances keep the ledger, no key in any answer', async () => {
    const doc = await request(centre.http)
      .get('/api/v1/openapi.json')
      .set('Authorization', (centre.creds.get('auditor') as { auth: string }).auth)
      .expect(200);
    const stats: FuzzStats = { requests: 0, accepted: 0, refused: 0, byStatus: {} };
    const failures: string[] = [];
    let operations = 0;
    for (const route of centre.routes) {
      const key = `${route.method} ${route.path}`;
      if (ONLY && !ONLY.test(key)) continue;
      // an event stream answers for as long as the client listens (statuslist tests cover it)
      if (route.produces === 'text/event-stream') continue;
      const op = doc.body.paths[route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[route.method] as OpenApiOperation;
      assert.ok(op, `${key} is in the OpenAPI document`);
      operations++;
      const started = Date.now();
      if (process.env.FUZZ_VERBOSE) process.stdout.write(`${key} … `);
      try {
        await fuzzOperation(centre, route, op, { runs: RUNS, seed: operationSeed(SEED, key), stats });
      } catch (err) {
        failures.push(`${(err as Error).message}\n  (run: FUZZ_SEED=${SEED} FUZZ_ONLY='^${key}$')`);
      }
      if (process.env.FUZZ_VERBOSE) process.stdout.write(`${Date.now() - started} ms\n`);
    }
    if (process.env.FUZZ_VERBOSE) console.log(`fuzzed ${operations} operations, ${JSON.stringify(stats)}`);
    assert.deepEqual(failures, []);
    assert.ok(ONLY || operations >= 100, `operations fuzzed: ${operations}`);
    assert.ok(ONLY || (stats.accepted > 0 && stats.refused > 0), `both answers seen: ${JSON.stringify(stats)}`);
    await assertNoKeyLeak({
      app: centre.app,
      kek: centre.kek,
      responses: centre.responses,
      logLines: centre.logLines,
    } as unknown as Harness);
  });
});
