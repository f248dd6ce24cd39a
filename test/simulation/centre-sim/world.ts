// The world of one seed: a Redis server of the simulation's own (so that "Redis restarted" restarts
// nothing anybody else uses), the home centre (3401) and a peer province (3201), each on a fresh
// PostgreSQL database, served over real HTTP on a manual clock and paired as interchange peers.
// Each centre's knex carries a test-only hook (DbFaults) that can drop the database connection
// serving a request in the middle of its transaction: pg_terminate_backend of that very backend.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { bootstrap, shutdown } from '../../../src/bootstrap.ts';
import { loadConfig } from '../../../src/config.ts';
import { createClient, createUser } from '../../../src/modules/access/index.ts';
import { ManualClock } from '../../../src/platform/clock/clock.ts';
import { createPostgresKnex } from '../../../src/platform/db/knex.ts';
import { migrate } from '../../../src/platform/db/migrate.ts';
import { ensureSystemAccounts } from '../../../src/modules/ledger/index.ts';
import { createLogger } from '../../../src/platform/log/logger.ts';
import { BullQueue } from '../../../src/platform/queue/queue.ts';
import type { MasterKeys } from '../../../lanes-sim/card/virtual-card.ts';
import { pairSimCentres, startSimCentre, type SimCentre } from '../../../lanes-sim/traffic/sim-centre.ts';
import { adminSql, databaseUrl } from '../../helpers/admin-db.ts';

