// A centre of its own for the endpoint fuzzer: a fresh PostgreSQL database with the demo network,
// a queue that only records (no job runs between two requests, so "nothing changed" is exact), a
// fixed clock, a logged-in user per staff role and a signed client per machine role, and pools of ids
// that exist (so generated requests reach the services, not only the 404s).
import express, { type Express } from 'express';
import { createHmac, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Knex } from 'knex';
import request from 'supertest';
import { buildApp } from '../../../src/app.ts';
import { bootstrap, shutdown } from '../../../src/bootstrap.ts';
import { loadConfig } from '../../../src/config.ts';
import { CLIENT_ROLES, USER_ROLES, createClient, createUser } from '../../../src/modules/access/index.ts';
import { seedDemo } from '../../../src/seed.ts';
import { ManualClock } from '../../../src/platform/clock/clock.ts';
import { stringToSign } from '../../../src/platform/http/auth.ts';
import type { AppContext } from '../../../src/platform/http/context.ts';
import type { RouteDef } from '../../../src/platform/http/route.ts';
import { createLogger } from '../../../src/platform/log/logger.ts';
import type { AddOptions, JobHandler, Queue } from '../../../src/platform/queue/queue.ts';
import { recordResponses } from '../harness.ts';
import { adminSql, databaseUrl } from '../admin-db.ts';
import { mobile, plate, residentId } from '../generators.ts';

class RecordingQueue implements Queue {
  readonly kind = 'in-process' as const;
  added = 0;
  async add(_name: string, _data: Record<string, unknown>, _opts?: AddOptions): Promise<void> {
    this.added++;
  }
  process(_name: string, _handler: JobHandler): void {}
  async healthy(): Promise<boolean> {
    return true;
  }
  async close(): Promise<void> {}
}

export type Credential = { kind: 'user'; auth: string } | { kind: 'client'; id: string; secret: string };

export type FuzzCentre = {
  app: AppContext;
  http: Express;
  routes: RouteDef[];
  clock: ManualClock;
  kek: Buffer;
  responses: string[];
  logLines: string[];
  creds: Map<string, Credential>;
  pools: Record<string, string[]>;
  /** Makes a fresh credential for a role (after the fuzzer logged one out or disabled it). */
  renew: (role: string) => Promise<void>;
  send: (
    role: string,
    method: string,
    path: string,
    body: string | undefined,
    idempotencyKey?: string,
  ) => Promise<request.Response>;
  close: () => Promise<void>;
};

