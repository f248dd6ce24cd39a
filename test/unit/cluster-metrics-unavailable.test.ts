// A scrape under node:cluster when a worker does not answer: 503 `unavailable` with Retry-After, not
// a hang and not one worker's figures passed off as the service's. The same plumbing with every
// worker answering is the control (test/fixtures/metrics-cluster.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../helpers/service-process.ts';

function scrape(...args: string[]): Record<string, unknown> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/fixtures/metrics-cluster.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const line = r.stdout.trim().split('\n').at(-1)!;
  return JSON.parse(line);
}

describe('metrics of a cluster whose workers do not all answer', function () {
  this.timeout(40000);

  it('gathers the workers’ metrics when every worker answers', () => {
    assert.deepEqual(scrape(), { ok: true, probe: true });
  });

  it('answers 503 unavailable with Retry-After when a worker does not answer in time', () => {
    assert.deepEqual(scrape('stuck'), { ok: false, status: 503, code: 'unavailable', retryAfterSeconds: 5 });
  });
});
