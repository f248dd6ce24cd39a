// People (users, sessions) and machines (API clients): who may call the service.
import type { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock/clock.ts';
import { audit } from '../../platform/audit/audit.ts';
import { hashPassword, newToken, tokenHash, verifyPassword } from '../../platform/http/auth.ts';
import type { ClientRole, RequestContext, UserRole } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { inTransaction, isUniqueViolation } from '../../platform/db/transaction.ts';
import { bankSettlementCode, ensureAccounts } from '../ledger/index.ts';
import type { SoftwareHsm } from '../keys/index.ts';

export type UserView = {
  id: bigint;
  username: string;
  displayName: string;
  role: UserRole;
  disabled: boolean;
  createdAt: Date;
};

const toUser = (r: Record<string, any>): UserView => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  disabled: r.disabled,
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

export async function login(
  db: Knex,
  clock: Clock,
  ttlSeconds: number,
  username: string,
  password: string,
  ctx: Pick<RequestContext, 'ip' | 'requestId'>,
) {
  const user = await db('users').where({ username }).first();
  // verify against a dummy hash when the user is unknown so timing does not reveal which names exist
  const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
  if (!user || !ok || user.disabled) throw new AppError('bad-credentials', 'unknown user or wrong password');
  const token = newToken();
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  await inTransaction(db, async (trx) => {
    await trx('sessions').insert({
      token_hash: tokenHash(token),
      user_id: user.id,
      created_at: now,
      expires_at: expiresAt,
    });
    await audit(
      trx,
      {
        actor: { kind: 'user', id: String(user.id), userId: user.id, username: user.username, role: user.role },
        ...ctx,
      },
      { action: 'session.create', entity: 'user', entityId: user.id },
    );
  });
  return { token, expiresAt, user: toUser(user) };
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

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

export async function listClients(db: Knex): Promise<ClientView[]> {
  const rows = await db('api_clients').select('id', 'role', 'disabled', 'created_at').orderBy('id');
  return rows.map((r) => ({ id: r.id, role: r.role, disabled: r.disabled, createdAt: r.created_at }));
}
