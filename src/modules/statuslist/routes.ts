// Staff endpoints of the status list: state and history for clerks, supervisors and auditors;
// manual entries, held-entry decisions, publish now, full-list requests and snapshots for
// supervisors; delivery monitoring. Lanes' and provinces' endpoints are in lane-routes.ts and
// interchange-routes.ts.
import { z } from 'zod';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { idParam, limit, offset, reason as note } from '../../platform/http/schemas.ts';
import { decideHeld, addEntry, removeEntry, requestFullList } from './manual.ts';
import { listChanges } from './changes.ts';
import { distribution } from './monitoring.ts';
import { delivery, deliveryResponse, deliveryStream } from './delivery.ts';
import { publishNow } from './publisher.ts';
import { entryView, listVersions, summary } from './queries.ts';
import { listSnapshots } from './snapshots.ts';
import { MANUAL_REASONS, MEDIUM_ID, type Medium } from './reasons.ts';
import { currentVersion } from './packages.ts';
import { SNAPSHOT } from './jobs.ts';
import { actorLabel } from '../../platform/http/context.ts';
import { laneIdParam } from './lane-routes.ts';
import {
  getStatusListChangesResponse,
  getStatusListDistributionResponse,
  getStatusListEntriesResponse,
  getStatusListResponse,
  getStatusListSnapshotsResponse,
  getStatusListVersionsResponse,
  postStatusListChangesConfirmResponse,
  postStatusListChangesDiscardResponse,
  postStatusListEntriesRemovalResponse,
  postStatusListEntriesResponse,
  postStatusListLanesFullListResponse,
  postStatusListPublicationsResponse,
  postStatusListSnapshotsResponse,
} from './responses.ts';

const SUPERVISE = ['supervisor'] as const;
const WATCH = ['supervisor', 'admin', 'auditor'] as const;
const READ = ['clerk', 'supervisor', 'admin', 'auditor'] as const;

const medium = z.enum(['card', 'obu']);
const mediumId = z.string().regex(/^\d{16}(\d{4})?$/, 'must be a 20-digit card or 16-digit OBU number');

// the id's length must fit its medium, and a manual reason must be one a supervisor may give
function checkMedium(v: { medium: Medium; id: string; reason?: number }, c: z.RefinementCtx): void {
  if (!MEDIUM_ID[v.medium].test(v.id))
    c.addIssue({
      code: 'custom',
      path: ['id'],
      message: `must be a ${v.medium === 'card' ? '20-digit card' : '16-digit OBU'} number`,
    });
  if (v.reason !== undefined && !MANUAL_REASONS[v.medium].includes(v.reason))
    c.addIssue({
      code: 'custom',
      path: ['reason'],
      message: `must be one of ${MANUAL_REASONS[v.medium].join(', ')} for ${v.medium}`,
    });
}

const entryParams = z.strictObject({ medium, id: mediumId }).superRefine(checkMedium);
const reasonCode = z.number().int().min(1).max(999);
const changeParams = z.strictObject({ changeId: idParam });

