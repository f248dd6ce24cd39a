// `lanes-sim interchange`: a simulated day across two provinces, each with a centre of its own run in
// this process (embedded databases in temporary directories, manual clocks, in-process queues),
// each the other's interchange peer over HTTP. Both clear the day, exchanging packages and
// confirmations; the summary shows every cross-province transaction's fate and both settlements.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bootstrap, shutdown } from '../../src/bootstrap.ts';
import { loadConfig } from '../../src/config.ts';
import { checkLedger } from '../../src/modules/ledger/index.ts';
import { transIdOf } from '../../src/modules/interchange/index.ts';
import { localDate, ManualClock } from '../../src/platform/clock/clock.ts';
import { createLogger } from '../../src/platform/log/logger.ts';
import { InProcessQueue } from '../../src/platform/queue/queue.ts';
import type { AppContext } from '../../src/platform/http/context.ts';
import { clearTogether } from './interchange-clear.ts';
import { simulateInterchangeDay } from './interchange-day.ts';
import { pairSimCentres, startSimCentre, type SimCentre } from './sim-centre.ts';

export const INTERCHANGE_USAGE = `  interchange [--vehicles N] [--visit-share F] [--seed S] [--date YYYY-MM-DD]
      a simulated day across Anhui (3401) and Jiangsu (3201), each with its own centre in process
      (embedded databases in temporary directories): N vehicles per province (default 20), a share
      (default 0.3) spending the day on the other province's roads, corrupted TACs, a lost card and
      duplicate uploads; both centres clear the day with each other. Exit 1 if a transaction was
      answered other than its fault implies, a cross-province transaction was not confirmed or
      disputed exactly as expected, the settlements do not mirror, or a ledger invariant failed.`;

const HOUR = 3_600_000;

export async function interchangeCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      vehicles: { type: 'string', default: '20' },
      'visit-share': { type: 'string', default: '0.3' },
      seed: { type: 'string', default: '1' },
      date: { type: 'string' },
    },
  });
  const vehicles = Number(values.vehicles);
  const visitShare = Number(values['visit-share']);
  const seed = Number(values.seed);
  if (!Number.isInteger(vehicles) || vehicles < 3) throw new Error('--vehicles must be an integer of at least 3');
  if (!(visitShare >= 0 && visitShare <= 1)) throw new Error('--visit-share must be between 0 and 1');
  if (!Number.isSafeInteger(seed)) throw new Error('--seed must be an integer');
  const date = values.date ?? localDate(new Date(Date.now() + 86_400_000));
  const out = (l: string) => process.stdout.write(l + '\n');
  const purchase = randomBytes(16); // the lanes' PSAMs hold one purchase key for both provinces
  const dirs: string[] = [];
  const apps: AppContext[] = [];
  const sims: SimCentre[] = [];
  try {
    for (const network of ['3401', '3201']) {
      const dir = mkdtempSync(join(tmpdir(), `lanes-sim-${network}-`));
      dirs.push(dir);
      const config = loadConfig({
        ETC_DATA_DIR: dir,
        ETC_NETWORK: network,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      });
      const clock = new ManualClock(new Date(`${date}T00:00:00+08:00`));
      const app = await bootstrap(config, {
        clock,
        log: createLogger(config.logLevel),
        queue: new InProcessQueue(),
        generateKeys: true,
      });
      apps.push(app);
      sims.push(
        await startSimCentre(app, clock, { masters: { load: randomBytes(16), tac: randomBytes(16), purchase } }),
      );
    }
    const [A, B] = sims;
    await pairSimCentres(A, B);
    const started = Date.now();
    const report = await simulateInterchangeDay({
      sides: [A, B].map((s) => ({
        centre: s.centre,
        network: s.network,
        masters: s.masters,
        keyVersion: s.keyVersion,
      })) as [never, never],
      date,
      vehicles,
      visitShare,
      seed,
      faults: { tac: true, lost: true, duplicate: true },
      batchSize: 50,
      log: out,
    });
    for (const s of sims) s.clock.set(new Date(new Date(`${date}T00:00:00+08:00`).getTime() + 24 * HOUR + 40 * 60_000));
    const outcomes = await clearTogether(sims, date);
    let ok = report.mismatches.length === 0 && outcomes.every((o) => o.pending === null);
    out(
      `day ${date}: ${report.crossings.length} cross-province transactions (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    for (const [provider, issuer] of [
      [A, B],
      [B, A],
    ]) {
      const expected = report.crossings.filter((c) => c.laneNetwork === provider.network);
      const disputed = new Map(
        (await issuer.app.db('interchange_disputes').where({ side: 'issuer' })).map((d) => [
          d.trans_id as string,
          d.result as number,
        ]),
      );
      const accepted = new Set(
        (
          await issuer.app
            .db('lane_transactions')
            .whereNotNull('received_package_id')
            .where({ disposition: 'accepted' })
            .select('terminal_id', 'terminal_seq')
        ).map((r) => transIdOf(r.terminal_id, r.terminal_seq)),
      );
      const wrong = expected.filter((c) =>
        c.issuer_expects.result === 'accepted'
          ? !accepted.has(c.transId) || disputed.has(c.transId)
          : disputed.get(c.transId) !== c.issuer_expects.code,
      );
      ok &&= wrong.length === 0;
      out(
        `  ${provider.network} roads, ${issuer.network} cards: ${expected.length} transactions, ${accepted.size} confirmed, ${disputed.size} disputed (${
          [...new Set(disputed.values())]
            .sort()
            .map((c) => `code ${c}`)
            .join(', ') || 'none'
        })${wrong.length ? `; ${wrong.length} NOT AS EXPECTED` : ''}`,
      );
    }
    const sa = await A.app.db('settlements').where({ clearing_date: date, network: B.network }).first();
    const sb = await B.app.db('settlements').where({ clearing_date: date, network: A.network }).first();
    const mirrors = !!sa && !!sb && BigInt(sa.net) === -BigInt(sb.net);
    ok &&= mirrors;
    out(
      `settlement: ${A.network} with ${B.network} net ${sa?.net ?? 'none'} fen, ${B.network} with ${A.network} net ${sb?.net ?? 'none'} fen — ${mirrors ? 'mirror images' : 'DO NOT MIRROR'}`,
    );
    for (const s of sims) {
      const ledger = await checkLedger(s.app.db);
      ok &&= ledger.ok;
      out(
        `${s.network}: ${ledger.ok ? 'ledger invariants hold' : `LEDGER INVARIANTS FAILED: ${ledger.failures.map((f) => `${f.check}: ${f.detail}`).join('; ')}`}`,
      );
    }
    if (report.mismatches.length) out(`MISMATCHES at the lanes: ${JSON.stringify(report.mismatches.slice(0, 10))}`);
    return ok ? 0 : 1;
  } finally {
    for (const s of sims) await s.stop();
    for (const a of apps) await shutdown(a);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
