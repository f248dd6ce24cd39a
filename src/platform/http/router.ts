// Mounts route definitions on an Express router with the one request pipeline:
// authenticate (401) → role (403) → validate (400) → [idempotency for machine POSTs] → handler.
import express, { type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream';
import { createGzip } from 'node:zlib';
import { z } from 'zod';
import { authenticate, type Authenticator } from './auth.ts';
import type { Actor, AppContext, RequestContext } from './context.ts';
import { AppError, httpResponseFromError } from './errors.ts';
import { IDEMPOTENCY_KEY_PATTERN, requestHash, runIdempotent } from './idempotency.ts';
import { Gate } from './gate.ts';
import { toJsonText } from './json.ts';
import { watchGates, type Metrics } from './metrics.ts';
import type { RouteDef, RouteResult } from './route.ts';

type RawRequest = Request & { rawBody?: Buffer };

// the request's client closed its connection before the request's turn came
class ClientGone extends Error {}

// Waits for the request's turn at its route's gate. A client that goes away meanwhile (a lane's
// upload timing out, to be sent again under the same key) leaves the queue instead of being worked on
// for no one: the wait rejects with ClientGone.
async function turnAt(gate: Gate, res: Response): Promise<() => void> {
  const gone = new AbortController();
  const onClose = () => gone.abort(new ClientGone());
  res.once('close', onClose);
  try {
    return await gate.enter(gone.signal);
  } finally {
    res.off('close', onClose);
  }
}

const EMPTY = z.strictObject({});
const ANONYMOUS: Actor = { kind: 'anonymous', id: 'anonymous', role: null };

function fieldName(path: ReadonlyArray<PropertyKey>, where: string): string {
  return path.length
    ? path
        .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
        .join('.')
        .replace(/\.\[/g, '[')
    : where;
}

// PostgreSQL text cannot hold a NUL character: refused here, once for every field of every route,
// instead of reaching the database as a 500. The path is built only on a hit (a lane batch has some
// 30,000 fields: a path array per field was a measurable part of its garbage).
function findNul(value: unknown): PropertyKey[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? [] : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i]);
      if (found) return [i, ...found];
    }
  } else if (value !== null && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      if (k.includes('\u0000')) return [k.replace(/\u0000/g, '\\u0000')];
      const found = findNul((value as Record<string, unknown>)[k]);
      if (found) return [k, ...found];
    }
  }
  return undefined;
}

const NUL_ESCAPE = Buffer.from('\\u0000');

/** Refuses a NUL anywhere in a parsed input (400 `invalid-request` naming the field). Every route's
 *  input passes here; a document read from elsewhere as if it were a body passes it too. */
export function refuseNul(value: unknown, where: 'params' | 'query' | 'body'): void {
  const found = findNul(value);
  if (found) {
    const field = fieldName(found, where);
    throw new AppError('invalid-request', `${field}: must not contain a NUL character`, field);
  }
}

