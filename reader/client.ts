// The console's client for the card reader agent (docs/CARD-READER.md). Browser-safe: fetch only,
// no Node APIs. The console keeps the reader's URL and pairing token (shown by the reader at start).
import {
  DEFAULT_READER_PORT,
  TOKEN_HEADER,
  type CardFiles,
  type ChallengeResponse,
  type InsertRequest,
  type LoadCreditRequest,
  type LoadCreditResponse,
  type LoadInitRequest,
  type LoadInitResponse,
  type MediaList,
  type MediumSummary,
  type ObuFiles,
  type ReaderErrorBody,
  type ReaderErrorCode,
  type ReaderStatus,
  type WritableFile,
  type WriteCommand,
  type WriteResponse,
} from './protocol.ts';

export * from './protocol.ts';

export const DEFAULT_READER_URL = `http://127.0.0.1:${DEFAULT_READER_PORT}`;

/** A refusal from the reader (or the reader could not be reached: code `reader-unreachable`). */
export class ReaderError extends Error {
  readonly code: ReaderErrorCode;
  readonly status: number;
  readonly sw: string | undefined;
  constructor(code: ReaderErrorCode, message: string, status: number, sw?: string) {
    super(message);
    this.name = 'ReaderError';
    this.code = code;
    this.status = status;
    this.sw = sw;
  }
}

export type ReaderClientOptions = {
  url?: string;
  token: string;
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
};

export type ReaderClient = {
  status(): Promise<ReaderStatus>;
  readCard(): Promise<CardFiles>;
  readObu(): Promise<ObuFiles>;
  challenge(file: WritableFile): Promise<string>;
  write(writes: WriteCommand[]): Promise<WriteResponse>;
  loadInit(req: LoadInitRequest): Promise<LoadInitResponse>;
  loadCredit(req: LoadCreditRequest): Promise<LoadCreditResponse>;
  /** Demo and test tooling: what the virtual reader holds, and which medium is on it. */
  admin: {
    media(): Promise<MediaList>;
    insert(req: InsertRequest): Promise<MediumSummary>;
    remove(): Promise<void>;
  };
};

export function createReaderClient(opts: ReaderClientOptions): ReaderClient {
  const base = (opts.url ?? DEFAULT_READER_URL).replace(/\/+$/, '');
  const doFetch = opts.fetch ?? ((input: string, init?: RequestInit) => fetch(input, init));

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        method,
        headers: {
          [TOKEN_HEADER]: opts.token,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new ReaderError('reader-unreachable', `the card reader at ${base} does not answer (${String(err)})`, 0);
    }
    if (res.status === 204) return undefined as T;
    const json = (await res.json().catch(() => null)) as unknown;
    if (!res.ok) {
      const e = (json as ReaderErrorBody | null)?.error;
      throw new ReaderError(e?.code ?? 'internal', e?.message ?? `reader answered ${res.status}`, res.status, e?.sw);
    }
    return json as T;
  }

  return {
    status: () => call('GET', '/v1/status'),
    readCard: () => call('GET', '/v1/card'),
    readObu: () => call('GET', '/v1/obu'),
    challenge: async (file) => (await call<ChallengeResponse>('POST', '/v1/challenge', { file })).challenge,
    write: (writes) => call('POST', '/v1/writes', { writes }),
    loadInit: (req) => call('POST', '/v1/card/load/init', req),
    loadCredit: (req) => call('POST', '/v1/card/load/credit', req),
    admin: {
      media: () => call('GET', '/v1/admin/media'),
      insert: (req) => call('POST', '/v1/admin/insert', req),
      remove: () => call('POST', '/v1/admin/remove', {}),
    },
  };
}
