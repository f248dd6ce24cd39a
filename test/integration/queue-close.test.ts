// A graceful stop finishes the jobs that are running: the queue's close() waits for them, in-process
// and on bull (real Redis), and starts nothing after. Synchronised on the handler's own signals.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BullQueue, InProcessQueue, type Queue } from '../../src/platform/queue/queue.ts';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const turn = () => new Promise((r) => setImmediate(r));

async function closeWaitsForTheRunningJob(queue: Queue): Promise<void> {
  const started = deferred();
  const release = deferred();
  let finished = false;
  queue.process('slow', async () => {
    started.resolve();
    await release.promise;
    finished = true;
  });
  await queue.add('slow', {}, { jobId: 'slow-1', attempts: 1 });
  await started.promise;
  let closed = false;
  const closing = queue.close().then(() => (closed = true));
  for (let i = 0; i < 5; i++) await turn();
  assert.equal(closed, false, 'close() waits while the job runs');
  release.resolve();
  await closing;
  assert.equal(finished, true, 'the job ran to its end before close() resolved');
}

describe('queue close on a graceful stop', function () {
  this.timeout(30000);

  it('in-process: waits for the running job, then refuses new ones', async () => {
    const q = new InProcessQueue();
    await closeWaitsForTheRunningJob(q);
    await assert.rejects(q.add('slow', {}), /queue closed/);
  });

  it('bull: waits for the active job to finish before its Redis clients quit', async () => {
    const prefix = `etc-close-${randomBytes(4).toString('hex')}`;
    const q = new BullQueue(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', prefix);
    try {
      await closeWaitsForTheRunningJob(q);
    } finally {
      const cleanup = new BullQueue(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', prefix);
      await cleanup.add('slow', {}, { jobId: 'noop' });
      await cleanup.purge();
      await cleanup.close();
    }
  });
});
