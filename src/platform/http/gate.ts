// A cap on how many requests of one route a process works on at once; the others wait their turn in
// arrival order. A route whose every request holds a pooled connection for its whole transaction (a
// lane batch) could otherwise hold them all, and requests of other routes would wait behind it. The
// cap is for sharing, not speed: set well below the requests arriving together, it left the event
// loop and PostgreSQL waiting on each other more and carried less (bench/README, "A cap on lane
// batches in progress").
export class Gate {
  readonly #limit: number;
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw new RangeError(`a gate's limit must be a positive integer, got ${limit}`);
    this.#limit = limit;
  }

  /** Resolves once the caller may start, with the release it must call when done (again is a no-op).
   *  A caller whose signal aborts while it waits leaves the queue, and the promise rejects. */
  async enter(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.#running < this.#limit) this.#running++;
    else await this.#wait(signal);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      // the slot passes straight to the first in line: a request arriving now cannot overtake it
      if (next) next();
      else this.#running--;
    };
  }

  #wait(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const admit = () => {
        signal?.removeEventListener('abort', leave);
        resolve();
      };
      const leave = () => {
        const at = this.#waiting.indexOf(admit);
        if (at >= 0) this.#waiting.splice(at, 1);
        reject(signal!.reason);
      };
      this.#waiting.push(admit);
      signal?.addEventListener('abort', leave, { once: true });
    });
  }

  /** The most requests in progress at once. */
  get limit(): number {
    return this.#limit;
  }

  /** Requests started and not yet released. */
  get inProgress(): number {
    return this.#running;
  }

  /** Requests waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }
}