/** A redis-server of our own on a free port, with no persistence: a restart loses every key. */
export class RedisServer {
  port = 0;
  #proc: ChildProcess | null = null;
  restarts = 0;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    const proc = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    this.#proc = proc;
    // it says when it is ready; an exit before that is a failure to start
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Ready to accept connections')) {
          proc.stdout!.off('data', onData);
          proc.stdout!.resume();
          resolve();
        }
      };
      proc.stdout!.on('data', onData);
      proc.once('error', reject);
      proc.once('exit', (code) =>
        reject(new Error(`redis-server on ${this.port} exited (${code}): ${out.slice(-300)}`)),
      );
    });
  }

  async stop(): Promise<void> {
    const proc = this.#proc;
    this.#proc = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGKILL');
    await exited;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
    this.restarts++;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

type PgConnection = { query: (sql: string) => Promise<unknown>; __knexUid?: string };

/** Drops the database connection of the next transaction that runs a matching statement: the hook
 *  queues `pg_terminate_backend(pg_backend_pid())` on that connection just before the statement, so
 *  the server ends the backend mid-transaction and the statement fails as a lost connection would. */
export class DbFaults {
  readonly #connections = new Map<string, PgConnection>();
  #armed: { pattern: RegExp; skip: number } | null = null;
  fired = 0;

  install(db: Knex): void {
    // the pool says so on stderr each time a connection it held was ended: here that is on purpose
    const logger = (db.client as { logger: { _warn?: (m: string) => void } }).logger;
    logger._warn = () => {};
    const client = db.client as { acquireConnection: () => Promise<PgConnection> };
    const acquire = client.acquireConnection.bind(client);
    client.acquireConnection = async () => {
      const c = await acquire();
      if (c.__knexUid) this.#connections.set(c.__knexUid, c);
      return c;
    };
    db.on('query', (q: { sql: string; __knexUid?: string; __knexTxId?: string }) => {
      const armed = this.#armed;
      if (!armed || !q.__knexTxId || !q.__knexUid || !armed.pattern.test(q.sql)) return;
      if (armed.skip-- > 0) return;
      this.#armed = null;
      const connection = this.#connections.get(q.__knexUid);
      if (!connection) return;
      this.fired++;
      connection.query('select pg_terminate_backend(pg_backend_pid())').catch(() => {});
    });
  }

  /** The next transaction statement matching pattern (after `skip` matches) loses its connection. */
  arm(pattern: RegExp, skip = 0): void {
    this.#armed = { pattern, skip };
  }

  /** Disarms; true when the armed fault fired. */
  disarm(): boolean {
    const fired = this.#armed === null;
    this.#armed = null;
    return fired;
  }
}

export type Side = SimCentre & {
  db: DbFaults;
  /** a second finance user: settling and paying are not done by who approved */
  finance2: { username: string; password: string };
  bank: { id: string; secret: string };
  lanes: Map<string, string>;
  dbName: string;
  dataDir: string;
  queue: BullQueue;
};

export type World = { home: Side; peer: Side; redis: RedisServer; close: () => Promise<void> };

// The schema is migrated once per process into a template database; each seed's databases are
// copies of it (PostgreSQL copies a template in a fraction of the time the migrations take).
let template: Promise<string> | null = null;

function schemaTemplate(): Promise<string> {
  template ??= (async () => {
    const name = `etc_sim_template_${process.pid}`;
    await adminSql(`drop database if exists ${name}`);
    await adminSql(`create database ${name}`);
    const db = createPostgresKnex(databaseUrl(name), 2);
    try {
      await migrate(db, () => {});
      await ensureSystemAccounts(db);
    } finally {
      await db.destroy();
    }
    return name;
  })();
  return template;
}

export async function dropSchemaTemplate(): Promise<void> {
  if (!template) return;
  const name = await template;
  template = null;
  await adminSql(`drop database if exists ${name} with (force)`);
}

async function startSide(
  network: string,
  masters: MasterKeys,
  keyVersion: number,
  clock: ManualClock,
  redis: RedisServer,
  tag: string,
): Promise<Side> {
  const dbName = `etc_sim_${process.pid}_${network}_${tag}`;
  await adminSql(`create database ${dbName} template ${await schemaTemplate()}`);
  const dataDir = mkdtempSync(join(tmpdir(), `etc-sim-${network}-`));
  const config = loadConfig({
    DATABASE_URL: databaseUrl(dbName),
    ETC_KEK: randomBytes(32).toString('hex'),
    ETC_NETWORK: network,
    ETC_DATA_DIR: dataDir,
    LOG_LEVEL: 'fatal',
  });
  const faults = new DbFaults();
  const db = createPostgresKnex(config.databaseUrl!);
  faults.install(db);
  const queue = new BullQueue(redis.url, `etc-sim-${network}-${tag}`);
  const app = await bootstrap(config, { clock, log: createLogger('fatal'), queue, db, generateKeys: true });
  const sim = await startSimCentre(app, clock, { masters, keyVersion });
  const bankId = `SIMBANK${network}`;
  const bank = {
    id: bankId,
    secret: (await createClient(app.db, app.keys.hsm, null, { id: bankId, role: 'bank' })).secret,
  };
  const finance2 = { username: `sim-finance2-${tag}`, password: '' };
  finance2.password = (
    await createUser(app.db, null, {
      username: finance2.username,
      displayName: 'simulation finance 2',
      role: 'finance',
    })
  ).password;
  const lanes = new Map<string, string>();
  for (const row of await app.db('api_clients').where({ role: 'lane' }).orderBy('id'))
    lanes.set(row.id, app.keys.hsm.open('client-secret', row.secret_sealed).toString('utf8'));
  return { ...sim, db: faults, finance2, bank, lanes, dbName, dataDir, queue };
}

async function closeSide(s: Side): Promise<void> {
  await s.stop();
  await shutdown(s.app).catch(() => {});
  await adminSql(`drop database if exists ${s.dbName} with (force)`);
  rmSync(s.dataDir, { recursive: true, force: true });
}

export async function startWorld(redis: RedisServer, start: Date, tag: string): Promise<World> {
  const purchase = randomBytes(16);
  const clock = new ManualClock(start);
  const home = await startSide(
    '3401',
    { load: randomBytes(16), tac: randomBytes(16), purchase },
    21,
    clock,
    redis,
    tag,
  );
  const peer = await startSide(
    '3201',
    { load: randomBytes(16), tac: randomBytes(16), purchase },
    22,
    clock,
    redis,
    tag,
  );
  await pairSimCentres(home, peer);
  return {
    home,
    peer,
    redis,
    close: async () => {
      await closeSide(home);
      await closeSide(peer);
    },
  };
}
