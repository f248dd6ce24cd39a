// The reader agent's HTTP face (docs/CARD-READER.md): loopback only, one console origin, a pairing
// token on every request, JSON in and out.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { READER_PAGE } from './page.ts';
import { TOKEN_HEADER, type ReaderErrorBody } from './protocol.ts';
import { ReaderFault, type VirtualReader } from './virtual-reader.ts';

const MAX_BODY = 64 * 1024;
const hexBytes = (n: number) => z.string().regex(new RegExp(`^[0-9A-Fa-f]{${2 * n}}$`));
const writableFile = z.enum(['0015', '0016', 'system', 'vehicle']);

const bodies = {
  challenge: z.strictObject({ file: writableFile }),
  writes: z.strictObject({
    writes: z
      .array(
        z.object({
          file: writableFile,
          command: z.string().regex(/^([0-9A-Fa-f]{2}){10,260}$/),
          mac: z.string().optional(),
          keyVersion: z.number().optional(),
        }),
      )
      .min(1)
      .max(8),
  }),
  loadInit: z.strictObject({
    amount: z.number().int().min(1).max(0xffffffff),
    terminalId: hexBytes(6).optional(),
  }),
  loadCredit: z.strictObject({
    hostDate: z.string().regex(/^[0-9]{8}$/),
    hostTime: z.string().regex(/^[0-9]{6}$/),
    mac2: hexBytes(4),
  }),
  insert: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('blank-card'), cardType: z.union([z.literal(22), z.literal(23)]) }),
    z.strictObject({ kind: z.literal('blank-obu') }),
    z.strictObject({ kind: z.literal('card'), cardNo: z.string().regex(/^[0-9]{20}$/) }),
    z.strictObject({ kind: z.literal('obu'), obuNo: z.string().regex(/^[0-9]{16}$/) }),
  ]),
  empty: z.strictObject({}),
};

type Handler = (body: unknown) => unknown;

/** `origin`: the console's origin, or several (e.g. http://localhost:8080 and http://127.0.0.1:8080). */
export type ReaderServerOptions = { reader: VirtualReader; origin: string | string[]; token?: string };

export type ReaderServer = {
  server: Server;
  token: string;
  origins: string[];
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
};

export function createReaderServer(opts: ReaderServerOptions): ReaderServer {
  const { reader } = opts;
  // normalised: scheme://host[:port], no path
  const origins = (Array.isArray(opts.origin) ? opts.origin : [opts.origin]).map((o) => new URL(o).origin);
  const token = opts.token ?? randomBytes(16).toString('hex');
  const tokenBuf = Buffer.from(token);
  let port = 0;

  const parse =
    <S extends z.ZodType>(schema: S, fn: (b: z.infer<S>) => unknown): Handler =>
    (body) => {
      const r = schema.safeParse(body ?? {});
      if (!r.success) {
        const issue = r.error.issues[0];
        const field = issue?.path.join('.') || 'body';
        throw new ReaderFault(400, 'invalid-request', `${field}: ${issue?.message ?? 'invalid'}`);
      }
      return fn(r.data);
    };

  const routes: Record<string, Handler> = {
    'GET /v1/status': () => reader.status(),
    'GET /v1/card': () => reader.readCard(),
    'GET /v1/obu': () => reader.readObu(),
    'POST /v1/challenge': parse(bodies.challenge, (b) => ({ file: b.file, challenge: reader.challenge(b.file) })),
    'POST /v1/writes': parse(bodies.writes, (b) => reader.write(b.writes)),
    'POST /v1/card/load/init': parse(bodies.loadInit, (b) => reader.loadInit(b)),
    'POST /v1/card/load/credit': parse(bodies.loadCredit, (b) => reader.loadCredit(b)),
    'GET /v1/admin/media': () => reader.media(),
    'POST /v1/admin/insert': parse(bodies.insert, (b) => reader.insert(b)),
    'POST /v1/admin/remove': parse(bodies.empty, () => {
      reader.remove();
      return undefined;
    }),
  };

  function send(res: ServerResponse, status: number, body?: unknown): void {
    if (body === undefined) {
      res.writeHead(status).end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(text);
  }

  function fail(res: ServerResponse, f: ReaderFault): void {
    const body: ReaderErrorBody = { error: { code: f.code, message: f.message, ...(f.sw ? { sw: f.sw } : {}) } };
    send(res, f.status, body);
  }

  function tokenOk(given: string | string[] | undefined): boolean {
    if (typeof given !== 'string') return false;
    const b = Buffer.from(given);
    return b.length === tokenBuf.length && timingSafeEqual(b, tokenBuf);
  }

  async function readBody(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) throw new ReaderFault(400, 'invalid-request', 'body too large');
      chunks.push(chunk as Buffer);
    }
    if (!size) return undefined;
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new ReaderFault(400, 'invalid-request', 'body: not JSON');
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding: a page under another name resolving to 127.0.0.1 sends its own Host
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}` && host !== `[::1]:${port}`)
      return fail(res, new ReaderFault(403, 'host-not-allowed', `Host ${host || '(none)'} is not this reader`));
    const reqOrigin = req.headers.origin;
    // the console, or the reader's own page (same origin as the reader)
    const own = reqOrigin === `http://${host}`;
    if (reqOrigin !== undefined && !origins.includes(reqOrigin) && !own)
      return fail(res, new ReaderFault(403, 'origin-not-allowed', `origin ${reqOrigin} is not the paired console`));
    if (reqOrigin && !own) {
      res.setHeader('Access-Control-Allow-Origin', reqOrigin);
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'GET' && (req.url === '/' || req.url === '/index.html')) {
      // the page holds no secret; it cannot be framed by another site
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'X-Frame-Options': 'DENY',
        'Content-Security-Policy':
          "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      });
      res.end(READER_PAGE);
      return;
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
      res.setHeader('Access-Control-Allow-Headers', `Content-Type, ${TOKEN_HEADER}`);
      res.setHeader('Access-Control-Max-Age', '600');
      return send(res, 204);
    }
    if (!tokenOk(req.headers[TOKEN_HEADER.toLowerCase()]))
      return fail(res, new ReaderFault(401, 'reader-token-required', `${TOKEN_HEADER} is missing or wrong`));
    const path = (req.url ?? '/').split('?')[0];
    const handler = routes[`${req.method} ${path}`];
    if (!handler) return fail(res, new ReaderFault(404, 'not-found', `no operation ${req.method} ${path}`));
    const body = req.method === 'POST' ? await readBody(req) : undefined;
    const out = handler(body);
    send(res, out === undefined ? 204 : 200, out);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof ReaderFault) return fail(res, err);
      process.stderr.write(`reader: ${err instanceof Error ? err.message : String(err)}\n`);
      fail(res, new ReaderFault(500, 'internal', 'the reader failed'));
    });
  });

  return {
    server,
    token,
    origins,
    listen: (p = 0) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(p, '127.0.0.1', () => {
          port = (server.address() as AddressInfo).port;
          resolve(`http://127.0.0.1:${port}`);
        });
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
