// Several API processes sharing one port (DESIGN §2), on PostgreSQL only: `etc serve --workers N`
// (or ETC_WORKERS=N). The primary holds the listening socket (node:cluster hands connections to the
// workers in turn) and nothing else: no database pool, no queue, no schedules. Each worker is a whole
// `etc serve`; only worker 0 fires the schedules, so a schedule enqueues once per slot whatever N is
// (with Redis the deterministic job id would also dedupe; the in-process queue could not across
// processes). Jobs run where they are queued (in-process) or in whichever worker bull hands them to.
// SIGTERM/SIGINT: every worker stops gracefully (its own bound, ETC_SHUTDOWN_TIMEOUT_SECONDS); the
// primary exits 0 when all of them did, 1 otherwise. A worker that dies after it listened is
// replaced; one that fails before it listens (no keys, bad configuration) stops the whole service
// with its exit code, rather than being restarted in a loop.
// Lane workers (ETC_LANE_WORKERS=K, ETC_LANE_PORT=P): K more workers, each a whole `etc serve`
// listening on P instead, for the lanes to upload to, so that lane batches do not share an event
// loop with the bank channel and the console; they are numbered after the others and never fire
// the schedules. A scrape of `/metrics` on either port is answered with every worker's metrics,
// gathered here (platform/http/metrics.ts).
import cluster, { type Worker } from 'node:cluster';
import type { LaneWorkers } from './config.ts';
import { answerClusterMetrics } from './platform/http/metrics.ts';

export const WORKER_INDEX_ENV = 'ETC_WORKER_INDEX';

/** This process's worker index (0 for a single process): the schedules run where it is 0. */
export function workerIndex(): number {
  return cluster.isWorker ? Number(process.env[WORKER_INDEX_ENV] ?? 0) : 0;
}

export function runPrimary(
  workers: number,
  lanes: LaneWorkers | undefined,
  out: (line: string) => void,
): Promise<number> {
  const all = workers + (lanes?.count ?? 0);
  // a lane worker listens on the lanes' port and is not itself a primary of lane workers
  const envOf = (index: number) =>
    index < workers ? {} : { PORT: String(lanes!.port), ETC_LANE_WORKERS: '0', ETC_LANE_PORT: '' };
  return new Promise((resolve) => {
    const live = new Map<Worker, number>(); // worker → its index
    const listening = new Set<Worker>();
    let stopping = false;
    let failed = 0;
    const fork = (index: number) => {
      const w = cluster.fork({ ...envOf(index), [WORKER_INDEX_ENV]: String(index) });
      live.set(w, index);
      w.on('listening', () => listening.add(w));
      w.on('exit', (code, signal) => {
        live.delete(w);
        const wasListening = listening.delete(w);
        if (code !== 0 && !failed) failed = code ?? 1;
        if (!stopping && wasListening) {
          out(`worker ${index} exited (${code ?? signal}); starting another`);
          fork(index);
          return;
        }
        if (!stopping) stopAll('start-up failure', code ?? 1);
        if (live.size === 0) {
          out(`all ${all} workers stopped`);
          resolve(failed);
        }
      });
    };
    const stopAll = (why: string, code = 0) => {
      if (stopping) return;
      stopping = true;
      if (code && !failed) failed = code;
      out(`${why}: stopping ${live.size} workers`);
      for (const w of live.keys()) w.process.kill('SIGTERM');
    };
    answerClusterMetrics();
    process.once('SIGTERM', () => stopAll('SIGTERM'));
    process.once('SIGINT', () => stopAll('SIGINT'));
    out(
      lanes
        ? `ETC back office: starting ${workers} workers on one port and ${lanes.count} lane workers on port ${lanes.port}`
        : `ETC back office: starting ${workers} workers on one port`,
    );
    for (let i = 0; i < all; i++) fork(i);
  });
}
