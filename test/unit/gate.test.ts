// The per-route cap on requests in progress (platform/http/gate.ts): the limit holds, waiters start
// in arrival order, a slot passes to the first in line, releasing twice frees one slot, and a waiter
// that gives up leaves the queue.
import assert from 'node:assert/strict';
import { Gate } from '../../src/platform/http/gate.ts';

// settles every promise already resolved (the gate's hand-overs are microtasks)
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('gate', () => {
  it('lets the limit in at once and the rest in arrival order as slots free', async () => {
    const gate = new Gate(2);
    const started: string[] = [];
    const releases = new Map<string, () => void>();
    const enter = (name: string) =>
      gate.enter().then((release) => {
        started.push(name);
        releases.set(name, release);
      });
    for (const name of ['a', 'b', 'c', 'd', 'e']) void enter(name);
    await settled();
    assert.deepEqual(started, ['a', 'b']);
    assert.equal(gate.inProgress, 2);
    assert.equal(gate.waiting, 3);

    releases.get('b')!();
    await settled();
    assert.deepEqual(started, ['a', 'b', 'c'], 'the first waiting takes the freed slot');
    assert.equal(gate.inProgress, 2);
    assert.equal(gate.waiting, 2);

    // a request arriving now queues behind those already waiting
    void enter('f');
    releases.get('a')!();
    await settled();
    assert.deepEqual(started, ['a', 'b', 'c', 'd']);
    assert.equal(gate.waiting, 2);
  });

  it('frees one slot per release, however often it is called', async () => {
    const gate = new Gate(1);
    const first = await gate.enter();
    let second: (() => void) | undefined;
    let third: (() => void) | undefined;
    void gate.enter().then((r) => (second = r));
    void gate.enter().then((r) => (third = r));
    first();
    first();
    await settled();
    assert.ok(second, 'the second has its slot');
    assert.equal(third, undefined, 'a repeated release does not let a third in beside it');
    assert.equal(gate.inProgress, 1);
    second!();
    await settled();
    third!();
    assert.equal(gate.inProgress, 0);
    assert.equal(gate.waiting, 0);
    const again = await gate.enter();
    assert.equal(gate.inProgress, 1, 'a freed gate lets the next in at once');
    again();
  });

  it('lets a waiter whose signal aborts leave the queue; the slot goes to the next', async () => {
    const gate = new Gate(1);
    const first = await gate.enter();
    const gone = new AbortController();
    const outcomes: string[] = [];
    const leaving = gate.enter(gone.signal).then(
      () => outcomes.push('leaving admitted'),
      (e: unknown) => outcomes.push(`leaving refused: ${(e as Error).message}`),
    );
    let next: (() => void) | undefined;
    void gate.enter().then((r) => (next = r));
    assert.equal(gate.waiting, 2);
    gone.abort(new Error('client gone'));
    await leaving;
    assert.deepEqual(outcomes, ['leaving refused: client gone']);
    assert.equal(gate.waiting, 1);
    first();
    await settled();
    assert.ok(next, 'the one behind it took the slot');
    assert.equal(gate.inProgress, 1);
    next!();
    await assert.rejects(gate.enter(AbortSignal.abort(new Error('already gone'))), /already gone/);
    assert.equal(gate.inProgress, 0, 'an aborted signal takes no slot');
  });

  it('refuses a limit that is not a positive integer', () => {
    for (const limit of [0, -1, 1.5, Number.NaN]) assert.throws(() => new Gate(limit), RangeError);
  });
});
