// How the traffic generator reaches the centre: staff sessions (clerk, supervisor, finance), signed
// lane and bank requests (ICD §0), and — for a centre run with a manual clock, as in the CLI's
// self-contained mode and in tests — setting the centre's time. Two implementations: HTTP with
// fetch here, supertest in the tests.
import { createHash, createHmac } from 'node:crypto';

export type Reply = { status: number; body: any; headers: Record<string, string | undefined> };
export type StaffRole = 'clerk' | 'supervisor' | 'finance';

export interface Centre {
  /** The centre's clock: the generator moves it to each event of the simulated day. */
  setTime(at: Date): void;
  now(): Date;
  staff(role: StaffRole, method: 'get' | 'post', path: string, body?: unknown): Promise<Reply>;
  lane(laneId: string, path: string, body: unknown, idempotencyKey: string): Promise<Reply>;
  bank(path: string, body: unknown, idempotencyKey: string): Promise<Reply>;
}

export function signatureHeaders(
  clientId: string,
  secret: string,
  method: string,
  path: string,
  body: string,
  timestampMs: number,
): Record<string, string> {
  const ts = String(timestampMs);
  const digest = createHash('sha256').update(body, 'utf8').digest('hex');
  const signature = createHmac('sha256', secret)
    .update(`${method.toUpperCase()}\n${path}\n${ts}\n${digest}`)
    .digest('hex');
  return { 'X-Client-Id': clientId, 'X-Timestamp': ts, 'X-Signature': signature };
}

export type HttpCentreOptions = {
  base: string; // http://host:port
  clock: { now(): Date; set(at: Date): void };
  staff: Record<StaffRole, { username: string; password: string }>;
  lanes: Map<string, string>; // lane id → secret
  bank: { id: string; secret: string };
};

export class HttpCentre implements Centre {
  readonly #o: HttpCentreOptions;
  readonly #tokens = new Map<StaffRole, string>();

  constructor(o: HttpCentreOptions) {
    this.#o = o;
  }

  setTime(at: Date): void {
    this.#o.clock.set(at);
  }
  now(): Date {
    return this.#o.clock.now();
  }

  async #send(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<Reply> {
    const raw = body === undefined ? undefined : JSON.stringify(body);
    const res = await fetch(this.#o.base + path, {
      method: method.toUpperCase(),
      headers: { ...(raw ? { 'content-type': 'application/json' } : {}), ...headers },
      body: raw,
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text ? JSON.parse(text) : null,
      headers: Object.fromEntries(res.headers.entries()),
    };
  }

  async staff(role: StaffRole, method: 'get' | 'post', path: string, body?: unknown): Promise<Reply> {
    for (let attempt = 0; ; attempt++) {
      let token = this.#tokens.get(role);
      if (!token) {
        const r = await this.#send('post', '/api/v1/sessions', this.#o.staff[role], {});
        if (r.status !== 201) throw new Error(`log in as ${role}: ${r.status} ${JSON.stringify(r.body)}`);
        token = r.body.token as string;
        this.#tokens.set(role, token);
      }
      const reply = await this.#send(method, path, method === 'post' ? (body ?? {}) : undefined, {
        authorization: `Bearer ${token}`,
      });
      // a simulated day outlives a session: log in again
      if (reply.status !== 401 || attempt > 0) return reply;
      this.#tokens.delete(role);
    }
  }

  #signed(clientId: string, secret: string, path: string, body: unknown, key: string): Promise<Reply> {
    const raw = JSON.stringify(body);
    return this.#send('post', path, body, {
      ...signatureHeaders(clientId, secret, 'POST', path, raw, this.now().getTime()),
      'Idempotency-Key': key,
    });
  }

  lane(laneId: string, path: string, body: unknown, key: string): Promise<Reply> {
    const secret = this.#o.lanes.get(laneId);
    if (!secret) throw new Error(`no secret for lane ${laneId}`);
    return this.#signed(laneId, secret, path, body, key);
  }

  bank(path: string, body: unknown, key: string): Promise<Reply> {
    return this.#signed(this.#o.bank.id, this.#o.bank.secret, path, body, key);
  }
}
