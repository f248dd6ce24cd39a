// The readiness probe (GET /readyz): can this process serve? The database answers, the queue's Redis
// answers, and the key service still opens every master key of the store under its KEK (a yes or no;
// nothing about a key leaves). Each check has a bound, so a dead dependency makes the probe say 503
// quickly instead of hanging it. Liveness (/healthz) stays the cheaper up/down of database and queue.
import type { AppContext } from '../../platform/http/context.ts';

export type CheckStatus = 'up' | 'down';
export type Readiness = {
  ready: boolean;
  checks: { database: CheckStatus; queue: CheckStatus; keys: CheckStatus };
};

const CHECK_TIMEOUT_MS = 2000;

function within(ms: number, work: () => Promise<boolean>): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    work().then(
      (ok) => {
        clearTimeout(timer);
        resolve(ok);
      },
      () => {
        clearTimeout(timer);
        resolve(false);
      },
    );
  });
}

export async function readiness(app: AppContext, timeoutMs = CHECK_TIMEOUT_MS): Promise<Readiness> {
  const [database, queue, keys] = await Promise.all([
    within(timeoutMs, () => app.db.raw('select 1').then(() => true)),
    within(timeoutMs, () => app.queue.healthy()),
    within(timeoutMs, () => app.keys.ready(app.db)),
  ]);
  const s = (ok: boolean): CheckStatus => (ok ? 'up' : 'down');
  return { ready: database && queue && keys, checks: { database: s(database), queue: s(queue), keys: s(keys) } };
}
