// One error type for the whole service. Codes are stable kebab-case strings that clients
// (banks, lanes, provinces, the console) may branch on; the HTTP status follows from the code
// in exactly one place: httpResponseFromError.

// The platform owns only the mechanism and the generic codes its pipeline needs. Each module owns
// its codes in its own errors.ts: it adds them to the ErrorCodes interface (declaration merging, so
// `new AppError('card-not-found', …)` stays type-checked) and registers their statuses when it loads.
import { poolTimedOut } from '../db/connection-errors.ts';

export interface ErrorCodes {
  'invalid-request': 400;
  unauthenticated: 401;
  'bad-signature': 401;
  'stale-timestamp': 401;
  forbidden: 403;
  'not-found': 404;
  conflict: 409;
  'idempotency-conflict': 409;
  'idempotency-key-required': 400;
  'payload-too-large': 413;
  'unsupported-media-type': 415;
  'business-rule': 422;
  'amount-out-of-range': 422;
  'rate-limited': 429;
  internal: 500;
  unavailable: 503;
}

export type ErrorCode = keyof ErrorCodes;

// The platform's own codes (the status of each is its type in ErrorCodes above).
export const ERROR_STATUS = {
  'invalid-request': 400,
  unauthenticated: 401,
  'bad-signature': 401,
  'stale-timestamp': 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'idempotency-conflict': 409,
  'idempotency-key-required': 400,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'business-rule': 422,
  'amount-out-of-range': 422,
  'rate-limited': 429,
  internal: 500,
  unavailable: 503,
} as const satisfies { [C in keyof ErrorCodes]?: ErrorCodes[C] };

const registry = new Map<string, { status: number; owner: string }>();

/**
 * A module's codes and their HTTP statuses, registered when the module loads. A code belongs to one
 * owner: a second owner claiming it is a programming error and stops the start.
 */
export function registerErrorCodes(owner: string, codes: { readonly [code: string]: number }): void {
  for (const [code, status] of Object.entries(codes)) {
    const had = registry.get(code);
    if (had && had.owner !== owner) throw new Error(`error code ${code} is claimed by both ${had.owner} and ${owner}`);
    registry.set(code, { status, owner });
  }
}

registerErrorCodes('platform', ERROR_STATUS);

/** Every registered code with its status and owner (the OpenAPI document and the tests read it). */
export function registeredErrorCodes(): ReadonlyMap<string, { status: number; owner: string }> {
  return registry;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  // A refusal that must still leave a trace (e.g. a load whose TAC failed is flagged for review):
  // the request's transaction is rolled back as for any refusal, then this runs on its own.
  afterRollback: ((db: import('knex').Knex) => Promise<void>) | undefined;
  // sent as Retry-After with a 429 or 503
  retryAfterSeconds: number | undefined;
  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.field = field;
  }
}

export const invalid = (field: string, message: string) =>
  new AppError('invalid-request', `${field}: ${message}`, field);

/** A refusal the client may repeat after `seconds` (429 or 503, answered with Retry-After). */
export function retryLater(code: 'rate-limited' | 'unavailable', message: string, seconds: number): AppError {
  const e = new AppError(code, message);
  e.retryAfterSeconds = seconds;
  return e;
}

export type ErrorBody = { error: { code: string; message: string; field?: string } };

// Anything that is not an AppError is an internal fault: the client gets a generic message
// (never SQL, stack or key material), the log gets the detail. The exceptions are the body reader's
// refusals and a pool with no free connection in time (503), each answered for what it is.
export function httpResponseFromError(err: unknown): {
  status: number;
  body: ErrorBody;
  internal: boolean;
  retryAfterSeconds?: number; // sent as Retry-After
} {
  if (err instanceof AppError) {
    const body: ErrorBody = { error: { code: err.code, message: err.message } };
    if (err.field) body.error.field = err.field;
    const known = registry.get(err.code);
    // a code nobody registered is a programming error: answer as for any internal fault
    if (!known)
      return { status: 500, body: { error: { code: 'internal', message: 'internal error' } }, internal: true };
    return { status: known.status, body, internal: false, retryAfterSeconds: err.retryAfterSeconds };
  }
  const e = err as { type?: string; status?: number };
  // every connection of the process's pool (ETC_DB_POOL_SIZE) stayed busy for the acquire timeout:
  // the statement never reached the database. A capacity condition, not a fault: answered so that a
  // client retries (machine POSTs are idempotent), and still logged for the operator.
  if (poolTimedOut(err)) {
    const busy = retryLater('unavailable', 'the database is busy: try again shortly', 1);
    return { ...httpResponseFromError(busy), internal: true };
  }
  // body-parser failures arrive as plain errors with a type; map them without echoing input
  if (e && e.type === 'entity.too.large') {
    return {
      status: 413,
      body: { error: { code: 'payload-too-large', message: 'request body too large' } },
      internal: false,
    };
  }
  if (e && e.type === 'entity.parse.failed') {
    return {
      status: 400,
      body: { error: { code: 'invalid-request', message: 'body: malformed JSON' } },
      internal: false,
    };
  }
  // a gzip or deflate body that does not inflate (zlib's own error, passed on by the body reader)
  if (
    e &&
    e.status === 400 &&
    typeof (e as { code?: unknown }).code === 'string' &&
    /^Z_/.test((e as { code: string }).code)
  ) {
    return {
      status: 400,
      body: { error: { code: 'invalid-request', message: 'body: malformed content encoding' } },
      internal: false,
    };
  }
  // the router could not percent-decode a path parameter (e.g. %ED%A0%80, not UTF-8)
  if (err instanceof URIError && e.status === 400) {
    return {
      status: 400,
      body: { error: { code: 'invalid-request', message: 'path: malformed percent-encoding' } },
      internal: false,
    };
  }
  if ((e && typeof e.type === 'string' && e.type.startsWith('charset')) || e?.type === 'encoding.unsupported') {
    return {
      status: 415,
      body: { error: { code: 'unsupported-media-type', message: 'unsupported body encoding' } },
      internal: false,
    };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'internal error' } }, internal: true };
}
