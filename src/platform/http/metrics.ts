// Prometheus metrics for the whole process; modules register their own gauges on `registry`.
import client from 'prom-client';
import { dbRoundTrips } from '../db/knex.ts';

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
