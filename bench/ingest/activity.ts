// BENCH_ACTIVITY=1: what the service's PostgreSQL connections are doing during the timed part,
// sampled from pg_stat_activity every 10 ms on a connection of its own — on average how many are
// running a statement, waiting for a lock or for I/O, or idle inside a transaction (waiting for the
// service to send the next statement). Printed for whoever is looking, never kept as a figure: the
// sampling itself takes CPU from the machine it watches.
import pg from 'pg';

export const activityWanted = process.env.BENCH_ACTIVITY === '1';

export type ActivitySampler = { stop: () => Promise<void> };

export async function sampleActivity(url: string): Promise<ActivitySampler> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const tally = new Map<string, number>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await c.query(
        `select state, coalesce(wait_event_type || ':' || wait_event, 'on CPU') as waiting
           from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'
            and state <> 'idle'`,
      );
      samples++;
      for (const r of rows as Array<{ state: string; waiting: string }>) {
        const k = `${r.state} | ${r.waiting}`;
        tally.set(k, (tally.get(k) ?? 0) + 1);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      await c.end();
      const rows = [...tally]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 15)
        .map(([state, n]) => ({ state, meanConnections: (n / Math.max(1, samples)).toFixed(2) }));
      console.log(`pg_stat_activity, ${samples} samples of the timed part (connections not idle):`);
      console.table(rows);
    },
  };
}
