// Guessing passwords: failed logins are counted in the database (so the limits hold however many API
// processes run) per user and per address. A user with maxFailures consecutive failures is locked
// until a supervisor or administrator unlocks them (403 account-locked); an address with
// addressMaxFailures failures within the window is refused for the rest of it (429 rate-limited,
// Retry-After). A refused attempt is not checked against the password and changes nothing, so
// hammering a locked account costs the centre one read, not an scrypt and a write.
import type { Knex } from 'knex';
import type { LoginConfig } from '../../config.ts';
import { audit } from '../../platform/audit/audit.ts';
import type { RequestContext } from '../../platform/http/context.ts';
import { AppError, retryLater } from '../../platform/http/errors.ts';
import { inTransaction } from '../../platform/db/transaction.ts';

// failures by a name nobody has are kept this long: within it an unknown name is "locked" exactly
// like a real one, so a lock does not tell which names exist
const NAME_MEMORY_MS = 24 * 3600 * 1000;

type Ctx = Pick<RequestContext, 'actor' | 'ip' | 'requestId'>;

// Seconds until the address may try again, or 0 when it may now.
export async function addressRetryAfter(db: Knex, cfg: LoginConfig, ip: string, now: Date): Promise<number> {
  const windowMs = cfg.addressWindowSeconds * 1000;
  // the addressMaxFailures-th most recent failure in the window: the address is free once it leaves
  const row = await db('login_failures')
    .where({ ip })
    .where('at', '>', new Date(now.getTime() - windowMs))
    .orderBy('at', 'desc')
    .offset(cfg.addressMaxFailures - 1)
    .first('at');
  if (!row) return 0;
  return Math.max(1, Math.ceil((new Date(row.at).getTime() + windowMs - now.getTime()) / 1000));
}

export const rateLimited = (seconds: number): AppError =>
  retryLater('rate-limited', `too many failed logins from this address; try again in ${seconds} s`, seconds);

export const accountLocked = () =>
  new AppError('account-locked', 'this account is locked after too many failed logins; a supervisor can unlock it');

// Whether a login for this name is refused as locked: the user's lock, or for a name nobody has,
// as many recent failures as would have locked it.
export async function nameLocked(
  db: Knex,
  cfg: LoginConfig,
  user: { locked_at: Date | null } | undefined,
  username: string,
  now: Date,
): Promise<boolean> {
  if (user) return user.locked_at !== null;
  const [{ n }] = await db('login_failures')
    .where({ username })
    .where('at', '>', new Date(now.getTime() - NAME_MEMORY_MS))
    .count({ n: '*' });
  return Number(n) >= cfg.maxFailures;
}

export type FailureReason = 'unknown-user' | 'wrong-password' | 'disabled' | 'wrong-current-password';

// Records one failed password check: the address's and the name's count, the user's consecutive
// failures (locking the user at maxFailures), and the audit trail. Never the password tried.
export async function recordFailure(
  db: Knex,
  cfg: LoginConfig,
  ctx: Ctx,
  attempt: { username: string; userId: bigint | undefined; reason: FailureReason; now: Date },
): Promise<{ locked: boolean }> {
  return inTransaction(db, async (trx) => {
    await trx('login_failures').insert({ at: attempt.now, ip: ctx.ip, username: attempt.username });
    // keep the table small: what no limit looks at any more goes
    await trx('login_failures')
      .where('at', '<', new Date(attempt.now.getTime() - Math.max(NAME_MEMORY_MS, cfg.addressWindowSeconds * 1000)))
      .delete();
    let locked = false;
    if (attempt.userId !== undefined) {
      // row lock: two failures at once count twice and lock once
      const before = await trx('users').where({ id: attempt.userId }).forUpdate().first('failed_logins', 'locked_at');
      const failures = before.failed_logins + 1;
      locked = before.locked_at === null && failures >= cfg.maxFailures;
      await trx('users')
        .where({ id: attempt.userId })
        .update({ failed_logins: failures, ...(locked ? { locked_at: attempt.now } : {}) });
      await audit(trx, ctx, {
        action: 'session.refuse',
        entity: 'user',
        entityId: attempt.userId,
        detail: { username: attempt.username, reason: attempt.reason, consecutiveFailures: failures },
      });
      if (locked)
        await audit(trx, ctx, {
          action: 'user.lock',
          entity: 'user',
          entityId: attempt.userId,
          detail: { consecutiveFailures: failures },
        });
    } else {
      await audit(trx, ctx, {
        action: 'session.refuse',
        entity: 'login',
        entityId: attempt.username,
        detail: { username: attempt.username, reason: attempt.reason },
      });
    }
    return { locked };
  });
}
