// The lane side of the list (ICD §2): pulls (not modified, delta or full, streamed and signed) and
// heartbeats that say which version a lane has applied. A lane client acts only as its own lane.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import type { AppContext, RequestContext } from '../../platform/http/context.ts';
import { AppError, invalid } from '../../platform/http/errors.ts';
import { databaseUnreachable } from '../../platform/db/connection-errors.ts';
import { perDatabase } from '../../platform/db/per-database.ts';
import type { RouteResult } from '../../platform/http/route.ts';
import { getLane, listLanes } from '../lanes/index.ts';
import { forgetListHead, listHead } from './head.ts';
import {
  currentVersion,
  openListPackage,
  type ListPackage,
  type ListRequest,
  type PackageOptions,
} from './packages.ts';

export const NDJSON = 'application/x-ndjson';

// Lanes poll every minute: the registry's lane ids are read in one query and kept ten minutes (on
// the centre's clock, per database) rather than looked up at every poll; a lane registered since is
// looked up once and added.
const REGISTRY_TTL_MS = 600_000;
type Registry = { ids: Set<string>; at: number } | null;
const registries = perDatabase(() => ({
  registry: null as Registry,
  loading: null as Promise<Set<string>> | null,
}));

async function registeredLanes(db: Knex, now: Date): Promise<Set<string>> {
  const r = registries(db);
  const at = now.getTime();
  if (r.registry && at - r.registry.at < REGISTRY_TTL_MS && at >= r.registry.at) return r.registry.ids;
  r.loading ??= listLanes(db)
    .then((lanes) => {
      r.registry = { ids: new Set(lanes.map((l) => l.id)), at };
      return r.registry.ids;
    })
    .finally(() => {
      r.loading = null;
    });
  return r.loading;
}

export function assertOwnLane(ctx: RequestContext, laneId: string): void {
  if (ctx.actor.kind === 'client' && ctx.actor.role === 'lane' && ctx.actor.id !== laneId) {
    throw new AppError('forbidden', `lane ${ctx.actor.id} may not act as lane ${laneId}`);
  }
}

async function assertKnownLane(db: Knex, now: Date, laneId: string): Promise<void> {
  const ids = await registeredLanes(db, now);
  if (ids.has(laneId)) return;
  if (!(await getLane(db, laneId))) throw new AppError('lane-not-found', `lane ${laneId} is not in the lanes registry`);
  ids.add(laneId);
}

export const packageOptions = (app: AppContext): PackageOptions => ({
  maxStreams: app.config.statusList.maxStreams,
  deltaCacheBytes: app.config.statusList.deltaCacheMb * 2 ** 20,
  storedDeltas: app.config.statusList.storedDeltas,
  now: app.clock.now(),
});

export async function ensureSigner(app: AppContext): Promise<void> {
  await app.keys.ensurePki(app.db, { network: app.config.network, now: app.clock.now() });
}

// Lanes' and provinces' downloads are read from the replica when there is one (a scheduled snapshot
// reads the primary). The primary serves instead a lane ahead of the replica (it had a newer version
// from the primary), so that a replica never hands a lane a list older than the one it has, and any
// pull while the replica cannot be reached (down, restarting, refusing connections).
async function openFromReplica(app: AppContext, req: ListRequest): Promise<ListPackage> {
  const opts = packageOptions(app);
  if (app.readDb) {
    try {
      const ahead = req.since !== undefined && req.since > (await listHead(app.readDb, opts.now)).current;
      if (!ahead) return await openListPackage(app.db, app.keys, req, { ...opts, readDb: app.readDb });
    } catch (err) {
      if (!databaseUnreachable(err)) throw err;
      const { name, code, message } = err as { name: string; code?: string; message: string };
      app.log.warn({ name, code, message }, 'read replica unreachable: the status list is read from the primary');
    }
  }
  return openListPackage(app.db, app.keys, req, opts);
}

// A package as a route result: 304 with the version, or the NDJSON stream (gzip when accepted).
export async function listResult(
  app: AppContext,
  req: ListRequest,
): Promise<RouteResult & { kind?: 'full' | 'delta'; version: number }> {
  await ensureSigner(app);
  const pkg = await openFromReplica(app, req);
  if (pkg.notModified) return { status: 304, headers: { 'X-List-Version': String(pkg.version) }, version: pkg.version };
  return {
    stream: pkg.stream,
    compress: true,
    contentType: NDJSON,
    kind: pkg.header.kind,
    version: pkg.header.version,
    headers: {
      'X-List-Version': String(pkg.header.version),
      'X-List-Kind': pkg.header.kind,
      'Cache-Control': 'no-store',
    },
  };
}

