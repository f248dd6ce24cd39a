// Builds the Express app from the modules' route definitions, plus health and metrics.
import express, { type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AppContext } from './platform/http/context.ts';
import { AppError } from './platform/http/errors.ts';
import { requestBody } from './platform/http/json-body.ts';
import { createMetrics, metricsText, type Metrics } from './platform/http/metrics.ts';
import { buildOpenApi, openApiDocument } from './platform/http/openapi.ts';
import { defineRoute, type RouteDef } from './platform/http/route.ts';
import { mountRoutes, requestIdMiddleware, sendError, type MountOptions } from './platform/http/router.ts';
import { accessAuthenticator, accessRoutes, CLIENT_ROLES, USER_ROLES } from './modules/access/index.ts';
import { moduleRoutes, registerModuleMetrics } from './modules/routes.ts';
import { readiness } from './modules/health/index.ts';

export const API_VERSION = '1.0.0';
const BODY_LIMIT = '2mb';

function platformRoutes(metrics: Metrics, all: () => RouteDef[]): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/metrics',
      tag: 'platform',
      roles: ['admin', 'auditor'],
      summary: 'Prometheus metrics',
      produces: 'text/plain; version=0.0.4',
      handler: async () => ({ raw: await metricsText(metrics), contentType: metrics.registry.contentType }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/openapi.json',
      tag: 'platform',
      roles: [...USER_ROLES, ...CLIENT_ROLES],
      summary: 'This document',
      response: openApiDocument,
      handler: async () => ({ body: buildOpenApi(all(), API_VERSION) }),
    }),
  ];
}

// The service-hall console (web/, built into web/dist): hashed assets cached for good, index.html
// never, and every other GET outside the API answered with index.html so the console's own routes
// survive a reload. Without a build the service runs as before (API only).
export const CONSOLE_DIST = fileURLToPath(new URL('../web/dist', import.meta.url));

function serveConsole(web: express.Express, dist = CONSOLE_DIST): void {
  if (!existsSync(`${dist}/index.html`)) return;
  web.use('/assets', express.static(`${dist}/assets`, { immutable: true, maxAge: '365d', index: false }));
  web.use(express.static(dist, { index: false, maxAge: 0 }));
  web.get(/^\/(?!api\/|api$|assets\/|metrics$|healthz$|readyz$).*/, (_req: Request, res: Response) => {
    res.set('Cache-Control', 'no-cache');
    res.sendFile(`${dist}/index.html`);
  });
}

export function buildApp(
  app: AppContext,
  options: MountOptions = {},
): { express: express.Express; routes: RouteDef[]; metrics: Metrics } {
  const metrics = createMetrics();
  registerModuleMetrics(app, metrics.registry);
  const routes: RouteDef[] = [];
  routes.push(...platformRoutes(metrics, () => routes), ...accessRoutes, ...moduleRoutes());

  const web = express();
  web.disable('x-powered-by');
  // no ETag on API answers: they are not cached (a machine's POST answer never is), and hashing every
  // body for one cost a SHA-1 per request; the console's files have their own (express.static)
  web.set('etag', false);
  web.set('trust proxy', 'loopback');
  web.use(requestIdMiddleware);
  // the exact bytes are kept (machine signatures and idempotency hashes are over them) and JSON is
  // parsed from them; a body of another type is kept as bytes only, so the pipeline can refuse it with
  // 415 (and a machine's signature is still checked over what it sent) instead of validating nothing
  web.use(...requestBody(BODY_LIMIT));

  // the probes are the unauthenticated endpoints: they say up/down, nothing else
  web.get('/healthz', async (_req: Request, res: Response) => {
    const [database, queue] = await Promise.all([
      app.db.raw('select 1').then(
        () => true,
        () => false,
      ),
      app.queue.healthy(),
    ]);
    const ok = database && queue;
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'degraded',
      database: database ? 'up' : 'down',
      queue: queue ? 'up' : 'down',
      queueKind: app.queue.kind,
    });
  });

  // readiness: the database, the queue's Redis and the key service (a yes/no, never a key)
  web.get('/readyz', async (_req: Request, res: Response) => {
    const r = await readiness(app);
    res.status(r.ready ? 200 : 503).json({ status: r.ready ? 'ready' : 'not-ready', ...r.checks });
  });

  web.use(mountRoutes(app, routes, metrics, accessAuthenticator(app.keys.hsm), options));
  serveConsole(web);
  web.use((req: Request, res: Response) =>
    sendError(app, req, res, new AppError('not-found', `no route ${req.method} ${req.path}`)),
  );
  // body-parser errors (malformed JSON, too large) arrive here
  web.use((err: unknown, req: Request, res: Response, _next: () => void) => sendError(app, req, res, err));
  return { express: web, routes, metrics };
}
