// The shared test application: real PostgreSQL (the run's database) and real Redis (bull).
// Built once per run; tests create their own data with unique names.
import express, { type Express } from 'express';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import request from 'supertest';
import { buildApp } from '../../src/app.ts';
import { bootstrap, shutdown } from '../../src/bootstrap.ts';
import { loadConfig } from '../../src/config.ts';
import { ManualClock } from '../../src/platform/clock/clock.ts';
import { stringToSign } from '../../src/platform/http/auth.ts';
import type { AppContext } from '../../src/platform/http/context.ts';
import type { ClientRole, UserRole } from '../../src/modules/access/index.ts';
import { createLogger } from '../../src/platform/log/logger.ts';
import { BullQueue } from '../../src/platform/queue/queue.ts';
import { createClient, createUser } from '../../src/modules/access/index.ts';
import { createHmac } from 'node:crypto';
import { digest } from './digest.ts';

export type Harness = {
  app: AppContext;
  http: Express;
  clock: ManualClock;
  logLines: string[];
  responses: string[];
  kek: Buffer;
};

let current: Promise<Harness> | null = null;

export function harness(): Promise<Harness> {
  current ??= (async () => {
    const kek = randomBytes(32);
    const logLines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logLines.push(String(chunk));
        cb();
      },
    });
    const config = loadConfig({
      DATABASE_URL: process.env.TEST_DATABASE_URL,
      ETC_KEK: kek.toString('hex'),
      ETC_DATA_DIR: `${process.env.TMPDIR ?? '/tmp'}/etc-test-data`,
      LOG_LEVEL: 'info',
    });
    const clock = new ManualClock(new Date());
    const queue = new BullQueue(process.env.TEST_REDIS_URL!, process.env.TEST_QUEUE_PREFIX);
    const app = await bootstrap(config, { clock, log: createLogger('info', sink), queue, generateKeys: true });
    // every response body of the run is kept, so a test can prove no key material ever left
    const responses: string[] = [];
    const http = express();
    http.use(recordResponses(responses));
    // every JSON answer of the suite is checked against its route's declared response schema
    http.use(buildApp(app, { checkResponses: true }).express);
    return { app, http, clock, logLines, responses, kek };
  })();
  return current;
}

// The harness of this run, if a test started one (the root after-all hook checks it for leaks).
export function startedHarness(): Promise<Harness> | null {
  return current;
}

export async function closeHarness(): Promise<void> {
  if (!current) return;
  const h = await current;
  current = null;
  // remove this run's queue keys from Redis
  await (h.app.queue as BullQueue).purge();
  await shutdown(h.app);
}

export const unique = (p = 'u') => `${p}${randomBytes(5).toString('hex')}`;

// A logged-in user of the role: returns the bearer header value.
export async function loginAs(role: UserRole): Promise<{ auth: string; username: string; userId: bigint }> {
  const h = await harness();
  const username = unique(role.slice(0, 3));
  const { user, password } = await createUser(h.app.db, null, { username, displayName: `Test ${role}`, role });
  const res = await request(h.http).post('/api/v1/sessions').send({ username, password }).expect(201);
  return { auth: `Bearer ${res.body.token}`, username, userId: user.id };
}

export type TestClient = { id: string; secret: string; role: ClientRole };

export async function newClient(role: ClientRole, id = unique(role)): Promise<TestClient> {
  const h = await harness();
  const { secret } = await createClient(h.app.db, h.app.keys.hsm, null, { id, role });
  return { id, secret, role };
}

// A request signed as ICD §0 says. Options let a test break the signature on purpose.
export async function signed(
  client: TestClient,
  method: 'get' | 'post',
  path: string,
  body?: unknown,
  opts: { idempotencyKey?: string; timestamp?: number; secret?: string } = {},
) {
  const h = await harness();
  const raw = body === undefined ? '' : JSON.stringify(body);
  const ts = String(opts.timestamp ?? h.clock.now().getTime());
  const sig = createHmac('sha256', opts.secret ?? client.secret)
    .update(stringToSign(method, path, ts, Buffer.from(raw)))
    .digest('hex');
  let r = request(h.http)[method](path).set('X-Client-Id', client.id).set('X-Timestamp', ts).set('X-Signature', sig);
  if (opts.idempotencyKey) r = r.set('Idempotency-Key', opts.idempotencyKey);
  if (raw) r = r.set('Content-Type', 'application/json').send(raw);
  return r;
}

// A digest of every table's contents: equal before and after proves a refused request changed nothing.
export async function fingerprint(): Promise<Record<string, string>> {
  return digest((await harness()).app.db);
}

// Keeps every response body (as UTF-8) in `into`, so a test can prove no key material ever left.
export function recordResponses(into: string[]): express.RequestHandler {
  return (_req, res, next) => {
    const chunks: Buffer[] = [];
    const write = res.write.bind(res) as (...a: unknown[]) => boolean;
    const end = res.end.bind(res) as (...a: unknown[]) => typeof res;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (chunk) chunks.push(Buffer.from(chunk as string));
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk: unknown, ...rest: unknown[]) => {
      if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk as string));
      into.push(Buffer.concat(chunks).toString('utf8'));
      return end(chunk, ...rest);
    }) as typeof res.end;
    next();
  };
}
