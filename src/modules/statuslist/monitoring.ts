// Where each list has reached: every lane of the registry with the version it last reported, how
// many versions and seconds it is behind, when it last reported, and a flag when it has been missing
// a version for longer than the threshold. The same figures are Prometheus gauges.
import type { Knex } from 'knex';
import client from 'prom-client';
import type { AppContext } from '../../platform/http/context.ts';
import { listLanes } from '../lanes/index.ts';
import { countOpen } from './changes.ts';

export type LaneDelivery = {
  laneId: string;
  stationId: number;
  stationName: string;
  appliedVersion: number | null;
  versionsBehind: number;
  secondsBehind: number;
  behind: boolean;
  lastHeartbeatAt: Date | null;
  appliedAt: Date | null;
  software: string | null;
  fullListRequested: boolean;
};

export type Distribution = {
  at: Date;
  currentVersion: number;
  publishedAt: Date | null;
  thresholdSeconds: number;
  summary: {
    lanes: number;
    current: number;
    lagging: number;
    behind: number;
    neverReported: number;
    oldestAppliedVersion: number | null;
    maxSecondsBehind: number;
    byVersion: Array<{ version: number | null; lanes: number }>;
  };
  lanes: LaneDelivery[];
};

export async function distribution(db: Knex, at: Date, thresholdSeconds: number): Promise<Distribution> {
  const lanes = await listLanes(db);
  const [cur] = (await db.raw('select version, published_at from status_list_versions order by version desc limit 1'))
    .rows;
  const current = Number(cur?.version ?? 0);
  // the first version a lane is missing tells since when it has been out of date (versions are gapless)
  const states = new Map<string, Record<string, any>>(
    (
      await db.raw(`select s.*, v.published_at as missing_since from status_list_lanes s
      left join status_list_versions v on v.version = coalesce(s.applied_version, 0) + 1`)
    ).rows.map((r: Record<string, any>) => [r.lane_id, r]),
  );
  const firstVersion =
    current > 0
      ? ((await db('status_list_versions').where({ version: 1 }).first('published_at'))?.published_at ?? null)
      : null;
  const rows: LaneDelivery[] = lanes.map((l) => {
    const s = states.get(l.id);
    const applied = s?.applied_version ?? null;
    const missingSince: Date | null =
      applied !== null && applied >= current ? null : s ? s.missing_since : firstVersion;
    const secondsBehind = missingSince
      ? Math.max(0, Math.floor((at.getTime() - new Date(missingSince).getTime()) / 1000))
      : 0;
    return {
      laneId: l.id,
      stationId: l.stationId,
      stationName: l.stationName,
      appliedVersion: applied,
      versionsBehind: Math.max(0, current - (applied ?? 0)),
      secondsBehind,
      behind: secondsBehind > thresholdSeconds,
      lastHeartbeatAt: s?.heartbeat_at ?? null,
      appliedAt: s?.applied_at ?? null,
      software: s?.software ?? null,
      fullListRequested: Boolean(s?.full_requested_at),
    };
  });
  const byVersion = new Map<number | null, number>();
  for (const r of rows) byVersion.set(r.appliedVersion, (byVersion.get(r.appliedVersion) ?? 0) + 1);
  const applied = rows.map((r) => r.appliedVersion).filter((v): v is number => v !== null);
  return {
    at,
    currentVersion: current,
    publishedAt: cur?.published_at ?? null,
    thresholdSeconds,
    summary: {
      lanes: rows.length,
      current: rows.filter((r) => r.versionsBehind === 0).length,
      lagging: rows.filter((r) => r.versionsBehind > 0 && !r.behind).length,
      behind: rows.filter((r) => r.behind).length,
      neverReported: rows.filter((r) => r.appliedVersion === null).length,
      oldestAppliedVersion: applied.length ? Math.min(...applied) : null,
      maxSecondsBehind: rows.reduce((m, r) => Math.max(m, r.secondsBehind), 0),
      byVersion: [...byVersion.entries()]
        .map(([version, n]) => ({ version, lanes: n }))
        .sort((a, b) => (b.version ?? -1) - (a.version ?? -1)),
    },
    lanes: rows,
  };
}

// Gauges computed at scrape time from the same figures (one query set per scrape).
export function registerStatuslistMetrics(app: AppContext, registry: client.Registry): void {
  // the registry reads gauges in parallel: each waits for the one refresh of this scrape
  let inflight: Promise<void> | null = null;
  const refresh = () =>
    (inflight ??= collect().finally(() => {
      inflight = null;
    }));
  const g = (name: string, help: string, labelNames: string[] = []) =>
    // read from the database: every worker of a cluster reads the same figure, so one is reported
    new client.Gauge({ name, help, labelNames, registers: [registry], collect: refresh, aggregator: 'first' });
  const version = g('etc_status_list_version', 'Current status-list version');
  const entries = g('etc_status_list_entries', 'Listed ids in the current version (all issuers)');
  const open = g('etc_status_list_open_changes', 'Changes not yet published, by state', ['state']);
  const lanes = g(
    'etc_status_list_lanes',
    'Lanes by delivery state: current, lagging (behind, under the threshold), behind (flagged), never_reported',
    ['state'],
  );
  const laneVersions = g('etc_status_list_lane_versions_behind', 'Versions a lane is behind the current one', ['lane']);
  const laneSeconds = g(
    'etc_status_list_lane_seconds_behind',
    'Seconds since a lane first missed a version (0 when current)',
    ['lane'],
  );
  const laneBehind = g('etc_status_list_lane_behind', '1 when the lane is behind by more than the threshold', ['lane']);
  async function collect(): Promise<void> {
    try {
      const d = await distribution(app.db, app.clock.now(), app.config.statusList.lagThresholdSeconds);
      const [v] = (await app.db.raw('select total from status_list_versions order by version desc limit 1')).rows;
      const o = await countOpen(app.db);
      version.set(d.currentVersion);
      entries.set(Number(v?.total ?? 0));
      open.set({ state: 'pending' }, o.pending);
      open.set({ state: 'held' }, o.held);
      lanes.set({ state: 'current' }, d.summary.current);
      lanes.set({ state: 'lagging' }, d.summary.lagging);
      lanes.set({ state: 'behind' }, d.summary.behind);
      lanes.set({ state: 'never_reported' }, d.summary.neverReported);
      laneVersions.reset();
      laneSeconds.reset();
      laneBehind.reset();
      for (const l of d.lanes) {
        laneVersions.set({ lane: l.laneId }, l.versionsBehind);
        laneSeconds.set({ lane: l.laneId }, l.secondsBehind);
        laneBehind.set({ lane: l.laneId }, l.behind ? 1 : 0);
      }
    } catch (err) {
      app.log.error({ err }, 'status-list metrics failed');
    }
  }
}