export const statuslistRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/status-list',
    tag: 'status-list',
    roles: READ,
    summary: 'The list now: current version with counts, open (pending and held) changes, settings',
    response: getStatusListResponse,
    handler: async (ctx) => ok(await summary(ctx.db, ctx.app.config)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/status-list/versions',
    tag: 'status-list',
    roles: READ,
    summary: 'Published versions, newest first, with publish time and counts',
    query: z.strictObject({ limit }),
    response: getStatusListVersionsResponse,
    handler: async (ctx, { query }) => ok({ versions: await listVersions(ctx.db, query.limit) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/status-list/entries/:medium/:id',
    tag: 'status-list',
    roles: READ,
    summary: 'One card or OBU: listed or not, with which reason, its causes and its list history',
    params: entryParams,
    response: getStatusListEntriesResponse,
    handler: async (ctx, { params }) => ok({ entry: await entryView(ctx.db, params.medium, params.id) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/status-list/entries',
    tag: 'status-list',
    roles: SUPERVISE,
    status: 201,
    summary:
      "List one of this centre's cards or OBUs by hand, with a reason code and a note (published at the next tick)",
    body: z.strictObject({ medium, id: mediumId, reason: reasonCode, note }).superRefine(checkMedium),
    response: postStatusListEntriesResponse,
    handler: async (ctx, { body }) =>
      ok(
        {
          change: await addEntry(ctx.db, ctx, {
            medium: body.medium,
            mediumId: body.id,
            reason: body.reason,
            note: body.note,
          }),
        },
        201,
      ),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/status-list/entries/:medium/:id/removal',
    tag: 'status-list',
    roles: SUPERVISE,
    status: 201,
    summary: 'Take a card or OBU off the list by hand: one reason code, or every reason when none is given',
    params: entryParams,
    body: z.strictObject({ reason: reasonCode.optional(), note }),
    response: postStatusListEntriesRemovalResponse,
    handler: async (ctx, { params, body }) =>
      ok(
        {
          change: await removeEntry(ctx.db, ctx, {
            medium: params.medium,
            mediumId: params.id,
            reason: body.reason,
            note: body.note,
          }),
        },
        201,
      ),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/status-list/changes',
    tag: 'status-list',
    roles: WATCH,
    summary: "Changes, newest first; state=held is the supervisors' queue",
    query: z.strictObject({
      state: z.enum(['pending', 'held', 'published', 'discarded']).optional(),
      customerId: idParam.optional(),
      limit,
      offset,
    }),
    response: getStatusListChangesResponse,
    handler: async (ctx, { query }) => ok({ changes: await listChanges(ctx.db, query) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/status-list/changes/:changeId/confirm',
    tag: 'status-list',
    roles: SUPERVISE,
    summary: 'Confirm a held entry: it is published at the next tick',
    params: changeParams,
    body: z.strictObject({ note: note.optional() }),
    response: postStatusListChangesConfirmResponse,
    handler: async (ctx, { params, body }) =>
      ok({ change: await decideHeld(ctx.db, ctx, params.changeId, 'confirm', body.note) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/status-list/changes/:changeId/discard',
    tag: 'status-list',
    roles: SUPERVISE,
    summary: 'Discard a held entry: it is never published',
    params: changeParams,
    body: z.strictObject({ note }),
    response: postStatusListChangesDiscardResponse,
    handler: async (ctx, { params, body }) =>
      ok({ change: await decideHeld(ctx.db, ctx, params.changeId, 'discard', body.note) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/status-list/publications',
    tag: 'status-list',
    roles: SUPERVISE,
    summary: 'Publish now: run the rules and seal pending changes into a version (none when nothing is pending)',
    response: postStatusListPublicationsResponse,
    handler: async (ctx) => {
      const published = await publishNow(ctx.db, ctx.app, ctx);
      return ok({ published }, published ? 201 : 200);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/status-list/lanes/:laneId/full-list',
    tag: 'status-list',
    roles: SUPERVISE,
    summary: 'Make a lane take a full list on its next pull (until it reports that version applied)',
    params: z.strictObject({ laneId: laneIdParam }),
    body: z.strictObject({ note }),
    response: postStatusListLanesFullListResponse,
    handler: async (ctx, { params, body }) => ok(await requestFullList(ctx.db, ctx, params.laneId, body.note)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/status-list/snapshots',
    tag: 'status-list',
    roles: SUPERVISE,
    status: 202,
    summary: 'Build a full snapshot file of the current version now (in the background)',
    response: postStatusListSnapshotsResponse,
    handler: async (ctx) => {
      const version = await currentVersion(ctx.db);
      const requestedBy = actorLabel(ctx.actor);
      await ctx.app.queue.add(SNAPSHOT, { requestedBy }, { jobId: `${SNAPSHOT}:v${version}` });
      return ok({ queued: true, version }, 202);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/status-list/snapshots',
    tag: 'status-list',
    roles: WATCH,
    summary: 'Full snapshots built, newest first, with digest and signature',
    query: z.strictObject({ limit }),
    response: getStatusListSnapshotsResponse,
    handler: async (ctx, { query }) => ok({ snapshots: await listSnapshots(ctx.db, query.limit) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/status-list/distribution',
    tag: 'status-list',
    roles: WATCH,
    summary:
      "Where the list has reached: every lane's applied version, versions and seconds behind, last heartbeat, a flag past the threshold; a summary",
    response: getStatusListDistributionResponse,
    handler: async (ctx) =>
      ok(await distribution(ctx.db, ctx.app.clock.now(), ctx.app.config.statusList.lagThresholdSeconds)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/status-list/delivery',
    tag: 'status-list',
    roles: WATCH,
    summary:
      'The delivery map: every station with its lanes, versions and seconds behind the current version, last heartbeat, applied version and last download',
    query: z.strictObject({}),
    response: deliveryResponse,
    handler: async (ctx) =>
      ok(await delivery(ctx.db, ctx.app.clock.now(), ctx.app.config.statusList.lagThresholdSeconds)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/status-list/delivery/stream',
    tag: 'status-list',
    roles: WATCH,
    summary:
      'The delivery map as server-sent events (text/event-stream): a `delivery` event with the same body as GET /status-list/delivery now and every `interval` seconds (2-60, default 5)',
    query: z.strictObject({ interval: z.coerce.number().int().min(2).max(60).default(5) }),
    produces: 'text/event-stream',
    handler: async (ctx, { query }) => ({
      stream: await deliveryStream(
        ctx.app.db,
        () => ctx.app.clock.now(),
        ctx.app.config.statusList.lagThresholdSeconds,
        query.interval * 1000,
      ),
      contentType: 'text/event-stream',
      headers: { 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' },
    }),
  }),
];
