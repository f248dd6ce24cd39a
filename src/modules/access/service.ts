// People (users, sessions) and machines (API clients): who may call the service.
import type { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock/clock.ts';
import type { Config } from '../../config.ts';
import { accountLocked, addressRetryAfter, nameLocked, rateLimited, recordFailure } from './login-guard.ts';
import { audit } from '../../platform/audit/audit.ts';
import { hashPassword, newToken, tokenHash, verifyPassword } from '../../platform/http/auth.ts';
import type { RequestContext } from '../../platform/http/context.ts';
import type { ClientRole, UserRole } from './roles.ts';
import { AppError } from '../../platform/http/errors.ts';
import { inTransaction, isUniqueViolation } from '../../platform/db/transaction.ts';
import { bankSettlementCode, ensureAccounts } from '../ledger/index.ts';
import type { SoftwareHsm } from '../keys/index.ts';
import { getLane } from '../lanes/index.ts';

export type UserView = {
  id: bigint;
  username: string;
  displayName: string;
  role: UserRole;
  disabled: boolean;
  // locked after too many failed logins, until a supervisor or administrator unlocks
  locked: boolean;
  // set by an administrator's reset: nothing but a password change is allowed until it is done
  mustChangePassword: boolean;
  createdAt: Date;
};

export const toUser = (r: Record<string, any>): UserView => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  disabled: r.disabled,
  locked: r.locked_at !== null && r.locked_at !== undefined,
  mustChangePassword: r.must_change_password === true,
  createdAt: r.created_at,
});

// A generated password: 18 random bytes, base64url (24 characters). Shown once, never stored.
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

export async function createUser(
  db: Knex,
  ctx: RequestContext | null,
  input: { username: string; displayName: string; role: UserRole; password?: string },
): Promise<{ user: UserView; password: string }> {
  const password = input.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  return inTransaction(db, async (trx) => {
    try {
      const [row] = await trx('users')
        .insert({
          username: input.username,
          display_name: input.displayName,
          role: input.role,
          password_hash: passwordHash,
        })
        .returning('*');
      await audit(trx, ctx, {
        action: 'user.create',
        entity: 'user',
        entityId: row.id,
        detail: { username: row.username, role: row.role },
      });
      return { user: toUser(row), password };
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('conflict', `user ${input.username} already exists`, 'username');
      throw err;
    }
  });
}

export async function findUser(db: Knex, username: string): Promise<UserView | null> {
  const row = await db('users').where({ username }).first();
  return row ? toUser(row) : null;
}

export async function findUserById(db: Knex, id: bigint): Promise<UserView | null> {
  const row = await db('users').where({ id }).first();
  return row ? toUser(row) : null;
}

/** Usernames by user id, for the ids that exist (one query). */
export async function usernamesByIds(db: Knex, ids: bigint[]): Promise<Map<bigint, string>> {
  if (!ids.length) return new Map();
  const rows = await db('users')
    .whereIn('id', [...new Set(ids)].map(String))
    .select('id', 'username');
  return new Map(rows.map((r) => [BigInt(r.id), r.username as string]));
}

/** Display names of the staff behind actor labels (`user:<username>`); other labels get none. */
export async function displayNamesOfActors(db: Knex, labels: string[]): Promise<Map<string, string>> {
  const usernames = [...new Set(labels.filter((l) => l.startsWith('user:')).map((l) => l.slice(5)))];
  if (!usernames.length) return new Map();
  const rows = await db('users').whereIn('username', usernames).select('username', 'display_name');
  return new Map(rows.map((r) => [`user:${r.username}`, r.display_name as string]));
}

export async function listUsers(db: Knex): Promise<UserView[]> {
  return (await db('users').select('*').orderBy('id')).map(toUser);
}

export async function setUserDisabled(
  db: Knex,
  ctx: RequestContext,
  userId: bigint,
  disabled: boolean,
): Promise<UserView> {
  return inTransaction(db, async (trx) => {
    const [row] = await trx('users').where({ id: userId }).update({ disabled }).returning('*');
    if (!row) throw new AppError('not-found', `no user ${userId}`);
    if (disabled)
      await trx('sessions')
        .where({ user_id: userId })
        .whereNull('revoked_at')
        .update({ revoked_at: ctx.app.clock.now() });
    await audit(trx, ctx, { action: disabled ? 'user.disable' : 'user.enable', entity: 'user', entityId: userId });
    return toUser(row);
  });
}