export async function fuzzCentre(): Promise<FuzzCentre> {
  const name = `etc_fuzz_${randomBytes(4).toString('hex')}`;
  await adminSql(`create database ${name}`);
  const kek = randomBytes(32);
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _e, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  const config = loadConfig({
    DATABASE_URL: databaseUrl(name),
    ETC_KEK: kek.toString('hex'),
    ETC_DATA_DIR: `${process.env.TMPDIR ?? '/tmp'}/${name}`,
    // random logins must not lock the fuzzer's own users or throttle its address
    ETC_LOGIN_MAX_FAILURES: '100',
    ETC_LOGIN_ADDRESS_MAX_FAILURES: '100000',
  });
  const clock = new ManualClock(new Date('2026-11-20T03:00:00Z'));
  const app = await bootstrap(config, {
    clock,
    queue: new RecordingQueue(),
    generateKeys: true,
    log: createLogger('info', sink),
  });
  const demo = await seedDemo(app);
  const built = buildApp(app, { checkResponses: true });
  const responses: string[] = [];
  const http = express();
  http.use(recordResponses(responses));
  http.use(built.express);

  const creds = new Map<string, Credential>();
  let n = 0;
  const laneIds = (await app.db('lanes').orderBy('id').pluck('id')) as string[];
  const renew = async (role: string) => {
    n++;
    if ((USER_ROLES as readonly string[]).includes(role)) {
      const username = `fz${role.slice(0, 3)}${n}`;
      const { password } = await createUser(app.db, null, {
        username,
        displayName: `Fuzz ${role}`,
        role: role as (typeof USER_ROLES)[number],
      });
      const res = await request(http).post('/api/v1/sessions').send({ username, password });
      if (res.status !== 201) throw new Error(`fuzz login as ${role}: ${res.status} ${res.text}`);
      creds.set(role, { kind: 'user', auth: `Bearer ${res.body.token}` });
    } else {
      const id =
        role === 'lane'
          ? laneIds[n % laneIds.length]
          : role === 'province'
            ? ['3201', '3301', '3601'][n % 3]
            : `FZ${n}`;
      await app
        .db('api_clients')
        .where({ id })
        .delete()
        .catch(() => {});
      const { secret } = await createClient(app.db, app.keys.hsm, null, {
        id,
        role: role as (typeof CLIENT_ROLES)[number],
      });
      creds.set(role, { kind: 'client', id, secret });
    }
  };
  for (const role of [...USER_ROLES, ...CLIENT_ROLES]) await renew(role);

  const send: FuzzCentre['send'] = (role, method, path, body, idempotencyKey) => {
    const c = creds.get(role)!;
    let r = (request(http) as unknown as Record<string, (p: string) => request.Test>)[method](path);
    if (c.kind === 'user') r = r.set('Authorization', c.auth);
    else {
      const ts = String(clock.now().getTime());
      const sig = createHmac('sha256', c.secret)
        .update(stringToSign(method, path, ts, Buffer.from(body ?? '')))
        .digest('hex');
      r = r.set('X-Client-Id', c.id).set('X-Timestamp', ts).set('X-Signature', sig);
    }
    if (idempotencyKey) r = r.set('Idempotency-Key', idempotencyKey);
    if (body !== undefined) r = r.set('Content-Type', 'application/json').send(body);
    return r;
  };

  // a customer with a vehicle and a stored-value card, made as a clerk would
  const clerk = creds.get('clerk') as { auth: string };
  const c = await request(http)
    .post('/api/v1/customers')
    .set('Authorization', clerk.auth)
    .send({ kind: 'personal', name: '王五', idType: 1, idNumber: residentId(), phone: mobile() });
  const v = await request(http)
    .post(`/api/v1/customers/${c.body.customer.id}/vehicles`)
    .set('Authorization', clerk.auth)
    .send({ plate: plate(), plateColor: 0, vehicleClass: 1, seats: 5, lengthMm: 4800, widthMm: 1800, heightMm: 1500 });
  await request(http)
    .post('/api/v1/cards')
    .set('Authorization', clerk.auth)
    .send({ customerId: c.body.customer.id, vehicleId: v.body.vehicle.id, cardType: 22, payment: { method: 'cash' } });
  const pools = await idPools(
    app.db,
    demo.users.map((u) => u.username),
  );
  return {
    app,
    http,
    routes: built.routes,
    clock,
    kek,
    responses,
    logLines,
    creds,
    pools,
    renew,
    send,
    close: async () => {
      await shutdown(app);
      await adminSql(`drop database if exists ${name} with (force)`);
    },
  };
}

// Ids that exist, by path parameter name (a name absent here is generated from its schema only).
async function idPools(db: Knex, demoUsers: string[]): Promise<Record<string, string[]>> {
  const pick = async (sql: string, binds: unknown[] = []): Promise<string[]> => {
    try {
      return (await db.raw(sql, binds as Knex.RawBinding[])).rows.map((r: { v: unknown }) => String(r.v));
    } catch {
      return [];
    }
  };
  return {
    userId: await pick(`select id as v from users where username = any(?) order by id limit 4`, [demoUsers]),
    customerId: await pick('select id as v from customers order by id limit 3'),
    vehicleId: await pick('select id as v from vehicles order by id limit 3'),
    accountId: await pick('select id as v from accounts order by id limit 3'),
    cardNo: await pick('select card_no as v from cards order by card_no limit 3'),
    obuNo: await pick('select obu_no as v from obus order by obu_no limit 3'),
    laneId: await pick('select id as v from lanes order by id limit 3'),
    operatorId: await pick('select id as v from operators order by id limit 3'),
    network: ['3401', '3201', '3301'],
    date: ['2026-11-19', '2026-11-20', '2026-11-21'],
    medium: ['card', 'obu'],
  };
}