function validate<T>(schema: z.ZodType<T> | undefined, value: unknown, where: 'params' | 'query' | 'body'): T {
  refuseNul(value, where);
  const s = (schema ?? EMPTY) as z.ZodType<T>;
  const r = s.safeParse(value ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field =
    issue.code === 'unrecognized_keys'
      ? fieldName([...issue.path, issue.keys[0]], where)
      : fieldName(issue.path, where);
  const message = issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message;
  throw new AppError('invalid-request', `${field}: ${message}`, field);
}

export function send(res: Response, result: RouteResult, req?: Request, onStreamError?: (err: Error) => void): void {
  if (result.headers) for (const [k, v] of Object.entries(result.headers)) res.setHeader(k, v);
  const status = result.status ?? 200;
  if (result.stream) {
    res.status(status).type(result.contentType ?? 'application/octet-stream');
    const done = (err: Error | null) => {
      if (err) onStreamError?.(err);
    };
    if (result.compress) res.setHeader('Vary', 'Accept-Encoding');
    if (result.compress && req?.acceptsEncodings('gzip') === 'gzip') {
      res.setHeader('Content-Encoding', 'gzip');
      // fastest level: these bodies are large and repetitive, so level 1 already shrinks them well
      pipeline(result.stream, createGzip({ level: 1 }), res, done);
    } else {
      pipeline(result.stream, res, done);
    }
  } else if (result.raw !== undefined) {
    res
      .status(status)
      .type(result.contentType ?? 'text/plain')
      .send(result.raw);
  } else if (status === 204 || status === 304) {
    res.status(status).end();
  } else {
    res
      .status(status)
      .type('application/json')
      .send(toJsonText(result.body ?? null));
  }
}

export function sendError(app: AppContext, req: Request, res: Response, err: unknown): void {
  const { status, body, internal, retryAfterSeconds } = httpResponseFromError(err);
  if (retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(retryAfterSeconds));
  if (internal) app.log.error({ err, requestId: res.locals.requestId, path: req.path }, 'request failed');
  res.status(status).type('application/json').send(JSON.stringify(body));
}

// With checkResponses (the tests turn it on), every JSON success answer is checked against the
// route's declared response schema, so the OpenAPI document cannot drift from what is sent: a
// mismatch is a bug, answered as an internal error and logged with the member that differs.
function checkResponse(def: RouteDef, result: RouteResult): RouteResult {
  const status = result.status ?? 200;
  if (!def.response || result.raw !== undefined || result.stream || status < 200 || status > 299 || status === 204)
    return result;
  const r = def.response.safeParse(JSON.parse(toJsonText(result.body ?? null)));
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(
      `the answer of ${def.method.toUpperCase()} ${def.path} does not match its response schema: ${fieldName(issue.path, 'body')}: ${issue.message}`,
    );
  }
  return result;
}

export type MountOptions = { checkResponses?: boolean };

