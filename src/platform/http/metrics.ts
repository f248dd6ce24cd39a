// Prometheus metrics; modules register their own gauges on `registry`. One process answers for
// itself. Under node:cluster (`serve --workers`, lane workers) the worker a scrape reaches asks the
// primary, which gathers every worker's registry over IPC and sums them (prom-client's aggregator),
// so a scrape of either port shows the whole service, not the one worker the connection landed on.
// A metric that is the same in every process (read from the database, or a setting) says how it
// combines (`aggregator: 'first'` or `'max'`) instead of being summed.
import cluster from 'node:cluster';
import client from 'prom-client';
import { dbRoundTrips } from '../db/knex.ts';
import { retryLater } from './errors.ts';
import type { Gate } from './gate.ts';

const ASK = 'etc:cluster-metrics';
const ANSWER = 'etc:cluster-metrics-answer';
// the primary's own bound is prom-client's (5 s for every worker to answer); this one covers a primary
// that does not answer at all
const ASK_TIMEOUT_MS = 10_000;

export type Metrics = { registry: client.Registry; httpDuration: client.Histogram<'method' | 'route' | 'status'> };

export function createMetrics(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const httpDuration = new client.Histogram({
    name: 'etc_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  if (cluster.isWorker) {
    // adds prom-client's answer to the primary's requests, for this registry
    new client.AggregatorRegistry();
    client.AggregatorRegistry.setRegistries([registry]);
  }
  if (dbRoundTrips() !== null)
    new client.Gauge({
      name: 'etc_db_round_trips_total',
      help: 'statements sent to PostgreSQL by this process (ETC_COUNT_QUERIES=1)',
      registers: [registry],
      collect() {
        this.set(dbRoundTrips() ?? 0);
      },
    });
  return { registry, httpDuration };
}

/** Reports the gated routes' gates: each one's cap, its requests in progress and those waiting. */
export function watchGates(metrics: Metrics, gates: ReadonlyArray<{ route: string; gate: Gate }>): void {
  if (gates.length === 0) return;
  new client.Gauge({
    name: 'etc_http_gate_requests',
    help: 'requests of a route with a cap on how many one process works on at once: in progress or waiting',
    labelNames: ['route', 'state'] as const,
    registers: [metrics.registry],
    collect() {
      for (const { route, gate } of gates) {
        this.set({ route, state: 'in_progress' }, gate.inProgress);
        this.set({ route, state: 'waiting' }, gate.waiting);
      }
    },
  });
  new client.Gauge({
    name: 'etc_http_gate_limit',
    help: 'the most requests of the route one process works on at once',
    labelNames: ['route'] as const,
    registers: [metrics.registry],
    aggregator: 'max', // a setting of each process, not a count to add up
    collect() {
      for (const { route, gate } of gates) this.set({ route }, gate.limit);
    },
  });
}

type Answer = { type?: string; id?: number; text?: string; error?: string };
let asked = 0;
let listening = false;
const waiting = new Map<number, (a: Answer) => void>();

/** The metrics a scrape answers with: this process's, or under node:cluster every worker's, summed.
 *  When the primary cannot gather them (a worker did not answer in time), a 503 to retry. */
export async function metricsText(metrics: Metrics): Promise<string> {
  if (!cluster.isWorker || !process.send) return metrics.registry.metrics();
  if (!listening) {
    listening = true;
    process.on('message', (a: Answer) => {
      if (a?.type === ANSWER && a.id !== undefined) waiting.get(a.id)?.(a);
    });
  }
  const id = ++asked;
  return new Promise<string>((resolve, reject) => {
    const done = (a: Answer) => {
      clearTimeout(timer);
      waiting.delete(id);
      if (a.error === undefined) resolve(a.text ?? '');
      else reject(retryLater('unavailable', 'the workers’ metrics could not be gathered; try again', 5));
    };
    const timer = setTimeout(() => done({ error: 'the primary did not answer' }), ASK_TIMEOUT_MS);
    waiting.set(id, done);
    process.send!({ type: ASK, id });
  });
}

/** In the primary: answers a worker's request for every worker's metrics, summed. */
export function answerClusterMetrics(): void {
  const all = new client.AggregatorRegistry();
  cluster.on('message', (worker, m: { type?: string; id?: number }) => {
    if (m?.type !== ASK) return;
    all.clusterMetrics().then(
      (text) => worker.isConnected() && worker.send({ type: ANSWER, id: m.id, text }),
      (err: Error) => worker.isConnected() && worker.send({ type: ANSWER, id: m.id, error: err.message }),
    );
  });
}
