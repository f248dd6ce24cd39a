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
    collect() {
      for (const { route, gate } of gates) this.set({ route }, gate.limit);
    },
  });
}
