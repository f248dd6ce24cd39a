// The lane controller's upload (ICD §2). A lane is a machine client whose id is its lane id and it
// may post only as itself; the router has already checked the signature, the role and the body,
// and holds the Idempotency-Key (a replay returns the first answer).
import { z } from 'zod';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { AppError } from '../../platform/http/errors.ts';
import { perDatabase } from '../../platform/db/per-database.ts';
import type { RequestContext } from '../../platform/http/context.ts';
import { fastUploadBody, uploadBody } from './ingest-schema.ts';
import { ingestBatch } from './ingest.ts';
import { getLane } from './network.ts';
import { postLanesTransactionsResponse } from './responses.ts';

const laneParams = z.strictObject({
  laneId: z.string().regex(/^L\d{1,10}-\d{2}$/, 'must be a lane id such as L340102-01'),
});

// A lane found in the registry is not looked up again for a minute (on the centre's clock), per
// database: two centres in one process do not vouch for each other's lanes.
const knownLanes = perDatabase(() => new Map<string, number>());
const LANE_TTL_MS = 60_000;

async function assertLane(ctx: RequestContext, laneId: string): Promise<void> {
  if (ctx.actor.kind !== 'client' || ctx.actor.id !== laneId)
    throw new AppError('forbidden', `lane ${ctx.actor.id} may not post as lane ${laneId}`);
  const known = knownLanes(ctx.db);
  const now = ctx.app.clock.now().getTime();
  const until = known.get(laneId);
  if (until !== undefined && until > now && until - LANE_TTL_MS <= now) return;
  if (!(await getLane(ctx.db, laneId)))
    throw new AppError('lane-not-found', `lane ${laneId} is not in the lanes registry`);
  if (known.size > 100_000) known.clear();
  known.set(laneId, now + LANE_TTL_MS);
}

export const laneTransactionRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/lanes/:laneId/transactions',
    tag: 'lanes',
    roles: ['lane'],
    summary:
      'Upload up to 1,000 lane transactions (ICD §2): one result per transaction in input order — accepted, duplicate (code 2) or rejected with the issuer result code',
    params: laneParams,
    body: uploadBody,
    fastBody: fastUploadBody,
    inProgressLimit: (config) => config.lanes.batchesInProgress,
    response: postLanesTransactionsResponse,
    handler: async (ctx, { params, body }) => {
      await assertLane(ctx, params.laneId);
      const outcome = await ingestBatch(ctx, params.laneId, body.transactions);
      return { ...ok({ results: outcome.results }), afterCommit: outcome.completion };
    },
  }),
];
