// The whole-centre simulation from the command line:
//   npm run simulate -- --seed S --steps N          one seed (a failing seed replays exactly)
//   npm run simulate -- --seeds K --steps N [--from F] [--minutes M]   seeds F … F+K−1 (no new one
//   after M minutes), with totals
// Needs PostgreSQL (TEST_ADMIN_DATABASE_URL, default postgres@127.0.0.1:5432) and redis-server on
// the PATH (the simulation starts its own on a free port, since it restarts it as a fault).
import { parseArgs } from 'node:util';
import { FAULT_KINDS } from './faults.ts';
import { runSeed, SimFailure, type RunReport } from './run.ts';
import { dropSchemaTemplate, RedisServer } from './world.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    seeds: { type: 'string' },
    from: { type: 'string' },
    steps: { type: 'string', default: '500' },
    'fault-rate': { type: 'string' },
    minutes: { type: 'string' }, // start no new seed after this long
  },
});
const steps = Number(values.steps);
const seeds: number[] = values.seed
  ? [Number(values.seed)]
  : Array.from({ length: Number(values.seeds ?? 10) }, (_, i) => Number(values.from ?? 1) + i);

const redis = new RedisServer();
await redis.start();
const reports: RunReport[] = [];
const failures: SimFailure[] = [];
const t0 = Date.now();
try {
  for (const seed of seeds) {
    if (values.minutes && Date.now() - t0 > Number(values.minutes) * 60_000) break;
    try {
      const r = await runSeed({
        seed,
        steps,
        redis,
        faultRate: values['fault-rate'] ? Number(values['fault-rate']) : undefined,
      });
      reports.push(r);
      console.log(
        `seed=${seed} ok: ${r.steps} steps, ${r.days} days, ${r.ms} ms (comparisons ${r.compareMs} ms, invariants ${r.invariantsMs} ms)`,
      );
      if (seeds.length === 1) console.log(JSON.stringify({ actions: r.actions, faults: r.faults }));
    } catch (e) {
      if (!(e instanceof SimFailure)) throw e;
      failures.push(e);
      console.log(`FAILED ${e.message}\n  recent steps:\n    ${e.recent.join('\n    ')}`);
    }
  }
} finally {
  await redis.stop();
  await dropSchemaTemplate();
}
const total = (k: string) => reports.reduce((a, r) => a + (r.faults[k] ?? 0), 0);
console.log(
  JSON.stringify(
    {
      seeds: reports.length + failures.length,
      passed: reports.length,
      failed: failures.map((f) => ({ seed: f.seed, step: f.step, action: f.action })),
      steps: reports.reduce((a, r) => a + r.steps, 0),
      days: reports.reduce((a, r) => a + r.days, 0),
      faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, total(k)])),
      actions: reports.reduce<Record<string, number>>((a, r) => {
        for (const [k, v] of Object.entries(r.actions)) a[k] = (a[k] ?? 0) + v;
        return a;
      }, {}),
      seconds: Math.round((Date.now() - t0) / 1000),
      compareSeconds: Math.round(reports.reduce((a, r) => a + r.compareMs, 0) / 1000),
      invariantsSeconds: Math.round(reports.reduce((a, r) => a + r.invariantsMs, 0) / 1000),
    },
    null,
    2,
  ),
);
process.exit(failures.length ? 1 : 0);
