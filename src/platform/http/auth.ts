// Authentication. People: bearer sessions (token → SHA-256 → sessions row). Machines: HMAC-SHA256
// over METHOD \n PATH_WITH_QUERY \n X-Timestamp \n hex(SHA256(body)), within ±300 s (ICD §0).
import { perDatabase } from '../db/per-database.ts';
import type { Knex } from 'knex';
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Clock } from '../clock/clock.ts';
import type { SoftwareHsm } from '../../modules/keys/index.ts';
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
  return `${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${createHash('sha256').update(body).digest('hex')}`;
}

type Headers = Record<string, string | string[] | undefined>;
const header = (h: Headers, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

// Client rows are read on every machine request; a short cache saves a round trip per request.
// Disabling a client takes effect within CLIENT_CACHE_MS.
const CLIENT_CACHE_MS = 5000;
type ClientRow = { id: string; role: 'bank' | 'lane' | 'province'; secret_sealed: Buffer; disabled: boolean };
const clientCaches = perDatabase(() => new Map<string, { row: ClientRow | undefined; until: number }>());

async function clientRow(db: Knex, clock: Clock, id: string): Promise<ClientRow | undefined> {
  const now = clock.now().getTime();
  const clientCache = clientCaches(db);
  const hit = clientCache.get(id);
  if (hit && hit.until > now && hit.row) return hit.row;
  const row = await db('api_clients').where({ id }).first('id', 'role', 'secret_sealed', 'disabled');
  // unknown ids are not cached, so a client created a moment ago is found at once
  if (row) {
    if (clientCache.size > 10_000) clientCache.clear();
    clientCache.set(id, { row, until: now + CLIENT_CACHE_MS });
  }
  return row;
}

export async function authenticate(
  db: Knex,
  hsm: SoftwareHsm,
  clock: Clock,
  req: { method: string; originalUrl: string; headers: Headers; rawBody?: Buffer },
): Promise<Actor> {
  const clientId = header(req.headers, 'x-client-id');
  if (clientId !== undefined) return authenticateClient(db, hsm, clock, clientId, req);
  const auth = header(req.headers, 'authorization');
  if (!auth) throw new AppError('unauthenticated', 'authentication required: a bearer session or a signed request');
  const m = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(auth);
  if (!m) throw new AppError('unauthenticated', 'malformed Authorization header');
  const row = await db('sessions as s')
    .join('users as u', 'u.id', 's.user_id')
    .where('s.token_hash', tokenHash(m[1]))
    .first('s.expires_at', 's.revoked_at', 'u.id', 'u.username', 'u.role', 'u.disabled', 'u.must_change_password');
  if (!row || row.revoked_at || row.disabled) throw new AppError('unauthenticated', 'unknown or revoked session');
  if (new Date(row.expires_at).getTime() <= clock.now().getTime())
    throw new AppError('session-expired', 'the session has expired; log in again');
  const user: Actor = { kind: 'user', id: String(row.id), userId: row.id, username: row.username, role: row.role };
  if (row.must_change_password) user.mustChangePassword = true;
  return user;
}

async function authenticateClient(
  db: Knex,
  hsm: SoftwareHsm,
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
  const client = await clientRow(db, clock, clientId);
  if (!client || client.disabled) throw new AppError('unknown-client', 'unknown or disabled client');
  const message = stringToSign(req.method, req.originalUrl, ts, req.rawBody ?? Buffer.alloc(0));
  if (!hsm.verifyHmac(client.secret_sealed, message, sig))
    throw new AppError('bad-signature', 'request signature does not verify');
  return { kind: 'client', id: client.id, role: client.role };
}
