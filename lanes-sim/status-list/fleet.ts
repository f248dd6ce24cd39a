// Many lanes in one process: each simulated lane syncs (pull, verify, apply, heartbeat) once per
// interval, their starts spread over the interval as real lanes' clocks are; a summary after each
// round says which versions the fleet holds and what went wrong.
import { LaneListClient, type LaneListClientOptions } from './client.ts';

export type LaneSecret = { id: string; secret: string };

export type FleetOptions = {
  centre: string;
  lanes: LaneSecret[];
  count: number;
  intervalSeconds: number;
  rounds?: number;
  durationSeconds?: number;
  caPem?: string;
  keepEntries?: boolean;
  concurrency?: number;
  log?: (line: string) => void;
  client?: Partial<LaneListClientOptions>;
};

export type FleetSummary = {
  lanes: number;
  rounds: number;
  versions: Record<string, number>;
  pulls: number;
  notModified: number;
  deltas: number;
  fulls: number;
  rejected: number;
  errors: number;
  heartbeats: number;
  failing: Array<{ laneId: string; error: string }>;
};

// Secrets file: JSON ([{id, secret}] or {"lanes": [...]}) or lines "LANE_ID SECRET".
export function parseSecrets(text: string): LaneSecret[] {
  const t = text.trim();
  if (t.startsWith('[') || t.startsWith('{')) {
    const doc = JSON.parse(t) as LaneSecret[] | { lanes: LaneSecret[] };
    return Array.isArray(doc) ? doc : doc.lanes;
  }
  return t
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [id, secret] = l.split(/\s+/);
      return { id, secret };
    });
}

export function summarise(clients: LaneListClient[], rounds: number): FleetSummary {
  const versions: Record<string, number> = {};
  const s = { pulls: 0, notModified: 0, deltas: 0, fulls: 0, rejected: 0, errors: 0, heartbeats: 0 };
  for (const c of clients) {
    const v = c.version === null ? 'none' : String(c.version);
    versions[v] = (versions[v] ?? 0) + 1;
    for (const k of Object.keys(s) as Array<keyof typeof s>) s[k] += c.stats[k];
  }
  const failing = clients
    .filter((c) => c.lastError)
    .slice(0, 5)
    .map((c) => ({ laneId: c.laneId, error: c.lastError! }));
  return { lanes: clients.length, rounds, versions, ...s, failing };
}

export function formatSummary(f: FleetSummary): string {
  const versions = Object.entries(f.versions)
    .sort((a, b) => b[1] - a[1])
    .map(([v, n]) => `v${v}×${n}`)
    .join(' ');
  const fail = f.failing.length ? `; e.g. ${f.failing.map((x) => `${x.laneId}: ${x.error}`).join(' | ')}` : '';
  return `round ${f.rounds}: ${f.lanes} lanes at ${versions}; pulls ${f.pulls} (304 ${f.notModified}, delta ${f.deltas}, full ${f.fulls}), heartbeats ${f.heartbeats}, rejected ${f.rejected}, errors ${f.errors}${fail}`;
}

export async function runFleet(o: FleetOptions): Promise<FleetSummary> {
  if (o.lanes.length === 0) throw new Error('no lane secrets');
  // more simulated lanes than secrets: several controllers act as the same lane (load only)
  const clients = Array.from(
    { length: o.count },
    (_, i) =>
      new LaneListClient({
        ...o.client,
        centre: o.centre,
        laneId: o.lanes[i % o.lanes.length].id,
        secret: o.lanes[i % o.lanes.length].secret,
        caPem: o.caPem,
        keepEntries: o.keepEntries,
      }),
  );
  const limit = o.concurrency ?? 64;
  const intervalMs = o.intervalSeconds * 1000;
  const deadline = o.durationSeconds ? Date.now() + o.durationSeconds * 1000 : Infinity;
  let round = 0;
  for (; (o.rounds === undefined || round < o.rounds) && Date.now() < deadline;) {
    const start = Date.now();
    let next = 0;
    // each lane at its own offset within the interval, never more than `limit` in flight
    const worker = async () => {
      for (let i = next++; i < clients.length; i = next++) {
        const due = start + Math.floor((i * intervalMs) / clients.length);
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
        await clients[i].sync();
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, clients.length) }, worker));
    round++;
    o.log?.(formatSummary(summarise(clients, round)));
    const rest = start + intervalMs - Date.now();
    if ((o.rounds === undefined || round < o.rounds) && rest > 0 && Date.now() + rest < deadline)
      await new Promise((r) => setTimeout(r, rest));
  }
  return summarise(clients, round);
}
