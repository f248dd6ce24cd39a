// Idempotent machine POSTs (ICD §0). The key is claimed by an insert in the same transaction as
// the business change: a concurrent duplicate blocks on the unique key until the first commits,
// then finds the stored answer. A different body under the same key is refused.
import type { Knex } from 'knex';
import { createHash } from 'node:crypto';
import { inTransaction } from '../db/transaction.ts';
import { AppError } from './errors.ts';
import type { RouteResult } from './route.ts';
import { DAY_MS } from '../clock/clock.ts';

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

export function requestHash(method: string, path: string, body: Buffer): Buffer {
  return createHash('sha256').update(`${method.toUpperCase()}\n${path}\n`).update(body).digest();
}

// the answer's JSON text, exactly as first sent: a replay sends these bytes again
export type StoredAnswer = { status: number; text: string; replayed: boolean; afterCommit?: () => Promise<void> };

export async function runIdempotent(
  db: Knex,
  clientId: string, // the key's owner: a client id, or user:<id>
  key: string,
  hash: Buffer,
  work: (trx: Knex.Transaction) => Promise<RouteResult>,
  serialise: (body: unknown) => string,
): Promise<StoredAnswer> {
  // the attempt that committed is the one whose work is left to do (a retried transaction runs again)
  let afterCommit: (() => Promise<void>) | undefined;
  const answer = await inTransaction(db, async (trx): Promise<StoredAnswer> => {
    afterCommit = undefined;
    const claimed = await trx('idempotency_keys')
      .insert({ client_id: clientId, idem_key: key, request_hash: hash, response_status: 0, response_body: '{}' })
      .onConflict(['client_id', 'idem_key'])
      .ignore()
      .returning('client_id');
    if (claimed.length === 0) {
      const prior = await trx('idempotency_keys').where({ client_id: clientId, idem_key: key }).first();
      if (!Buffer.from(prior.request_hash).equals(hash)) {
        throw new AppError('idempotency-conflict', 'this Idempotency-Key was used with a different request');
      }
      return { status: prior.response_status, text: prior.response_body, replayed: true };
    }
    const result = await work(trx);
    afterCommit = result.afterCommit;
    const status = result.status ?? 200;
    const text = serialise(result.body ?? null);
    await trx('idempotency_keys')
      .where({ client_id: clientId, idem_key: key })
      .update({ response_status: status, response_body: text });
    return { status, text, replayed: false };
  });
  return afterCommit ? { ...answer, afterCommit } : answer;
}

// ICD §0 keeps keys at least 7 days; older ones are removed so the table does not grow without end
// (lanes heartbeat every minute, each with a key).
export const IDEMPOTENCY_RETENTION_DAYS = 8;

export async function purgeIdempotencyKeys(db: Knex, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - IDEMPOTENCY_RETENTION_DAYS * DAY_MS);
  return db('idempotency_keys').where('created_at', '<', cutoff).del();
}
