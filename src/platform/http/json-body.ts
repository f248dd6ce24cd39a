// Request bodies are read once, as bytes. Machine signatures and idempotency hashes are over those
// exact bytes (`rawBody`), and JSON is parsed from the same buffer: no second copy of the body, no
// decoder pass. A lane batch is ~300 kB, so each copy and each pass showed in the ingest profile.
import express, { type NextFunction, type Request, type Response } from 'express';
import { parseJsonBytes } from './json-bytes.ts';

type RawRequest = Request & { rawBody?: Buffer };

function bodyError(status: number, type: string, message: string): Error {
  return Object.assign(new Error(message), { status, type, expose: true });
}

// utf-8 is JSON's own encoding (RFC 8259 §8.1); a request naming another charset is refused, as the
// earlier parser did, rather than parsed as if it were utf-8.
function charsetOf(req: Request): string | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(req.get('content-type') ?? '');
  return m?.[1].toLowerCase();
}

function parseJson(raw: Buffer): unknown {
  let start = 0;
  if (raw.length >= 3 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) start = 3; // BOM
  while (
    start < raw.length &&
    (raw[start] === 0x20 || raw[start] === 0x09 || raw[start] === 0x0a || raw[start] === 0x0d)
  )
    start++;
  if (start === raw.length) return {};
  // strict: only an object or an array at the top, as before
  if (raw[start] !== 0x7b && raw[start] !== 0x5b) throw bodyError(400, 'entity.parse.failed', 'malformed JSON');
  try {
    return parseJsonBytes(raw, start);
  } catch {
    throw bodyError(400, 'entity.parse.failed', 'malformed JSON');
  }
}

function jsonFromRawBody(req: Request, _res: Response, next: NextFunction): void {
  const raw = req.body as unknown;
  if (!Buffer.isBuffer(raw)) {
    // no body was read (no content, or a method without one): nothing to keep or parse
    req.body = undefined;
    return next();
  }
  (req as RawRequest).rawBody = raw;
  req.body = undefined;
  if (!req.is('application/json')) return next(); // the pipeline answers 415 for other types
  const charset = charsetOf(req);
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
    return next(bodyError(415, 'charset.unsupported', 'unsupported charset'));
  // parsed when first read: the router reads it once the request is authenticated and, on a route
  // with a cap on requests in progress, once its turn has come (gate.ts), so that a request refused
  // or waiting holds its bytes and not the objects of a thousand transactions; a malformed body
  // throws there, answered 400 as before
  let parsed: { value: unknown } | { error: unknown } | undefined;
  Object.defineProperty(req, 'body', {
    configurable: true,
    enumerable: true,
    get() {
      if (parsed === undefined) {
        try {
          parsed = { value: parseJson(raw) };
        } catch (error) {
          parsed = { error };
        }
      }
      if ('error' in parsed) throw parsed.error;
      return parsed.value;
    },
    set(value: unknown) {
      parsed = { value };
    },
  });
  next();
}

/** The body middleware: the bytes kept as `rawBody`, JSON bodies parsed into `body` when it is first read. */
export function requestBody(limit: string): express.RequestHandler[] {
  return [express.raw({ type: () => true, limit }), jsonFromRawBody];
}
