// Province-to-province status lists (ICD §3) and the peers' certificates they are verified with.
// A peer's package travels JSON-wrapped: {"list": "<the NDJSON text, byte for byte as lanes get
// it>"}, so the service's one JSON pipeline (signature over the raw body, idempotency, limits)
// carries it unchanged; the request body limit (2 MB, about 20,000 lines) bounds one package.
import { z } from 'zod';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { network } from '../../platform/http/schemas.ts';
import { exportOwnList, importPeerList, listPeers, registerPeer } from './interchange.ts';
import { NDJSON } from './lane-api.ts';
import { sinceQuery } from './lane-routes.ts';
import {
  getInterchangePeersResponse,
  postInterchangeStatusListsResponse,
  putInterchangePeersCertificateResponse,
} from './responses.ts';

export const interchangeRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/interchange/status-lists',
    tag: 'interchange',
    roles: ['province'],
    summary:
      "A peer province's own list, delta or full, signed by it; merged into what lanes get (a full list replaces the peer's set)",
    body: z.strictObject({ list: z.string().min(1).max(2_000_000) }),
    response: postInterchangeStatusListsResponse,
    handler: async (ctx, { body }) => ok(await importPeerList(ctx.db, ctx, body.list)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/interchange/status-lists',
    tag: 'interchange',
    roles: ['province'],
    summary: "This centre's own list (its issuer's entries only) since a version, in the lanes' signed NDJSON form",
    query: sinceQuery,
    produces: NDJSON,
    handler: async (ctx, { query }) => exportOwnList(ctx, query.since),
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/interchange/peers/:network/certificate',
    tag: 'interchange',
    roles: ['admin'],
    summary: "Register (or replace) a peer province's signing certificate (PEM)",
    params: z.strictObject({ network }),
    body: z.strictObject({ certificatePem: z.string().min(100).max(20_000) }),
    response: putInterchangePeersCertificateResponse,
    handler: async (ctx, { params, body }) =>
      ok({ peer: await registerPeer(ctx.db, ctx, params.network, body.certificatePem) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/interchange/peers',
    tag: 'interchange',
    roles: ['admin', 'supervisor', 'auditor'],
    summary: 'Peer provinces: registered certificate and the last list received from each',
    response: getInterchangePeersResponse,
    handler: async (ctx) => ok({ peers: await listPeers(ctx.db) }),
  }),
];
