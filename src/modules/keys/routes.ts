// The key ceremony's listing over HTTP, so it can be read while the service runs: purposes, versions
// and check values only, never a key.
import { z } from 'zod';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { listKeys } from './key-store.ts';

export const keyRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/keys',
    tag: 'keys',
    roles: ['admin', 'auditor'],
    summary: 'Master keys by purpose and version with their key check values (never the keys)',
    response: z.object({
      keys: z.array(
        z.object({ purpose: z.string(), version: z.number().int(), kcv: z.string(), createdAt: z.iso.datetime() }),
      ),
    }),
    handler: async (ctx) => ok({ keys: await listKeys(ctx.db) }),
  }),
];
