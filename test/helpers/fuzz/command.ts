// `npm run fuzz -- [--runs N] [--seed S] [--only REGEX]`: the endpoint fuzzer's long run (the same test
// as in npm test, with more requests per operation and, unless given, a new seed printed first).
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { ROOT } from '../service-process.ts';

const { values } = parseArgs({
  options: { runs: { type: 'string' }, seed: { type: 'string' }, only: { type: 'string' } },
  strict: true,
});
const runs = values.runs ?? process.env.FUZZ_RUNS ?? '200';
const seed = values.seed ?? process.env.FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
if (!/^\d+$/.test(runs) || !/^-?\d+$/.test(seed)) {
  process.stderr.write('usage: npm run fuzz -- [--runs N] [--seed S] [--only REGEX]\n');
  process.exit(2);
}
process.stdout.write(
  `endpoint fuzzing: FUZZ_SEED=${seed} FUZZ_RUNS=${runs}${values.only ? ` FUZZ_ONLY=${values.only}` : ''}\n`,
);
const r = spawnSync(process.execPath, ['node_modules/mocha/bin/mocha.js', 'test/integration/fuzz-endpoints.test.ts'], {
  cwd: ROOT,
  stdio: 'inherit',
  env: {
    ...process.env,
    FUZZ_RUNS: runs,
    FUZZ_SEED: seed,
    FUZZ_VERBOSE: '1',
    FUZZ_TIMEOUT_MS: String(24 * 3600 * 1000),
    ...(values.only ? { FUZZ_ONLY: values.only } : {}),
  },
});
if (r.status !== 0)
  process.stdout.write(`failed with FUZZ_SEED=${seed}: rerun with npm run fuzz -- --seed ${seed} --runs ${runs}\n`);
process.exit(r.status ?? 1);
