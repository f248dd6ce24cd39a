// How bench/loads measures a target (the service with 1 worker, with 2, the floor) during its slices:
// loads done and their latencies, and the CPU of the target's processes, of the database's backends
// and of this process, the generator. Only one target works during a slice, so the backends' CPU in
// it is that target's.
import { cpuOf, cpuSince } from '../lib.ts';

type Work = (lane: number, i: number) => Promise<void>;

// Runs `worker` on `concurrency` lanes for `seconds`; returns completed count and per-item latencies.
export async function drive(
  worker: Work,
  concurrency: number,
  seconds: number,
): Promise<{ done: number; seconds: number; ms: number[] }> {
  const ms: number[] = [];
  const end = Date.now() + seconds * 1000;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      for (let i = 0; Date.now() < end; i++) {
        const t = process.hrtime.bigint();
        await worker(lane, i);
        ms.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  return { done: ms.length, seconds: Number(process.hrtime.bigint() - started) / 1e9, ms: ms.sort((a, b) => a - b) };
}

/** Open loop: starts a load every 1/perSecond s for `seconds`, whether or not the last has finished,
 *  on one of `slots` lanes (a lane's loads use its own cards, so a lane carries one load at a time;
 *  when every lane is busy the start waits for one). Each latency runs from the load's scheduled
 *  start, so time spent waiting for a lane or for this process to get round to it is counted. With
 *  `stop`, no load starts once it is aborted (the end of what the loads run beside). */
export async function pace(
  work: Work,
  perSecond: number,
  seconds: number,
  slots: number,
  stop?: AbortSignal,
): Promise<number[]> {
  const ms: number[] = [];
  const free = Array.from({ length: slots }, (_, lane) => lane);
  const waiting: Array<(lane: number) => void> = [];
  const release = (lane: number) => {
    const next = waiting.shift();
    if (next) next(lane);
    else free.push(lane);
  };
  const started: Promise<void>[] = [];
  const t0 = performance.now();
  for (let k = 0; k < Math.floor(perSecond * seconds); k++) {
    const due = t0 + (k * 1000) / perSecond;
    const early = due - performance.now();
    if (early > 0) await new Promise((r) => setTimeout(r, early));
    if (stop?.aborted) break;
    const lane = free.pop() ?? (await new Promise<number>((r) => waiting.push(r)));
    started.push(
      work(lane, k).then(() => {
        ms.push(performance.now() - due);
        release(lane);
      }),
    );
  }
  await Promise.all(started);
  return ms.sort((a, b) => a - b);
}

export type Target = {
  work: Work;
  pids: () => number[];
  done: number;
  seconds: number;
  ms: number[];
  nodeCpu: number;
  primaryCpu: number;
  pgCpu: number;
  generatorCpu: number;
  trips: number;
};

export const target = (work: Work, pids: () => number[]): Target => ({
  work,
  pids,
  done: 0,
  seconds: 0,
  ms: [],
  nodeCpu: 0,
  primaryCpu: 0,
  pgCpu: 0,
  generatorCpu: 0,
  trips: 0,
});

/** One slice of `t`: driven for `seconds`, its figures added to it. */
export async function measureSlice(
  t: Target,
  o: {
    concurrency: number;
    seconds: number;
    backends: () => Promise<Map<number, number>>;
    roundTrips?: () => Promise<number>;
  },
): Promise<void> {
  const trips0 = o.roundTrips ? await o.roundTrips() : 0;
  const nodePids = t.pids();
  const pg0 = await o.backends();
  const node0 = cpuOf(nodePids);
  const primary0 = cpuOf([nodePids[0]]);
  const generator0 = process.cpuUsage();
  const run = await drive(t.work, o.concurrency, o.seconds);
  // this process drives the clients: it shares the machine with what it measures, and a service load
  // costs it more (the card's MACs, the request signatures) than a floor load
  const generator = process.cpuUsage(generator0);
  t.generatorCpu += (generator.user + generator.system) / 1e6;
  t.nodeCpu += cpuOf(nodePids) - node0;
  t.primaryCpu += cpuOf([nodePids[0]]) - primary0;
  // a backend gone by the end was an idle connection of another target closing: not this slice's
  t.pgCpu += cpuSince(pg0, await o.backends());
  if (o.roundTrips) t.trips += (await o.roundTrips()) - trips0;
  t.done += run.done;
  t.seconds += run.seconds;
  t.ms.push(...run.ms);
}
