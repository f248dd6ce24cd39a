// Authentication. People: bearer sessions (token → SHA-256 → sessions row). Machines: HMAC-SHA256
// over METHOD \n PATH_WITH_QUERY \n X-Timestamp \n hex(SHA256(body)), within ±300 s (ICD §0).
import type { Knex } from 'knex';
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Clock } from '../clock/clock.ts';
import { AppError } from './errors.ts';
import type { Actor } from './context.ts';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;
const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
export const REPLAY_WINDOW_MS = 300_000;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return timingSafeEqual(actual, expected);
}

export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function stringToSign(method: string, pathWithQuery: string, timestamp: string, body: Buffer): string {
  return signingString(method, pathWithQuery, timestamp, createHash('sha256').update(body).digest('hex'));
}

/** The same string from the body's SHA-256 (hex), for a sender that hashed its body once before. */
export function signingString(method: string, pathWithQuery: string, timestamp: string, bodySha256: string): string {
  return `${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${bodySha256}`;
}

type Headers = Record<string, string | string[] | undefined>;
const header = (h: Headers, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Who the callers are: provided by the access module when the app is built (it owns users, sessions
 * and machine clients); the platform only reads the headers, keeps the replay window and checks the
 * signature over the string to sign.
 */
export type Authenticator = {
  /** The person holding a bearer token; throws when the session is unknown, revoked or expired. */
  session(db: Knex, tokenHash: Buffer, now: Date): Promise<Actor>;
  /** A machine client and the check of its signature; throws when the client is unknown or disabled. */
  client(
    db: Knex,
    clientId: string,
    now: Date,
  ): Promise<{ actor: Actor; verifySignature(message: string, signature: string): boolean }>;
};

export async function authenticate(
  db: Knex,
  authn: Authenticator,
  clock: Clock,
  req: { method: string; originalUrl: string; headers: Headers; rawBody?: Buffer },
): Promise<Actor> {
  const clientId = header(req.headers, 'x-client-id');
  if (clientId !== undefined) return authenticateClient(db, authn, clock, clientId, req);
  const auth = header(req.headers, 'authorization');
  if (!auth) throw new AppError('unauthenticated', 'authentication required: a bearer session or a signed request');
  const m = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(auth);
  if (!m) throw new AppError('unauthenticated', 'malformed Authorization header');
  return authn.session(db, tokenHash(m[1]), clock.now());
}

async function authenticateClient(
  db: Knex,
  authn: Authenticator,
  clock: Clock,
  clientId: string,
  req: { method: string; originalUrl: string; headers: Headers; rawBody?: Buffer },
): Promise<Actor> {
  const ts = header(req.headers, 'x-timestamp');
  const sig = header(req.headers, 'x-signature');
  if (!ts || !sig) throw new AppError('bad-signature', 'X-Timestamp and X-Signature are required with X-Client-Id');
  if (!/^\d{1,16}$/.test(ts)) throw new AppError('stale-timestamp', 'X-Timestamp must be unix milliseconds');
  if (Math.abs(clock.now().getTime() - Number(ts)) > REPLAY_WINDOW_MS)
    throw new AppError('stale-timestamp', 'X-Timestamp is more than 300 s from the centre clock');
  const client = await authn.client(db, clientId, clock.now());
  const message = stringToSign(req.method, req.originalUrl, ts, req.rawBody ?? Buffer.alloc(0));
  if (!client.verifySignature(message, sig)) throw new AppError('bad-signature', 'request signature does not verify');
  return client.actor;
}
