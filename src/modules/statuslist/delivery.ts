// The delivery map: every station with its lanes and how far each lane is behind the current list
// version (versions and seconds), with its last heartbeat, applied version and last download.
// Built on distribution() so the map and the Prometheus gauges cannot disagree.
import type { Knex } from 'knex';
import { Readable } from 'node:stream';
import { toJsonText } from '../../platform/http/json.ts';
import { z } from 'zod';
import { instantOut } from '../../platform/http/schemas.ts';
import { listLanes } from '../lanes/index.ts';
import { distribution } from './monitoring.ts';

const laneOut = z.strictObject({
  laneId: z.string(),
  laneNo: z.number().int(),
  direction: z.enum(['entry', 'exit']),
  appliedVersion: z.number().int().nullable(),
  versionsBehind: z.number().int(),
  secondsBehind: z.number().int(),
  // behind for longer than the threshold: the lane needs attention
  behind: z.boolean(),
  lastHeartbeatAt: instantOut.nullable(),
  appliedAt: instantOut.nullable(),
  lastPullAt: instantOut.nullable(),
  lastDownloadAt: instantOut.nullable(),
  lastDownloadVersion: z.number().int().nullable(),
  software: z.string().nullable(),
  fullListRequested: z.boolean(),
});

export const deliveryResponse = z.strictObject({
  at: instantOut,
  currentVersion: z.number().int(),
  publishedAt: instantOut.nullable(),
  thresholdSeconds: z.number().int(),
  summary: z.strictObject({
    lanes: z.number().int(),
    current: z.number().int(),
    lagging: z.number().int(),
    behind: z.number().int(),
    neverReported: z.number().int(),
    oldestAppliedVersion: z.number().int().nullable(),
    maxSecondsBehind: z.number().int(),
  }),
  stations: z.array(
    z.strictObject({
      stationId: z.number().int(),
      stationName: z.string(),
      // the worst lane of the station, so the grid can colour a station without reading its lanes
      maxVersionsBehind: z.number().int(),
      maxSecondsBehind: z.number().int(),
      lanes: z.array(laneOut),
    }),
  ),
});
// a lane on the map as the service holds it (instants as Date; JSON makes them ISO strings)
type LaneOnMap = Omit<z.output<typeof laneOut>, 'lastHeartbeatAt' | 'appliedAt' | 'lastPullAt' | 'lastDownloadAt'> & {
  lastHeartbeatAt: Date | null;
  appliedAt: Date | null;
  lastPullAt: Date | null;
  lastDownloadAt: Date | null;
};

export async function delivery(db: Knex, at: Date, thresholdSeconds: number) {
  const d = await distribution(db, at, thresholdSeconds);
  const lanes = new Map((await listLanes(db)).map((l) => [l.id, l]));
  const pulls = new Map<string, Record<string, any>>(
    (await db('status_list_lanes').select('lane_id', 'pulled_at', 'downloaded_at', 'downloaded_version')).map(
      (r: Record<string, any>) => [r.lane_id, r],
    ),
  );
  const stations = new Map<number, { stationId: number; stationName: string; lanes: LaneOnMap[] }>();
  for (const l of d.lanes) {
    const lane = lanes.get(l.laneId)!;
    const p = pulls.get(l.laneId);
    const s = stations.get(l.stationId) ?? { stationId: l.stationId, stationName: l.stationName, lanes: [] };
    stations.set(l.stationId, s);
    s.lanes.push({
      laneId: l.laneId,
      laneNo: lane.laneNo,
      direction: lane.direction,
      appliedVersion: l.appliedVersion,
      versionsBehind: l.versionsBehind,
      secondsBehind: l.secondsBehind,
      behind: l.behind,
      lastHeartbeatAt: l.lastHeartbeatAt,
      appliedAt: l.appliedAt,
      lastPullAt: p?.pulled_at ?? null,
      lastDownloadAt: p?.downloaded_at ?? null,
      lastDownloadVersion: p?.downloaded_version ?? null,
      software: l.software,
      fullListRequested: l.fullListRequested,
    });
  }
  const { byVersion: _byVersion, ...summary } = d.summary;
  return {
    at: d.at,
    currentVersion: d.currentVersion,
    publishedAt: d.publishedAt,
    thresholdSeconds: d.thresholdSeconds,
    summary,
    stations: [...stations.values()]
      .sort((a, b) => a.stationId - b.stationId)
      .map((s) => ({
        ...s,
        lanes: s.lanes.sort((a, b) => a.laneNo - b.laneNo),
        maxVersionsBehind: Math.max(0, ...s.lanes.map((l) => l.versionsBehind)),
        maxSecondsBehind: Math.max(0, ...s.lanes.map((l) => l.secondsBehind)),
      })),
  };
}

// The map as server-sent events: one `delivery` event now and one every intervalMs, until the client
// goes away (the response pipeline then destroys this stream, which stops the timer). The first
// map is computed before the stream is returned, so a failure there is an ordinary error answer.
export async function deliveryStream(
  db: Knex,
  now: () => Date,
  thresholdSeconds: number,
  intervalMs: number,
): Promise<Readable> {
  const event = (body: unknown) => `event: delivery\ndata: ${toJsonText(body)}\n\n`;
  const first = event(await delivery(db, now(), thresholdSeconds));
  let timer: NodeJS.Timeout | undefined;
  let busy = false;
  const stream = new Readable({
    read() {},
    destroy(err, cb) {
      clearInterval(timer);
      cb(err);
    },
  });
  // EventSource reconnects after `retry` ms if the connection drops
  stream.push(`retry: ${intervalMs}\n\n` + first);
  timer = setInterval(() => {
    if (busy) return; // a slow database: skip a beat rather than pile up queries
    busy = true;
    delivery(db, now(), thresholdSeconds)
      .then((d) => stream.push(event(d)))
      .catch((err) => stream.destroy(err))
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  return stream;
}