export function mountRoutes(
  app: AppContext,
  routes: RouteDef[],
  metrics: Metrics,
  authn: Authenticator,
  options: MountOptions = {},
): express.Router {
  const checked = (def: RouteDef, result: RouteResult) =>
    options.checkResponses ? checkResponse(def, result) : result;
  // a route's work left until its transaction has committed (RouteResult.afterCommit)
  const finish = async (work: (() => Promise<void>) | undefined, requestId: string, path: string) => {
    if (work) await work().catch((err) => app.log.error({ err, requestId, path }, 'work after the commit failed'));
  };
  const router = express.Router();
  const gates: Array<{ route: string; gate: Gate }> = [];
  for (const def of routes) {
    const gate = def.inProgressLimit ? new Gate(def.inProgressLimit(app.config)) : undefined;
    if (gate) gates.push({ route: def.path, gate });
    router[def.method](def.path, async (req: RawRequest, res: Response) => {
      const started = process.hrtime.bigint();
      const requestId = res.locals.requestId as string;
      let actor: Actor | undefined;
      let release: (() => void) | undefined;
      try {
        if (def.roles === 'public') actor = ANONYMOUS;
        else actor = await authenticate(app.db, authn, app.clock, req);
        if (def.roles !== 'public' && (actor.role === null || !def.roles.includes(actor.role)))
          throw new AppError('forbidden', `this operation is not allowed for role ${actor.role}`);
        // after an administrator's reset the user may do nothing but change the password (or leave)
        if (actor.kind === 'user' && actor.mustChangePassword && !def.beforePasswordChange)
          throw new AppError('password-change-required', 'change your password first: POST /api/v1/me/password');
        const key = req.get('idempotency-key');
        // machines must send a key with every POST, and so must staff on a POST that moves money;
        // on other staff POSTs a key is optional (the console sends one). A missing key is refused
        // before the body is looked at: the header is part of the request's shape.
        const idempotent =
          def.method === 'post' &&
          def.idempotent !== false &&
          (actor.kind === 'client' || (actor.kind === 'user' && (key !== undefined || def.moneyMoving === true)));
        if (idempotent && (!key || !IDEMPOTENCY_KEY_PATTERN.test(key)))
          throw new AppError(
            'idempotency-key-required',
            'Idempotency-Key header is required (1-100 characters of A-Z a-z 0-9 . _ : -)',
            'Idempotency-Key',
          );
        // a body of another type is refused before anything reads it (app.ts keeps its bytes raw)
        const hasBody = req.rawBody !== undefined && req.rawBody.length > 0;
        if (hasBody && !req.is('application/json'))
          throw new AppError('unsupported-media-type', 'request bodies must be application/json');
        if (gate) release = await turnAt(gate, res);
        const params = validate(def.params, req.params, 'params');
        const query = validate(def.query, req.query, 'query');
        let body: unknown;
        if (def.fastBody && hasBody) {
          // JSON text can only carry a NUL as the escape \u0000 (a raw control character does not
          // parse), so bytes without that escape need no walk of the parsed body (a lane batch of
          // 1,000 transactions has ~30,000 strings)
          if (req.rawBody!.includes(NUL_ESCAPE)) refuseNul(req.body, 'body');
          body = def.fastBody(req.body);
        }
        body ??= validate(def.body, def.body || hasBody ? req.body : undefined, 'body');
        const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
        const ctx: RequestContext = {
          app,
          db: app.db,
          actor,
          requestId,
          ip: req.ip ?? '',
          bearerToken: actor.kind === 'user' ? bearer : undefined,
        };
        const input = { params, query, body };
        if (idempotent && key && def.ownIdempotency) {
          const idempotency = {
            owner: actor.kind === 'user' ? `user:${actor.id}` : actor.id,
            key,
            hash: requestHash(req.method, req.originalUrl, req.rawBody ?? Buffer.alloc(0)),
          };
          const result = await def.handler(ctx, { ...input, idempotency });
          await finish(result.afterCommit, requestId, req.path);
          if (options.checkResponses && typeof result.raw === 'string')
            checkResponse(def, { status: result.status, body: JSON.parse(result.raw) });
          send(res, result);
        } else if (idempotent && key) {
          const hash = requestHash(req.method, req.originalUrl, req.rawBody ?? Buffer.alloc(0));
          const owner = actor.kind === 'user' ? `user:${actor.id}` : actor.id;
          const answer = await runIdempotent(
            app.db,
            owner,
            key,
            hash,
            async (trx) => checked(def, await def.handler({ ...ctx, db: trx }, input)),
            toJsonText,
          );
          await finish(answer.afterCommit, requestId, req.path);
          if (answer.replayed) res.setHeader('Idempotent-Replayed', 'true');
          send(res, { status: answer.status, raw: answer.text, contentType: 'application/json' });
        } else {
          const result = checked(def, await def.handler(ctx, input));
          await finish(result.afterCommit, requestId, req.path);
          send(res, result, req, (err) =>
            app.log.warn({ err, requestId, path: req.path }, 'response stream cut short'),
          );
        }
      } catch (err) {
        if (err instanceof ClientGone) {
          res.statusCode = 499; // nginx's "client closed request": for the log and the metrics only
          return;
        }
        if (err instanceof AppError && err.afterRollback) {
          await err
            .afterRollback(app.db)
            .catch((e) => app.log.error({ err: e, requestId }, 'recording a refusal failed'));
        }
        sendError(app, req, res, err);
      } finally {
        release?.();
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        metrics.httpDuration.observe({ method: def.method, route: def.path, status: String(res.statusCode) }, seconds);
        app.log.info(
          {
            requestId,
            method: req.method,
            route: def.path,
            status: res.statusCode,
            ms: Math.round(seconds * 1000),
            actor: actor?.id,
          },
          'request',
        );
      }
    });
  }
  watchGates(metrics, gates);
  return router;
}

export function requestIdMiddleware(req: Request, res: Response, next: () => void): void {
  const given = req.get('x-request-id');
  const id = given && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  next();
}
