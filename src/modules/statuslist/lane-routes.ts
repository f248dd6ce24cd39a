// Lane endpoints (ICD §2) and the certificate lanes verify signatures with. Lane clients sign each
// request (ICD §0) and act only as their own lane id.
import { z } from 'zod';
import { USER_ROLES } from '../access/index.ts';
import { defineRoute, type RouteDef } from '../../platform/http/route.ts';
import { isoInstant, plainText } from '../../platform/http/schemas.ts';
import { ensureSigner, NDJSON, pullForLane, recordHeartbeat } from './lane-api.ts';

// L<station>-<lane no, 2 digits>, as the lanes registry names them
export const laneIdParam = z.string().regex(/^L\d{1,10}-\d{2}$/, 'must be a lane id such as L340101-01');
export const sinceQuery = z.strictObject({ since: z.coerce.number().int().min(0).max(2_147_483_647).optional() });

export const laneRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/lanes/:laneId/status-list',
    tag: 'lanes',
    roles: ['lane'],
    summary:
      'The status list since a version: 304 when current, else NDJSON (delta, or full when since is absent, unknown or too old), signed; gzip on Accept-Encoding',
    params: z.strictObject({ laneId: laneIdParam }),
    query: sinceQuery,
    produces: NDJSON,
    handler: async (ctx, { params, query }) => pullForLane(ctx, params.laneId, query.since),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/lanes/:laneId/heartbeat',
    tag: 'lanes',
    roles: ['lane'],
    status: 204,
    summary: 'The lane reports the list version it has applied',
    params: z.strictObject({ laneId: laneIdParam }),
    body: z.strictObject({
      listVersion: z.number().int().min(0).max(2_147_483_647),
      appliedAt: isoInstant,
      pendingUploads: z.number().int().min(0).max(10_000_000).optional(),
      software: plainText(100).optional(),
    }),
    noContent: true,
    handler: async (ctx, { params, body }) => {
      await recordHeartbeat(ctx.db, ctx, params.laneId, body);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/status-list/certificate',
    tag: 'status-list',
    roles: [...USER_ROLES, 'lane', 'province', 'bank'],
    summary: 'PEM chain lanes verify list signatures with: the status-list signing certificate, then the centre CA',
    produces: 'application/x-pem-file',
    handler: async (ctx) => {
      await ensureSigner(ctx.app);
      return {
        raw: ctx.app.keys.statusListCertificatePem() + ctx.app.keys.caCertificatePem(),
        contentType: 'application/x-pem-file',
      };
    },
  }),
];
