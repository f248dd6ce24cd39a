// Route definitions. Every endpoint is declared once with its roles and its schemas; the same
// declaration drives authentication, role checks, validation, idempotency and the OpenAPI document,
// so an endpoint cannot exist without them.
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import type { AppContext, RequestContext, Role } from './context.ts';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

// body is sent as JSON; raw (with contentType) for text such as Prometheus metrics; stream (with
// contentType) for bodies too large to hold, piped as they are produced — gzipped when compress is
// set and the client accepts it. A stream's producer must do its fallible set-up before the handler
// returns: once the status line is sent, a failure can only cut the body short.
export type RouteResult = {
  status?: number;
  body?: unknown;
  raw?: string | Buffer;
  stream?: Readable;
  compress?: boolean;
  contentType?: string;
  headers?: Record<string, string>;
  /** Work the route leaves until its transaction (an idempotent POST's, which holds the handler's
   *  writes) has committed, run before the answer is sent: rows every request of its kind shares can
   *  then be locked for a short transaction of their own. A failure is logged and the committed
   *  answer still sent, so what it does must be marked in the transaction and finished by a job.
   *  (platform/db/transaction.ts afterCommit is for work the answer does not wait for.) */
  afterCommit?: () => Promise<void>;
};

// What a success answer is, declared by every route so that the OpenAPI document describes it and a
// client can be generated: a JSON body's zod schema (of the wire form: amounts and ids as integers,
// times as ISO strings), or the content type of a raw or streamed body, or no body at all (204).
export type RouteSuccess =
  | { response: z.ZodType; produces?: undefined; noContent?: undefined }
  | { produces: string | readonly string[]; response?: undefined; noContent?: undefined }
  | { noContent: true; response?: undefined; produces?: undefined };

export type RouteDef<P = any, Q = any, B = any> = RouteSuccess & {
  method: HttpMethod;
  path: string; // express syntax: /api/v1/customers/:customerId
  summary: string;
  tag: string;
  // 'public' only for logging in: everything else is authenticated
  roles: readonly Role[] | 'public';
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  // a compiled check of a large body (a lane batch of 1,000): returns what `body` would parse it to,
  // or undefined when it does not accept it — `body` then judges and words the refusal, so the two
  // need only agree on what they accept
  fastBody?: (value: unknown) => B | undefined;
  // at most this many of the route's requests worked on at once by one process (the others wait in
  // arrival order, after their authentication and before their body is checked): see gate.ts
  inProgressLimit?: (config: AppContext['config']) => number;
  // documented success status; the handler may still choose another 2xx
  status?: number;
  // reachable by a user who must change their password first (who am I, the change itself, log out)
  beforePasswordChange?: boolean;
  // machine POSTs are idempotent by default; set false only for read-only POSTs
  idempotent?: boolean;
  // the POST moves money (or decides a movement): staff must send an Idempotency-Key too, so a
  // double submit at the counter replays the first answer instead of moving the money twice
  moneyMoving?: boolean;
  // the handler keeps the Idempotency-Key itself, in the same statement as its change (the online
  // load's phases): it gets `idempotency` and answers with the stored JSON text (`raw`), marking a
  // replay with the Idempotent-Replayed header; same rules as the pipeline's (ICD §0)
  ownIdempotency?: boolean;
  handler: (
    ctx: RequestContext,
    input: { params: P; query: Q; body: B; idempotency?: IdempotencyInput },
  ) => Promise<RouteResult>;
};

/** An idempotent request's key, its owner (a client id, or user:<id>) and the request's hash. */
export type IdempotencyInput = { owner: string; key: string; hash: Buffer };

export function defineRoute<P, Q, B>(def: RouteDef<P, Q, B>): RouteDef<P, Q, B> {
  return def;
}

export function ok(body: unknown, status = 200): RouteResult {
  return { status, body };
}
