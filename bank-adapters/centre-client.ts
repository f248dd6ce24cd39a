// Signs and sends requests to the centre's channel API (ICD §0–1). The signature covers the exact
// body bytes, so the JSON text is produced once and the same Buffer is both hashed and sent.
import { createHash, createHmac } from 'node:crypto';
import type { CentreFailure } from './centre-codes.ts';

export type CentreClientOptions = {
  centreUrl: string;
  clientId: string;
  secret: string;
  /** Unix milliseconds for X-Timestamp; tests pass the centre's manual clock. */
  now?: () => number;
  timeoutMs?: number;
  fetch?: typeof fetch;
};

export type CentreResult<T> = { ok: true; status: number; body: T } | CentreFailure;

// Bodies as the ICD writes them; key order follows the ICD for readable logs on both sides.
export type LoadRequest = {
  cardNo: string;
  amount: number;
  terminalId: string;
  card: { balance: number; onlineSeq: number; keyVersion: number; algId: number; random: string; mac1: string };
  payment: { method: 'bank-account'; reference: string };
};
export type LoadAuthorised = { loadId: string; status: string; mac2: string; hostDate: string; hostTime: string };
export type LoadConfirmed = { loadId: string; status: string; balance: number };
export type LoadReversed = { loadId: string; status: string };
export type ReverseRequest = { reason: string; card: { balance: number; onlineSeq: number } };
export type LoadView = { load: Record<string, unknown>; history: unknown[] };
export type ReconLine = {
  bankReference: string;
  loadId?: string;
  cardNo: string;
  amount: number;
  status: 'confirmed' | 'reversed';
  time: string;
};
export type ReconComparison = Record<string, unknown> & { date: string; matched: unknown };

export const CHANNEL = '/api/v1/channel';

export function signature(
  secret: string,
  method: string,
  pathWithQuery: string,
  timestamp: string,
  body: Buffer,
): string {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return createHmac('sha256', secret)
    .update(`${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${bodyHash}`)
    .digest('hex');
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class CentreClient {
  readonly #base: URL;
  readonly #clientId: string;
  readonly #secret: string;
  readonly #now: () => number;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(opts: CentreClientOptions) {
    this.#base = new URL(opts.centreUrl);
    if (this.#base.protocol !== 'http:' && this.#base.protocol !== 'https:')
      throw new Error('centreUrl must be http(s)');
    this.#clientId = opts.clientId;
    this.#secret = opts.secret;
    this.#now = opts.now ?? Date.now;
    this.#timeoutMs = opts.timeoutMs ?? 15_000;
    this.#fetch = opts.fetch ?? fetch;
  }

  async request<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    idempotencyKey?: string,
  ): Promise<CentreResult<T>> {
    const url = new URL(path, this.#base);
    const raw = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body), 'utf8');
    const ts = String(Math.trunc(this.#now()));
    const headers: Record<string, string> = {
      'X-Client-Id': this.#clientId,
      'X-Timestamp': ts,
      'X-Signature': signature(this.#secret, method, url.pathname + url.search, ts, raw),
      Accept: 'application/json',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (idempotencyKey !== undefined) headers['Idempotency-Key'] = idempotencyKey;
    let res: Response;
    let text: string;
    try {
      res = await this.#fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : raw,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      return { ok: false, status: 0, code: 'network-error', message: `centre unreachable: ${(err as Error).name}` };
    }
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (res.ok) {
      if (!isObject(parsed))
        return { ok: false, status: res.status, code: 'bad-response', message: 'centre answer is not a JSON object' };
      return { ok: true, status: res.status, body: parsed as T };
    }
    const error = isObject(parsed) && isObject(parsed.error) ? parsed.error : undefined;
    const code = typeof error?.code === 'string' ? error.code : res.status >= 500 ? 'internal' : 'bad-response';
    const message = typeof error?.message === 'string' ? error.message : `HTTP ${res.status}`;
    return { ok: false, status: res.status, code, message };
  }

  createLoad(serial: string, body: LoadRequest): Promise<CentreResult<LoadAuthorised>> {
    return this.request('POST', `${CHANNEL}/loads`, body, serial);
  }

  confirmLoad(serial: string, loadId: string, tac: string): Promise<CentreResult<LoadConfirmed>> {
    return this.request('POST', `${CHANNEL}/loads/${encodeURIComponent(loadId)}/confirm`, { tac }, serial);
  }

  reverseLoad(serial: string, loadId: string, body: ReverseRequest): Promise<CentreResult<LoadReversed>> {
    return this.request('POST', `${CHANNEL}/loads/${encodeURIComponent(loadId)}/reverse`, body, serial);
  }

  getLoad(loadId: string): Promise<CentreResult<LoadView>> {
    return this.request('GET', `${CHANNEL}/loads/${encodeURIComponent(loadId)}`);
  }

  getReconciliation(date: string): Promise<CentreResult<{ date: string; loads: unknown[] }>> {
    return this.request('GET', `${CHANNEL}/reconciliation/${date}`);
  }

  postReconciliation(key: string, date: string, lines: ReconLine[]): Promise<CentreResult<ReconComparison>> {
    return this.request('POST', `${CHANNEL}/reconciliation/${date}`, { lines }, key);
  }
}
