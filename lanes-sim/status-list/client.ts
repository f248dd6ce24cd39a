// A lane controller's status-list client: pulls since the version it holds, verifies the package
// (digest and RSA signature with the centre's certificate, itself checked against the CA when one
// is pinned), applies a delta or replaces its set with a full list only once verified, and reports
// the version it applied by heartbeat. A rejected package changes nothing.
import { X509Certificate, type KeyObject } from 'node:crypto';
import { ListRejected, readPackage, type ListLine } from './package.ts';
import { signatureHeaders } from './signing.ts';

export type LaneListClientOptions = {
  centre: string; // http://host:port
  laneId: string;
  secret: string;
  software?: string;
  caPem?: string; // pin the centre CA: the signing certificate must be issued by it
  fetch?: typeof fetch; // a test may put a relay that tampers in between
  now?: () => number; // unix ms for X-Timestamp (a test's clock)
  keepEntries?: boolean; // false: verify and count only (benchmarks of huge lists)
};

export type PullOutcome = {
  kind: 'not-modified' | 'delta' | 'full';
  version: number | null;
  entries: number;
  gzip: boolean;
};

export class HttpError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  constructor(status: number, code: string | undefined, message: string) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
  }
}

const keyOf = (medium: string, id: string) => `${medium}:${id}`;

export class LaneListClient {
  readonly laneId: string;
  version: number | null = null;
  entries = new Map<string, number>(); // medium:id → reason
  readonly stats = { pulls: 0, notModified: 0, deltas: 0, fulls: 0, rejected: 0, errors: 0, heartbeats: 0 };
  lastError: string | undefined;
  readonly #o: LaneListClientOptions;
  #key: KeyObject | undefined;
  #seq = 0;

  constructor(o: LaneListClientOptions) {
    this.#o = o;
    this.laneId = o.laneId;
  }

  get #fetch(): typeof fetch {
    return this.#o.fetch ?? fetch;
  }

  #now(): number {
    return this.#o.now ? this.#o.now() : Date.now();
  }

  async #request(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const text = body === undefined ? '' : JSON.stringify(body);
    const h = {
      ...signatureHeaders({ clientId: this.laneId, secret: this.#o.secret }, method, path, text, this.#now()),
      ...headers,
    };
    if (text) h['Content-Type'] = 'application/json';
    return this.#fetch(this.#o.centre.replace(/\/$/, '') + path, { method, headers: h, body: text || undefined });
  }

  async #fail(res: Response): Promise<never> {
    const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    throw new HttpError(
      res.status,
      body?.error?.code,
      `${res.status} ${body?.error?.code ?? ''}: ${body?.error?.message ?? res.statusText}`,
    );
  }

  listed(medium: 'card' | 'obu', id: string): number | undefined {
    return this.entries.get(keyOf(medium, id));
  }

  async loadCertificate(): Promise<void> {
    const res = await this.#request('GET', '/api/v1/status-list/certificate');
    if (res.status !== 200) await this.#fail(res);
    const blocks = (await res.text()).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (blocks.length === 0) throw new ListRejected('no certificate served');
    const leaf = new X509Certificate(blocks[0]!);
    if (this.#o.caPem && !leaf.verify(new X509Certificate(this.#o.caPem).publicKey))
      throw new ListRejected('the signing certificate is not issued by the pinned CA');
    this.#key = leaf.publicKey;
  }

  async pull(): Promise<PullOutcome> {
    if (!this.#key) await this.loadCertificate();
    this.stats.pulls++;
    const path = `/api/v1/lanes/${encodeURIComponent(this.laneId)}/status-list${this.version === null ? '' : `?since=${this.version}`}`;
    const res = await this.#request('GET', path, undefined, { 'Accept-Encoding': 'gzip' });
    const gzip = res.headers.get('content-encoding') === 'gzip';
    if (res.status === 304) {
      this.stats.notModified++;
      return { kind: 'not-modified', version: this.version, entries: this.entries.size, gzip };
    }
    if (res.status !== 200) await this.#fail(res);
    if (!res.body) throw new ListRejected('empty body');
    const keep = this.#o.keepEntries !== false;
    const staged: ListLine[] = [];
    try {
      const { header } = await readPackage(
        res.body as unknown as AsyncIterable<Uint8Array>,
        this.#key!,
        keep ? (l) => staged.push(l) : undefined,
      );
      if (header.kind === 'delta' && header.from !== this.version) {
        const held = this.version;
        this.version = null; // out of step: start again from a full list
        throw new ListRejected(`a delta from ${header.from} does not follow version ${held}`);
      }
      if (header.kind === 'full') {
        this.entries = new Map(staged.map((l) => [keyOf(l.medium, l.id), l.reason]));
        this.stats.fulls++;
      } else {
        for (const l of staged) {
          if (l.action === 'enter') this.entries.set(keyOf(l.medium, l.id), l.reason);
          else this.entries.delete(keyOf(l.medium, l.id));
        }
        this.stats.deltas++;
      }
      this.version = header.version;
      return { kind: header.kind, version: header.version, entries: keep ? this.entries.size : header.count, gzip };
    } catch (err) {
      if (err instanceof ListRejected) this.stats.rejected++;
      throw err;
    }
  }

  async heartbeat(): Promise<void> {
    if (this.version === null) return; // nothing applied yet: nothing to report
    const key = `${this.laneId}.hb.${this.#now().toString(36)}.${++this.#seq}`;
    const res = await this.#request(
      'POST',
      `/api/v1/lanes/${encodeURIComponent(this.laneId)}/heartbeat`,
      {
        listVersion: this.version,
        appliedAt: new Date(this.#now()).toISOString(),
        pendingUploads: 0,
        software: this.#o.software ?? 'lanes-sim 1.0',
      },
      { 'Idempotency-Key': key },
    );
    if (res.status !== 204) await this.#fail(res);
    this.stats.heartbeats++;
  }

  // One cycle of a lane: pull, then report. Failures are counted and kept, not thrown.
  async sync(): Promise<PullOutcome | null> {
    try {
      const outcome = await this.pull();
      await this.heartbeat();
      this.lastError = undefined;
      return outcome;
    } catch (err) {
      if (!(err instanceof ListRejected)) this.stats.errors++;
      this.lastError = err instanceof Error ? err.message : String(err);
      return null;
    }
  }
}
