// Passwords after the first: a user changes their own (ending their other sessions); an administrator
// resets someone else's to a one-time password that must be changed at the next login; a supervisor
// or administrator unlocks a user locked after too many failed logins.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { hashPassword, tokenHash, verifyPassword } from '../../platform/http/auth.ts';
import type { RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { accountLocked, recordFailure } from './login-guard.ts';
import { generatePassword, toUser, type UserView } from './service.ts';

export const PASSWORD_MIN_LENGTH = 10;

function weak(message: string): AppError {
  return new AppError('weak-password', `newPassword: ${message}`, 'newPassword');
}

function selfUser(ctx: RequestContext) {
  if (ctx.actor.kind !== 'user') throw new AppError('forbidden', 'only staff have passwords');
  return ctx.actor;
}

export async function changePassword(
  db: Knex,
  ctx: RequestContext,
  input: { currentPassword: string; newPassword: string },
): Promise<{ user: UserView; sessionsEnded: number }> {
  const me = selfUser(ctx);
  const now = ctx.app.clock.now();
  const { newPassword } = input;
  if ([...newPassword].length < PASSWORD_MIN_LENGTH) throw weak(`must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (newPassword.toLowerCase().includes(me.username.toLowerCase())) throw weak('must not contain the username');
  if (new Set(newPassword).size < 4) throw weak('must use at least 4 different characters');
  const row = await db('users').where({ id: me.userId }).first('password_hash', 'locked_at');
  if (row.locked_at) throw accountLocked();
  if (!(await verifyPassword(input.currentPassword, row.password_hash))) {
    // a guess at the current password counts like a failed login, so a stolen session cannot be
    // used to find the password; the refusal rolls back, the failure is recorded after
    const err = new AppError('wrong-password', 'currentPassword: not the current password', 'currentPassword');
    err.afterRollback = async (free) => {
      await recordFailure(free, ctx.app.config.login, ctx, {
        username: me.username,
        userId: me.userId,
        reason: 'wrong-current-password',
        now,
      });
    };
    throw err;
  }
  if (input.currentPassword === newPassword) throw weak('must differ from the current password');
  const hash = await hashPassword(newPassword);
  return inTransaction(db, async (trx) => {
    const [updated] = await trx('users')
      .where({ id: me.userId })
      .update({ password_hash: hash, must_change_password: false, password_changed_at: now, failed_logins: 0 })
      .returning('*');
    // every other session of this user ends: whoever else held one must now know the new password
    const ended = await trx('sessions')
      .where({ user_id: me.userId })
      .whereNull('revoked_at')
      .whereNot('token_hash', tokenHash(ctx.bearerToken ?? ''))
      .update({ revoked_at: now });
    await audit(trx, ctx, {
      action: 'user.password-change',
      entity: 'user',
      entityId: me.userId,
      detail: { sessionsEnded: ended },
    });
    return { user: toUser(updated), sessionsEnded: ended };
  });
}

export async function resetPassword(
  db: Knex,
  ctx: RequestContext,
  userId: bigint,
): Promise<{ user: UserView; password: string }> {
  if (ctx.actor.kind === 'user' && ctx.actor.userId === userId)
    throw new AppError('forbidden', 'change your own password with POST /api/v1/me/password');
  const password = generatePassword();
  const hash = await hashPassword(password);
  const now = ctx.app.clock.now();
  return inTransaction(db, async (trx) => {
    const before = await trx('users').where({ id: userId }).forUpdate().first('locked_at');
    if (!before) throw new AppError('not-found', `no user ${userId}`);
    // the new password also lifts a lock: the administrator has just handed out the only valid one
    const [row] = await trx('users')
      .where({ id: userId })
      .update({
        password_hash: hash,
        must_change_password: true,
        password_changed_at: now,
        failed_logins: 0,
        locked_at: null,
      })
      .returning('*');
    const ended = await trx('sessions').where({ user_id: userId }).whereNull('revoked_at').update({ revoked_at: now });
    await audit(trx, ctx, {
      action: 'user.password-reset',
      entity: 'user',
      entityId: userId,
      detail: { sessionsEnded: ended, unlocked: before.locked_at !== null },
    });
    return { user: toUser(row), password };
  });
}

export async function unlockUser(db: Knex, ctx: RequestContext, userId: bigint): Promise<UserView> {
  return inTransaction(db, async (trx) => {
    const before = await trx('users').where({ id: userId }).forUpdate().first('role', 'locked_at', 'failed_logins');
    if (!before) throw new AppError('not-found', `no user ${userId}`);
    if (ctx.actor.kind === 'user' && ctx.actor.userId === userId)
      throw new AppError('forbidden', 'a locked account is unlocked by someone else');
    if (before.role === 'admin' && ctx.actor.role !== 'admin')
      throw new AppError('forbidden', 'only an administrator unlocks an administrator');
    if (before.locked_at === null) throw new AppError('user-not-locked', `user ${userId} is not locked`);
    const [row] = await trx('users').where({ id: userId }).update({ failed_logins: 0, locked_at: null }).returning('*');
    await audit(trx, ctx, {
      action: 'user.unlock',
      entity: 'user',
      entityId: userId,
      detail: { lockedAt: before.locked_at, failedLogins: before.failed_logins },
    });
    return toUser(row);
  });
}
