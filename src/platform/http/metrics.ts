// Prometheus metrics for the whole process; modules register their own gauges on `registry`.
import client from 'prom-client';
import { dbRoundTrips } from '../db/knex.ts';
import type { Gate } from './gate.ts';

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

// The gated routes of each registry (router.ts mounts them), read when the registry is scraped.
const gatesOf = new WeakMap<client.Registry, Array<{ route: string; gate: Gate }>>();

/** Reports a route's gate: its requests in progress and those waiting for a slot. */
export function watchGate(metrics: Metrics, route: string, gate: Gate): void {
  let gates = gatesOf.get(metrics.registry);
  if (!gates) {
    const watched: Array<{ route: string; gate: Gate }> = [];
    gates = watched;
    gatesOf.set(metrics.registry, watched);
    new client.Gauge({
      name: 'etc_http_gate_requests',
      help: 'requests of a route with a cap on how many one process works on at once: in progress or waiting',
      labelNames: ['route', 'state'] as const,
      registers: [metrics.registry],
      collect() {
        for (const w of watched) {
          this.set({ route: w.route, state: 'in_progress' }, w.gate.inProgress);
          this.set({ route: w.route, state: 'waiting' }, w.gate.waiting);
        }
      },
    });
    new client.Gauge({
      name: 'etc_http_gate_limit',
      help: 'the most requests of the route one process works on at once',
      labelNames: ['route'] as const,
      registers: [metrics.registry],
      collect() {
        for (const w of watched) this.set({ route: w.route }, w.gate.limit);
      },
    });
  }
  gates.push({ route, gate });
}