export async function pullForLane(
  ctx: RequestContext,
  laneId: string,
  since: number | undefined,
): Promise<RouteResult> {
  assertOwnLane(ctx, laneId);
  await assertKnownLane(ctx.db, ctx.app.clock.now(), laneId);
  const head = await listHead(ctx.db, ctx.app.clock.now());
  const forceFull = head.fullRequested.has(laneId);
  if (!forceFull && since !== undefined && since === head.current) {
    await recordPull(ctx, laneId, null);
    return { status: 304, headers: { 'X-List-Version': String(since) } };
  }
  const result = await listResult(ctx.app, { since, forceFull });
  await recordPull(ctx, laneId, result.status === 304 ? null : result.version);
  // the request stands until a heartbeat shows this full list (or a newer one) applied
  if (forceFull && result.kind === 'full')
    await ctx
      .db('status_list_lanes')
      .where({ lane_id: laneId })
      .whereNotNull('full_requested_at')
      .update({ full_served_version: result.version });
  const { kind: _kind, version: _version, ...rest } = result;
  return rest;
}

// The delivery map shows when a lane last asked and last received a package (telemetry, not audited).
// Every pull writes it, so it is committed without waiting for the WAL flush (synchronous_commit
// off for this statement's own transaction: set_config(…, true) lasts until its commit): a crash
// may lose the last few pull times, never anything else, and the lane's answer does not wait for
// a disk flush. Inside a caller's transaction it would apply to that transaction: lanes' pulls
// have none (ctx.db is the pool).
const PULL_TYPES = {
  lane_id: 'text',
  pulled_at: 'timestamptz',
  downloaded_at: 'timestamptz',
  downloaded_version: 'integer',
} as const;
async function recordPull(ctx: RequestContext, laneId: string, downloaded: number | null): Promise<void> {
  const now = ctx.app.clock.now();
  const row = {
    lane_id: laneId,
    pulled_at: now,
    ...(downloaded !== null ? { downloaded_at: now, downloaded_version: downloaded } : {}),
  };
  const cols = Object.keys(row) as Array<keyof typeof PULL_TYPES>;
  await ctx.db.raw(
    `insert into status_list_lanes (${cols.join(', ')})
     select ${cols.map((c) => `?::${PULL_TYPES[c]}`).join(', ')} from (select set_config('synchronous_commit', 'off', true)) relaxed
     on conflict (lane_id) do update set ${cols
       .filter((c) => c !== 'lane_id')
       .map((c) => `${c} = excluded.${c}`)
       .join(', ')}`,
    Object.values(row),
  );
}

export type Heartbeat = { listVersion: number; appliedAt: string; pendingUploads?: number; software?: string };

export async function recordHeartbeat(db: Knex, ctx: RequestContext, laneId: string, hb: Heartbeat): Promise<void> {
  assertOwnLane(ctx, laneId);
  await assertKnownLane(db, ctx.app.clock.now(), laneId);
  if (hb.listVersion > (await currentVersion(db)))
    throw invalid('listVersion', `version ${hb.listVersion} has not been published`);
  const before = await db('status_list_lanes')
    .where({ lane_id: laneId })
    .forUpdate()
    .first('full_requested_at', 'full_served_version');
  const fullApplied =
    before?.full_requested_at && before.full_served_version !== null && hb.listVersion >= before.full_served_version;
  // no list was applied after the heartbeat that reports it: a lane clock running ahead is read as now
  const now = ctx.app.clock.now();
  const reported = new Date(hb.appliedAt);
  const row = {
    lane_id: laneId,
    applied_version: hb.listVersion,
    applied_at: reported > now ? now : reported,
    heartbeat_at: now,
    pending_uploads: hb.pendingUploads ?? null,
    software: hb.software ?? null,
    ...(fullApplied ? { full_requested_at: null, full_requested_by: null, full_served_version: null } : {}),
  };
  await db('status_list_lanes')
    .insert(row)
    .onConflict('lane_id')
    .merge(Object.keys(row).filter((k) => k !== 'lane_id'));
  // heartbeats are telemetry (one a minute per lane) and are not audited; the end of a
  // supervisor's full-list request is
  if (fullApplied) {
    await audit(db, ctx, {
      action: 'status-list.full-applied',
      entity: 'lane',
      entityId: laneId,
      detail: { version: hb.listVersion },
    });
    forgetListHead(db);
  }
}
