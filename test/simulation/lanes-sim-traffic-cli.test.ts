// `lanes-sim traffic` exits 0 exactly when its checks hold: the operator totals are compared as data
// (key order does not matter), and a run of the command itself passes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sameTotals, trafficChecks } from '../../lanes-sim/traffic/checks.ts';
import type { DayReport } from '../../lanes-sim/traffic/day.ts';
import { adminSql, databaseUrl } from '../helpers/admin-db.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('lanes-sim traffic: checks and exit code', function () {
  this.timeout(300_000);

  it('compares operator totals as data, whatever the order, and tells a different amount or operator', () => {
    const cleared = [
      { operatorId: 'OP-B', amount: 700 },
      { operatorId: 'OP-A', amount: 300 },
    ];
    assert.equal(sameTotals(cleared, { 'OP-A': 300, 'OP-B': 700 }), true);
    assert.equal(sameTotals(cleared, { 'OP-B': 700, 'OP-A': 300 }), true);
    assert.equal(sameTotals(cleared, { 'OP-A': 300, 'OP-B': 700, 'OP-C': 0 }), true);
    assert.equal(sameTotals(cleared, { 'OP-A': 301, 'OP-B': 699 }), false);
    assert.equal(sameTotals(cleared, { 'OP-A': 300 }), false);
    assert.equal(sameTotals(cleared, { 'OP-A': 300, 'OP-B': 700, 'OP-C': 1 }), false);
    assert.equal(sameTotals([], {}), true);
  });

  it('fails the run on a mismatch, a wrong split or a ledger failure, and passes when all hold', () => {
    const base = {
      mismatches: [],
      clearing: {
        operators: [
          { operatorId: 'OP-B', amount: 5 },
          { operatorId: 'OP-A', amount: 3 },
        ],
        expected: { 'OP-A': 3, 'OP-B': 5 },
      },
    } as unknown as DayReport;
    assert.ok(trafficChecks(base, []).every((c) => c.ok));
    const wrongSplit = { ...base, clearing: { ...base.clearing, expected: { 'OP-A': 4, 'OP-B': 4 } } } as DayReport;
    assert.deepEqual(
      trafficChecks(wrongSplit, []).map((c) => c.ok),
      [true, false, true],
    );
    const mismatch = { ...base, mismatches: [{}] } as unknown as DayReport;
    assert.deepEqual(
      trafficChecks(mismatch, []).map((c) => c.ok),
      [false, true, true],
    );
    assert.deepEqual(
      trafficChecks(base, [{ check: 'balanced', detail: 'entry 7' }]).map((c) => c.ok),
      [true, true, false],
    );
  });

  describe('the command, as a child process', () => {
    const name = `etc_sim_${randomBytes(4).toString('hex')}`;
    before(() => adminSql(`create database ${name}`));
    after(() => adminSql(`drop database if exists ${name} with (force)`));

    it('runs the day of 40 vehicles, seed 1, and exits 0, printing every check as holding', async () => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATABASE_URL: databaseUrl(name),
        ETC_KEK: randomBytes(32).toString('hex'),
        LOG_LEVEL: 'warn',
      };
      delete env.REDIS_URL;
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'lanes-sim/main.ts', 'traffic', '--vehicles', '40', '--seed', '1'],
        { cwd: ROOT, env },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(code, 0, `${stdout}\n${stderr}`);
      assert.match(stdout, /^ok {3}the day's own-card clearing matches the expected split per operator$/m);
      assert.doesNotMatch(stdout, /^FAIL /m);
    });
  });
});
