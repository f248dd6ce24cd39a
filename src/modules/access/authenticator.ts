// The access module's answer to "who is calling": bearer sessions against users and sessions, and
// machine clients against api_clients with their sealed HMAC secrets. The platform's pipeline calls
// it (src/platform/http/auth.ts) and never reads these tables itself.
import type { Knex } from 'knex';
import type { Authenticator } from '../../platform/http/auth.ts';
import { perDatabase } from '../../platform/db/per-database.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { Actor } from '../../platform/http/context.ts';
import type { SoftwareHsm } from '../keys/index.ts';
import type { ClientRole } from './roles.ts';

// Client rows are read on every machine request; a short cache saves a round trip per request.
// Disabling a client takes effect within CLIENT_CACHE_MS.
const CLIENT_CACHE_MS = 5000;
type ClientRow = { id: string; role: ClientRole; secret_sealed: Buffer; disabled: boolean };
const clientCaches = perDatabase(() => new Map<string, { row: ClientRow | undefined; until: number }>());

async function clientRow(db: Knex, now: number, id: string): Promise<ClientRow | undefined> {
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

export function accessAuthenticator(hsm: SoftwareHsm): Authenticator {
  return {
    async session(db, tokenHash, now) {
      const row = await db('sessions as s')
        .join('users as u', 'u.id', 's.user_id')
        .where('s.token_hash', tokenHash)
        .first('s.expires_at', 's.revoked_at', 'u.id', 'u.username', 'u.role', 'u.disabled', 'u.must_change_password');
      if (!row || row.revoked_at || row.disabled) throw new AppError('unauthenticated', 'unknown or revoked session');
      if (new Date(row.expires_at).getTime() <= now.getTime())
        throw new AppError('session-expired', 'the session has expired; log in again');
      const user: Actor = { kind: 'user', id: String(row.id), userId: row.id, username: row.username, role: row.role };
      if (row.must_change_password) user.mustChangePassword = true;
      return user;
    },
    async client(db, clientId, now) {
      const client = await clientRow(db, now.getTime(), clientId);
      if (!client || client.disabled) throw new AppError('unknown-client', 'unknown or disabled client');
      return {
        actor: { kind: 'client', id: client.id, role: client.role },
        verifySignature: (message, signature) => hsm.verifyHmac(client.secret_sealed, message, signature),
      };
    },
  };
}
