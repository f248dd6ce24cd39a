// bench/mixed: the lanes and the banks at once, as on a centre's busy evening. One service (the
// lane centre of bench/ingest: cards issued and loaded, every lane's batches made before the clock)
// is measured in three parts of one run:
//   1. online loads alone, open-loop at --rate a second for --alone-seconds (bench/loads' pace: each
//      latency from the load's scheduled start), on spare cards outside the lane traffic;
//   2. the lanes alone: the first half of every lane's batches, all lanes at once;
//   3. both: the second half of the batches, with loads at the same rate until the last batch is in.
// What it shows is what a lane peak does to a customer waiting at a bank counter, and what the loads
// cost the lanes. ETC_LANE_BATCHES_IN_PROGRESS (passed on to the service) sets the cap on the
// batches worked on at once, which keeps pool connections free for the loads; ETC_DB_POOL_SIZE the
// pool. --workers N runs N API workers sharing the port (`serve --workers N`), where lanes and loads
// alike are handed out in turn. With --lane-workers N the service also runs N lane workers
// (ETC_LANE_WORKERS, ETC_LANE_PORT) and the lanes upload to their port, so that the loads no longer
// share an event loop with the lanes' batches. The ledger is checked after. BENCH_SERVICE_NICE as in
// lib.ts.
// Usage: npx tsx bench/mixed/run.ts [--cards 2000] [--trips 50] [--rate 50] [--alone-seconds 10] [--spare 32]
//          [--workers 1] [--lane-workers 0]
import { getPriority, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { dbPoolSize, laneBatchesInProgress } from '../../src/config.ts';
import { etcCommand, percentile, pool, priorityNote, stopProcess, withDatabase, writeResults } from '../lib.ts';
import { pace } from '../loads/measure.ts';
import { openLaneCentre, type Batch, type LaneCentre } from '../ingest/centre.ts';

const { values } = parseArgs({
  options: {
    cards: { type: 'string', default: '2000' },
    trips: { type: 'string', default: '50' },
    rate: { type: 'string', default: '50' },
    'alone-seconds': { type: 'string', default: '10' },
    spare: { type: 'string', default: '32' },
    workers: { type: 'string', default: '1' },
    'lane-workers': { type: 'string', default: '0' },
  },
});
const RATE = Number(values.rate);
const ALONE_SECONDS = Number(values['alone-seconds']);
const SPARE = Number(values.spare);
const WORKERS = Number(values.workers);
const LANE_WORKERS = Number(values['lane-workers']);
// read from this environment as the service reads it from the same (startProcess passes it on)
const BATCHES_IN_PROGRESS = laneBatchesInProgress(process.env);
const POOL = dbPoolSize(process.env);
const LOAD = 100; // 1.00 yuan a load: a spare card carries thousands before its limit
const load0 = loadavg()[0];
const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** Every lane sends its share of batches one after the other, all lanes at once. */
async function uploadAll(centre: LaneCentre, share: Map<string, Batch[]>) {
  const ms: number[] = [];
  let transactions = 0;
  let refused = 0;
  const t0 = process.hrtime.bigint();
  await pool([...share], share.size, async ([laneId, list]) => {
    for (const body of list) {
      const t = process.hrtime.bigint();
      const r = await centre.upload(laneId, body);
      ms.push(Number(process.hrtime.bigint() - t) / 1e6);
      transactions += r.results.length;
      refused += r.results.filter((x) => x.disposition !== 'accepted').length;
    }
  });
  if (refused) throw new Error(`${refused} lane transactions not accepted`);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { perSecond: transactions / seconds, ms: ms.sort((a, b) => a - b) };
}

await withDatabase(`etc_bench_mixed_${process.pid}`, async (url) => {
  const centre = await openLaneCentre(url, {
    port: 18700 + (process.pid % 1000),
    cards: Number(values.cards),
    trips: Number(values.trips),
    lanes: 10,
    batch: 1000,
    workers: WORKERS,
    laneWorkers: LANE_WORKERS,
    spareCards: SPARE,
  });
  const { server, batches } = centre;
  try {
    const loadOn = (slot: number) => centre.bankLoad(centre.spare[slot], LOAD);
    const fewest = Math.min(...[...batches.values()].map((list) => list.length));
    if (fewest < 3)
      throw new Error(`a lane has ${fewest} batches: the warm-up and the two halves need 3 (more --cards or --trips)`);
    // warm-up, untimed: each lane's first batch, and loads for two seconds
    await pool([...batches], batches.size, ([laneId, list]) => centre.upload(laneId, list.shift()!));
    await pace(loadOn, RATE, 2, SPARE);
    // the remaining batches, each lane's first half alone and its second half beside the loads
    const half = (second: boolean) =>
      new Map(
        [...batches].map(([laneId, list]) => {
          const middle = Math.ceil(list.length / 2);
          return [laneId, second ? list.slice(middle) : list.slice(0, middle)];
        }),
      );

    const loadsAlone = await pace(loadOn, RATE, ALONE_SECONDS, SPARE);
    const lanesAlone = await uploadAll(centre, half(false));
    const lanesDone = new AbortController();
    const l0 = process.hrtime.bigint();
    const [loadsBeside, lanesBeside] = await Promise.all([
      pace(loadOn, RATE, Infinity, SPARE, lanesDone.signal),
      uploadAll(centre, half(true)).finally(() => lanesDone.abort()),
    ]);
    const besideSeconds = Number(process.hrtime.bigint() - l0) / 1e9;
    const check = await etcCommand(['check-ledger'], centre.env);
    if (!check.includes('ledger invariants hold')) throw new Error(`ledger check failed after the run: ${check}`);
    await centre.db.end();

    const r1 = (v: number) => Number(v.toFixed(1));
    const load1 = loadavg()[0];
    const serviceNice = getPriority(server.pid!);
    const metrics = {
      loadsPerSecondOffered: RATE,
      loadsAloneP50Ms: r1(percentile(loadsAlone, 50)),
      loadsAloneP99Ms: r1(percentile(loadsAlone, 99)),
      // done while the lanes uploaded: below the rate offered when loads queue behind the lanes
      loadsBesideLanesPerSecond: r1(loadsBeside.length / besideSeconds),
      loadsBesideLanesP50Ms: r1(percentile(loadsBeside, 50)),
      loadsBesideLanesP99Ms: r1(percentile(loadsBeside, 99)),
      lanesAloneTransactionsPerSecond: Math.round(lanesAlone.perSecond),
      lanesBesideLoadsTransactionsPerSecond: Math.round(lanesBeside.perSecond),
      lanesBesideLoadsRatio: Number((lanesBeside.perSecond / lanesAlone.perSecond).toFixed(2)),
      batchAloneP99Ms: r1(percentile(lanesAlone.ms, 99)),
      batchBesideLoadsP99Ms: r1(percentile(lanesBeside.ms, 99)),
      batchesInProgress: BATCHES_IN_PROGRESS,
      poolSize: POOL,
      workers: WORKERS,
      laneWorkers: LANE_WORKERS,
      serviceNice,
      loadAverageStart: r1(load0),
      loadAverageEnd: r1(load1),
    };
    process.stdout.write(`${JSON.stringify(metrics, null, 2)}\n`);
    writeResults(
      'mixed',
      metrics,
      `${plural(WORKERS, 'API worker')} ${LANE_WORKERS ? `for the banks and ${plural(LANE_WORKERS, 'lane worker')} (ETC_LANE_WORKERS) the lanes upload to` : 'for lanes and banks alike'}, 10 lanes and ${SPARE} bank-load slots; loads of ${LOAD / 100} yuan open-loop at ${RATE}/s (latency from each load's scheduled start), alone for ${ALONE_SECONDS} s, then beside the second half of the lanes' batches (${centre.transactions} transactions made in all, the first half uploaded alone), all lanes at once; each process works on at most ${BATCHES_IN_PROGRESS} batches at once with ${POOL} PostgreSQL connections, ${priorityNote(serviceNice)}; ledger checked after; service, generator and PostgreSQL share the machine; load average ${load0.toFixed(1)} at start, ${load1.toFixed(1)} at the end`,
    );
  } finally {
    if (server.exitCode === null) await stopProcess(server);
  }
});