// Logging in. A throttled address or a locked name is refused before the password is looked at
// (login-guard.ts); a failed check is counted and audited; a success clears the user's count.
export async function login(
  db: Knex,
  clock: Clock,
  config: Pick<Config, 'sessionTtlSeconds' | 'login'>,
  username: string,
  password: string,
  ctx: Pick<RequestContext, 'actor' | 'ip' | 'requestId'>,
) {
  const now = clock.now();
  const retryAfter = await addressRetryAfter(db, config.login, ctx.ip, now);
  if (retryAfter > 0) throw rateLimited(retryAfter);
  const user = await db('users').where({ username }).first();
  if (await nameLocked(db, config.login, user, username, now)) throw accountLocked();
  // verify against a dummy hash when the user is unknown so timing does not reveal which names exist
  const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
  if (!user || !ok || user.disabled) {
    const reason = !user ? 'unknown-user' : !ok ? 'wrong-password' : 'disabled';
    await recordFailure(db, config.login, ctx, { username, userId: user?.id, reason, now });
    throw new AppError('bad-credentials', 'unknown user or wrong password');
  }
  const ttlSeconds = config.sessionTtlSeconds;
  const token = newToken();
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  await inTransaction(db, async (trx) => {
    await trx('sessions').insert({
      token_hash: tokenHash(token),
      user_id: user.id,
      created_at: now,
      expires_at: expiresAt,
    });
    if (user.failed_logins > 0) await trx('users').where({ id: user.id }).update({ failed_logins: 0 });
    await audit(
      trx,
      {
        ip: ctx.ip,
        requestId: ctx.requestId,
        actor: { kind: 'user', id: String(user.id), userId: user.id, username: user.username, role: user.role },
      },
      { action: 'session.create', entity: 'user', entityId: user.id },
    );
  });
  return { token, expiresAt, user: toUser(user) };
}

export const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export async function logout(db: Knex, ctx: RequestContext, token: string): Promise<void> {
  await inTransaction(db, async (trx) => {
    await trx('sessions')
      .where({ token_hash: tokenHash(token) })
      .whereNull('revoked_at')
      .update({ revoked_at: ctx.app.clock.now() });
    await audit(trx, ctx, { action: 'session.revoke', entity: 'user', entityId: ctx.actor.id });
  });
}

export type ClientView = { id: string; role: ClientRole; disabled: boolean; createdAt: Date };

// Creates a machine client and returns its HMAC secret once. A bank client also gets its
// settlement account in the ledger, so its loads and fees have somewhere to post.
export async function createClient(
  db: Knex,
  hsm: SoftwareHsm,
  ctx: RequestContext | null,
  input: { id: string; role: ClientRole },
): Promise<{ client: ClientView; secret: string }> {
  const secret = randomBytes(32).toString('hex');
  return inTransaction(db, async (trx) => {
    try {
      const [row] = await trx('api_clients')
        .insert({
          id: input.id,
          role: input.role,
          secret_sealed: hsm.seal('client-secret', Buffer.from(secret, 'utf8')),
        })
        .returning(['id', 'role', 'disabled', 'created_at']);
      if (input.role === 'bank')
        await ensureAccounts(trx, [
          { code: bankSettlementCode(input.id), name: `Settlement account with bank ${input.id}`, kind: 'asset' },
        ]);
      await audit(trx, ctx, {
        action: 'client.create',
        entity: 'api_client',
        entityId: input.id,
        detail: { role: input.role },
      });
      return { client: { id: row.id, role: row.role, disabled: row.disabled, createdAt: row.created_at }, secret };
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('conflict', `client ${input.id} already exists`, 'id');
      throw err;
    }
  });
}

// A client admitted from outside (the admin route, etc clients add): a lane client's id is its lane
// id, so the lane must exist — a client for a lane that does not would be refused by every lane
// endpoint. createClient alone stays the storage step (test fixtures make clients of lanes that
// are gone on purpose).
export async function addClient(
  db: Knex,
  hsm: SoftwareHsm,
  ctx: RequestContext | null,
  input: { id: string; role: ClientRole },
): Promise<{ client: ClientView; secret: string }> {
  if (input.role === 'lane' && !(await getLane(db, input.id)))
    throw new AppError('lane-not-found', `no lane ${input.id}: a lane client's id must be an existing lane id`, 'id');
  return createClient(db, hsm, ctx, input);
}

export async function listClients(db: Knex): Promise<ClientView[]> {
  const rows = await db('api_clients').select('id', 'role', 'disabled', 'created_at').orderBy('id');
  return rows.map((r) => ({ id: r.id, role: r.role, disabled: r.disabled, createdAt: r.created_at }));
}
