// The transaction helper. Services own their transaction and pass it down; repositories take
// the knex handle (possibly a transaction) as their first argument. Serialization failures
// and deadlocks are retried from the top, which is why the unit of work must be a function.
import type { Knex } from 'knex';

const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected
const MAX_ATTEMPTS = 5;

export function isRetryable(err: unknown): boolean {
  return RETRYABLE.has((err as { code?: string })?.code ?? '');
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

export type TxOptions = { isolationLevel?: 'read committed' | 'repeatable read' | 'serializable' };

// Runs work in a transaction. When db is already a transaction the work joins it (the caller
// owns commit and retry); otherwise a new transaction is opened and retried on 40001/40P01.
export async function inTransaction<T>(
  db: Knex,
  work: (trx: Knex.Transaction) => Promise<T>,
  opts: TxOptions = {},
): Promise<T> {
  if ((db as Knex.Transaction).isTransaction) return work(db as Knex.Transaction);
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work, opts.isolationLevel ? { isolationLevel: opts.isolationLevel } : undefined);
    } catch (err) {
      if (!isRetryable(err) || attempt >= MAX_ATTEMPTS) throw err;
      // jittered back-off so that two retried transactions do not collide again in lock-step
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 10 * attempt)));
    }
  }
}

/** Retries one self-contained statement (its own transaction, e.g. a server-side function that
 *  does a whole unit of work) on serialization failure or deadlock, like inTransaction. */
export async function retrying<T>(statement: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await statement();
    } catch (err) {
      if (!isRetryable(err) || attempt >= MAX_ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 10 * attempt)));
    }
  }
}

/** Runs work once the transaction db belongs to has committed (at once when db is no transaction):
 *  a job queued from inside a transaction must not run before what it needs is visible. A rolled
 *  back transaction runs nothing; a failure of the work goes to onError. */
export function afterCommit(db: Knex, work: () => Promise<void>, onError: (err: unknown) => void): Promise<void> {
  const trx = db as Knex.Transaction;
  if (!trx.isTransaction) return work().catch(onError);
  trx.executionPromise.then(
    () => work().catch(onError),
    () => {},
  );
  return Promise.resolve();
}
