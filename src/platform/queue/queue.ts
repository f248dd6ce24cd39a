// The queue interface: durable jobs on bull (Redis) in production, in-process jobs in embedded
// mode. Delivery is at-least-once either way, so every processor must be idempotent against a
// database constraint. A jobId makes add() a no-op while a job with that id is known.
import Bull from 'bull';

export type JobHandler = (data: Record<string, unknown>) => Promise<void>;
export type AddOptions = { jobId?: string; delayMs?: number; attempts?: number };

export interface Queue {
  readonly kind: 'bull' | 'in-process';
  add(name: string, data: Record<string, unknown>, opts?: AddOptions): Promise<void>;
  process(name: string, handler: JobHandler): void;
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

export class BullQueue implements Queue {
  readonly kind = 'bull' as const;
  readonly #queues = new Map<string, Bull.Queue>();
  readonly #url: string;
  readonly #prefix: string;

  constructor(url: string, prefix = 'etc') {
    this.#url = url;
    this.#prefix = prefix;
  }

  #queue(name: string): Bull.Queue {
    let q = this.#queues.get(name);
    if (!q) {
      q = new Bull(name, this.#url, { prefix: this.#prefix });
      this.#queues.set(name, q);
    }
    return q;
  }

  async add(name: string, data: Record<string, unknown>, opts: AddOptions = {}): Promise<void> {
    await this.#queue(name).add(data, {
      jobId: opts.jobId,
      delay: opts.delayMs,
      attempts: opts.attempts ?? 5,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: 1000,
      removeOnFail: false,
    });
  }

  process(name: string, handler: JobHandler): void {
    void this.#queue(name).process(async (job) => handler(job.data));
  }

  async healthy(): Promise<boolean> {
    try {
      const q = this.#queue('health');
      const client = await q.isReady().then(() => q.client);
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  // Removes every job and key of the queues this instance has touched (test and demo clean-up).
  async purge(): Promise<void> {
    for (const q of this.#queues.values()) await q.obliterate({ force: true });
  }

  // bull's close stops taking jobs, waits for the active ones to finish, then quits its Redis clients
  async close(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((q) => q.close()));
    this.#queues.clear();
  }
}

// Embedded mode: jobs run in this process after the current tick; retried with back-off like bull.
export class InProcessQueue implements Queue {
  readonly kind = 'in-process' as const;
  readonly #handlers = new Map<string, JobHandler>();
  readonly #known = new Set<string>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #running = new Set<Promise<void>>();
  #closed = false;
  failures = 0;

  async add(name: string, data: Record<string, unknown>, opts: AddOptions = {}): Promise<void> {
    if (this.#closed) throw new Error('queue closed');
    if (opts.jobId) {
      const id = `${name}:${opts.jobId}`;
      if (this.#known.has(id)) return;
      this.#known.add(id);
    }
    this.#schedule(name, data, opts.delayMs ?? 0, opts.attempts ?? 5);
  }

  #schedule(name: string, data: Record<string, unknown>, delay: number, attemptsLeft: number): void {
    const t = setTimeout(async () => {
      this.#timers.delete(t);
      const handler = this.#handlers.get(name);
      if (!handler || this.#closed) return;
      const run = handler(data);
      const tracked = run.then(
        () => {},
        () => {},
      );
      this.#running.add(tracked);
      try {
        await run;
      } catch {
        this.failures++;
        if (attemptsLeft > 1 && !this.#closed)
          this.#schedule(name, data, 1000 * 2 ** (5 - attemptsLeft), attemptsLeft - 1);
      } finally {
        this.#running.delete(tracked);
      }
    }, delay);
    this.#timers.add(t);
  }

  process(name: string, handler: JobHandler): void {
    this.#handlers.set(name, handler);
  }

  async healthy(): Promise<boolean> {
    return !this.#closed;
  }

  // Starts nothing new and waits for the jobs running now (a graceful stop finishes them).
  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    await Promise.all([...this.#running]);
  }
}

export function createQueue(redisUrl: string | undefined, prefix?: string): Queue {
  return redisUrl ? new BullQueue(redisUrl, prefix) : new InProcessQueue();
}
