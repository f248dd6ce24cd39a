// Property: for random sequences of enter/leave (seeded, so a failure replays), every published
// version's snapshot agrees with a model of causes and priorities, and for every V < W,
// snapshot(V) + delta(V→W) = snapshot(W), with no id in the delta that was absent at both ends.
import assert from 'node:assert/strict';
import { insertChange } from '../../src/modules/statuslist/changes.ts';
import { ensureSigner } from '../../src/modules/statuslist/lane-api.ts';
import { deltaLines, openListPackage, quickDelta } from '../../src/modules/statuslist/packages.ts';
import { seal } from '../../src/modules/statuslist/publisher.ts';
import { harness } from '../helpers/harness.ts';

type Snapshot = Map<string, number>; // medium:id → reason
type Line = { medium: 'card' | 'obu'; id: string; reason: number; action: 'enter' | 'leave' };

// mulberry32: small, fast, and the same sequence for the same seed everywhere
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PRIORITY: Record<string, Record<number, number>> = {
  card: { 3: 10, 1: 20, 2: 30, 4: 40 },
  obu: { 3: 10, 1: 20, 5: 25, 2: 30 },
};

async function snapshot(): Promise<{ version: number; entries: Snapshot }> {
  const h = await harness();
  await ensureSigner(h.app);
  const pkg = await openListPackage(
    h.app.db,
    h.app.keys,
    { forceFull: true },
    { maxStreams: 4, deltaCacheBytes: 0, now: h.clock.now() },
  );
  assert.ok(!pkg.notModified);
  let text = '';
  for await (const chunk of pkg.stream) text += chunk.toString();
  const lines = text
    .trimEnd()
    .split('\n')
    .slice(1, -1)
    .map((l) => JSON.parse(l) as Line);
  return { version: pkg.header.version, entries: new Map(lines.map((l) => [`${l.medium}:${l.id}`, l.reason])) };
}

// Both ways a delta is read: the one-statement path of small deltas, and the cursor of large ones.
async function delta(from: number, to: number): Promise<Line[]> {
  const h = await harness();
  const cursor = await h.app.db.transaction(async (trx) => {
    let text = '';
    for await (const page of deltaLines(trx, from, to, undefined)) text += page.text;
    return text;
  });
  const quick = await quickDelta(h.app.db, from, to, undefined);
  assert.equal(quick.text, cursor, `${from}→${to}: both readings agree`);
  return cursor === ''
    ? []
    : cursor
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Line);
}

describe('status list: deltas are the net effect of the versions between (property, seeded)', function () {
  this.timeout(120_000);

  for (const seed of [20261122, 7, 1041]) {
    it(`seed ${seed}: snapshot(V) + delta(V→W) = snapshot(W) for every V < W, and the model agrees`, async () => {
      const h = await harness();
      const rnd = prng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
      const run = String(seed % 10000).padStart(4, '0');
      // ids of this run only: serial year 99, never issued by the counter
      const ids = [
        ...Array.from({ length: 14 }, (_, i) => ({
          medium: 'card' as const,
          id: `340199${run}${String(i).padStart(10, '0')}`,
          reasons: [1, 2, 3, 4],
        })),
        ...Array.from({ length: 8 }, (_, i) => ({
          medium: 'obu' as const,
          id: `340199${run}${String(i).padStart(6, '0')}`,
          reasons: [1, 2, 3, 5],
        })),
      ];
      const causes = new Map<string, Set<number>>(ids.map((m) => [`${m.medium}:${m.id}`, new Set<number>()]));
      const modelOf = (key: string): number | undefined => {
        const medium = key.split(':')[0];
        const set = [...causes.get(key)!];
        return set.length ? set.sort((a, b) => PRIORITY[medium][a] - PRIORITY[medium][b])[0] : undefined;
      };
      const snaps = new Map<number, Snapshot>();
      const first = await snapshot();
      snaps.set(first.version, first.entries);
      const at = h.app.clock.now();
      for (let step = 0; step < 24; step++) {
        for (let k = 1 + Math.floor(rnd() * 6); k > 0; k--) {
          const m = pick(ids);
          const key = `${m.medium}:${m.id}`;
          const reason = pick(m.reasons);
          const op = pick(['enter', 'enter', 'leave', 'leave', 'clear', 'set'] as const);
          const base = {
            medium: m.medium,
            mediumId: m.id,
            source: 'manual' as const,
            state: 'pending' as const,
            at,
            by: 'test:property',
          };
          if (op === 'enter') {
            await insertChange(h.app.db, { ...base, action: 'enter', reason });
            causes.get(key)!.add(reason);
          }
          if (op === 'leave') {
            await insertChange(h.app.db, { ...base, action: 'leave', reason });
            causes.get(key)!.delete(reason);
          }
          if (op === 'clear') {
            await insertChange(h.app.db, { ...base, action: 'leave', reason: null, whole: true });
            causes.get(key)!.clear();
          }
          if (op === 'set') {
            await insertChange(h.app.db, { ...base, action: 'enter', reason, whole: true });
            causes.set(key, new Set([reason]));
          }
        }
        const published = await seal(h.app.db, at, 'test:property', '3401');
        assert.ok(published);
        const s = await snapshot();
        assert.equal(s.version, published.version);
        snaps.set(s.version, s.entries);
        for (const m of ids) {
          const key = `${m.medium}:${m.id}`;
          assert.equal(s.entries.get(key), modelOf(key), `v${s.version} ${key}: snapshot agrees with the model`);
        }
      }
      const versions = [...snaps.keys()].sort((a, b) => a - b);
      let pairs = 0;
      let transient = 0; // ids that entered and left inside (V, W]: they must not be in the delta
      for (let i = 0; i < versions.length; i++) {
        for (let j = i + 1; j < versions.length; j++) {
          const [v, w] = [versions[i], versions[j]];
          const before = snaps.get(v)!;
          const after = snaps.get(w)!;
          const lines = await delta(v, w);
          const applied = new Map(before);
          for (const l of lines) {
            const key = `${l.medium}:${l.id}`;
            if (l.action === 'enter') {
              applied.set(key, l.reason);
              assert.ok(after.has(key), `${v}→${w}: enter ${key} is listed at W`);
            } else {
              applied.delete(key);
              assert.ok(before.has(key) && !after.has(key), `${v}→${w}: leave ${key} was listed at V and is not at W`);
            }
          }
          assert.deepEqual(applied, after, `snapshot(${v}) + delta(${v}→${w}) = snapshot(${w})`);
          const keys = lines.map((l) => `${l.medium}:${l.id}`);
          for (const m of ids) {
            const key = `${m.medium}:${m.id}`;
            const between = versions.slice(i + 1, j).some((u) => snaps.get(u)!.has(key));
            if (between && !before.has(key) && !after.has(key)) {
              transient++;
              assert.ok(!keys.includes(key), `${v}→${w}: ${key} entered and left inside the range`);
            }
          }
          assert.equal(new Set(keys).size, keys.length, 'one line per id');
          assert.deepEqual(keys, [...keys].sort(), 'ordered by medium and id');
          pairs++;
        }
      }
      assert.ok(pairs >= 300);
      assert.ok(transient > 0, 'the sequence exercised ids entering and leaving inside a range');
    });
  }
});
