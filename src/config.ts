// The only reader of process.env. Everything is validated once at start so a bad
// setting fails fast with the variable's name instead of surfacing mid-request.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import cron from 'node-cron';
import { statementFetchConfig, type StatementFetchSettings } from './config-bank-statements.ts';
export type { StatementFetchConfig, StatementFetchSettings } from './config-bank-statements.ts';

export type Config = {
  port: number;
  workers: number; // API processes sharing the port (`serve --workers N`); PostgreSQL only
  laneWorkers: LaneWorkers | undefined; // more API processes on a port of their own, for the lanes
  dbPoolSize: number; // PostgreSQL connections each API process keeps at most (its knex pool)
  databaseUrl: string | undefined; // undefined → embedded PGlite in dataDir
  // a streaming replica of that database for reads that may lag it (status-list downloads)
  readDatabaseUrl: string | undefined;
  demo: boolean; // demo mode (docs/CARD-READER.md): embedded database, or ETC_DEMO=1 on a local database
  redisUrl: string | undefined; // undefined → in-process queue
  queuePrefix: string; // Redis key prefix of the queues (centres or test runs sharing one Redis)
  dataDir: string;
  kek: Buffer; // key-encryption key; never logged, never returned
  network: string; // this centre's 4-digit network id
  sessionTtlSeconds: number;
  login: LoginConfig;
  logLevel: string;
  reissueWaitDays: number;
  cardLimit: bigint; // highest purse balance a load may reach (fen)
  loadLimits: { bank: bigint; counter: bigint }; // single-load limit per channel (fen)
  stuckLoadMinutes: number; // a load authorised longer than this is listed for finance
  // our confirmation of a province's package waits this long before it is sent (0: at once), so that
  // a complaint can still be listed as a dispute in it; the province's clearing day waits for it
  interchangeConfirmationHoldMinutes: number;
  shutdownTimeoutSeconds: number; // SIGTERM: in-flight requests and jobs get this long, then exit 1
  money: MoneyLimitsConfig;
  statusList: StatusListConfig;
  lanes: LanesConfig;
  bankStatements: StatementFetchSettings; // the daily pull of the banks' statement files (none by default)
};

export type LoginConfig = {
  maxFailures: number; // consecutive failed logins that lock a user until a supervisor or admin unlocks
  addressMaxFailures: number; // failed logins from one address within the window before it is throttled
  addressWindowSeconds: number;
};

// Bounds on money people type in at the counter or the console (all fen).
export type MoneyLimitsConfig = {
  depositLimits: { cash: bigint; pos: bigint }; // a single deposit above this is refused
  depositApprovalThreshold: bigint; // a deposit above this waits for a supervisor before money moves
  feeCeiling: bigint; // highest list price of a fee version
  creditLimitCeiling: bigint; // highest credit limit of a debit account
};

export type LanesConfig = {
  clockToleranceSeconds: number; // a lane transaction dated further ahead of the centre's clock is a lane clock error (code 16)
  maxAgeDays: number; // a lane transaction older than this is refused as too old (code 5)
  clearingCron: string; // when the daily clearing of the previous day is enqueued (node-cron, server time)
  batchesInProgress: number; // lane uploads one API process works on at once; later ones wait their turn
};

export type StatusListConfig = {
  publishIntervalSeconds: number; // the publisher's tick; divides a minute or is whole minutes dividing an hour
  deltaRetentionDays: number; // deltas older than this are pruned; a lane further behind gets a full list
  lagThresholdSeconds: number; // a lane missing a version for longer is flagged behind
  lowBalanceFen: bigint; // stored-value cards below this are listed (reason 7); 0 = rule off
  snapshotDir: string; // where the daily full snapshot files are written
  maxStreams: number; // concurrent list downloads per process (each holds a database connection)
  deltaCacheMb: number; // signed small deltas kept in memory per process (every lane asks for the same one); 0 = off
  storedDeltas: boolean; // signed small deltas kept in the database once made (status_list_delta_packages)
};

// Intervals the publisher's cron can express with a fixed phase: 5–30 s dividing a minute, or
// whole minutes dividing an hour.
export const PUBLISH_INTERVALS = [
  5, 6, 10, 12, 15, 20, 30, 60, 120, 180, 240, 300, 360, 600, 720, 900, 1200, 1800, 3600,
];

export class ConfigError extends Error {}

function fail(variable: string, why: string): never {
  throw new ConfigError(`configuration: ${variable} ${why}`);
}

function int(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  if (!/^\d+$/.test(raw)) fail(name, `must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) fail(name, `must be between ${min} and ${max}`);
  return n;
}

// In embedded mode the KEK is generated once into the data dir (mode 0600) so a fresh
// clone runs with zero set-up; with an external database it must come from the environment.
function loadKek(env: NodeJS.ProcessEnv, dataDir: string, embedded: boolean): Buffer {
  const raw = env.ETC_KEK;
  if (raw !== undefined && raw !== '') {
    if (!/^[0-9a-fA-F]{64}$/.test(raw)) fail('ETC_KEK', 'must be 64 hex characters (32 bytes)');
    return Buffer.from(raw, 'hex');
  }
  if (!embedded) fail('ETC_KEK', 'is required when DATABASE_URL is set (64 hex characters)');
  const file = join(dataDir, 'kek.hex');
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-fA-F]{64}$/.test(stored)) fail('ETC_KEK', `file ${file} is corrupt`);
    return Buffer.from(stored, 'hex');
  }
  const kek = randomBytes(32);
  writeFileSync(file, kek.toString('hex') + '\n', { mode: 0o600 });
  return kek;
}

function statusListConfig(env: NodeJS.ProcessEnv, dataDir: string): StatusListConfig {
  const publishIntervalSeconds = int(env, 'ETC_LIST_PUBLISH_SECONDS', 60, 5, 3600);
  if (!PUBLISH_INTERVALS.includes(publishIntervalSeconds))
    fail('ETC_LIST_PUBLISH_SECONDS', `must be one of ${PUBLISH_INTERVALS.join(', ')}`);
  return {
    publishIntervalSeconds,
    deltaRetentionDays: int(env, 'ETC_LIST_DELTA_RETENTION_DAYS', 7, 1, 365),
    lagThresholdSeconds: int(env, 'ETC_LIST_LAG_THRESHOLD_SECONDS', 600, 10, 7 * 24 * 3600),
    lowBalanceFen: BigInt(int(env, 'ETC_LIST_LOW_BALANCE_FEN', 0, 0, 4_294_967_295)),
    snapshotDir: resolve(env.ETC_LIST_SNAPSHOT_DIR || join(dataDir, 'status-lists')),
    maxStreams: int(env, 'ETC_LIST_MAX_STREAMS', 4, 1, 64),
    deltaCacheMb: int(env, 'ETC_LIST_DELTA_CACHE_MB', 64, 0, 4096),
    storedDeltas: env.ETC_LIST_STORED_DELTAS !== 'off',
  };
}

function moneyConfig(env: NodeJS.ProcessEnv): MoneyLimitsConfig {
  const fen = (name: string, dflt: number) => BigInt(int(env, name, dflt, 1, Number.MAX_SAFE_INTEGER));
  return {
    depositLimits: {
      cash: fen('ETC_DEPOSIT_LIMIT_CASH_FEN', 5_000_000),
      pos: fen('ETC_DEPOSIT_LIMIT_POS_FEN', 20_000_000),
    },
    depositApprovalThreshold: fen('ETC_DEPOSIT_APPROVAL_THRESHOLD_FEN', 1_000_000),
    feeCeiling: fen('ETC_FEE_CEILING_FEN', 100_000),
    creditLimitCeiling: fen('ETC_CREDIT_LIMIT_CEILING_FEN', 100_000_000),
  };
}

export type LaneWorkers = { count: number; port: number };

/** ETC_LANE_WORKERS=K with ETC_LANE_PORT=P: K more API processes listening on P, where the lanes are
 *  pointed, so that lane batches do not share an event loop with the bank channel and the console.
 *  With one process for both, online loads beside a lane peak took 112–148 ms at the median; with a
 *  lane worker, 16–23 ms (bench/mixed; bench/README, "Lanes and banks at once"). */
function laneWorkersConfig(env: NodeJS.ProcessEnv, mainPort: number): LaneWorkers | undefined {
  const count = int(env, 'ETC_LANE_WORKERS', 0, 0, 64);
  if (count === 0) {
    if (env.ETC_LANE_PORT) fail('ETC_LANE_PORT', "is the lane workers' port: set ETC_LANE_WORKERS too");
    return undefined;
  }
  if (!env.ETC_LANE_PORT) fail('ETC_LANE_PORT', 'must be set with ETC_LANE_WORKERS: the port the lanes upload to');
  const port = int(env, 'ETC_LANE_PORT', 0, 1, 65535);
  if (port === mainPort) fail('ETC_LANE_PORT', `must differ from PORT (${port})`);
  return { count, port };
}

/** ETC_DB_POOL_SIZE: the PostgreSQL connections each process keeps. */
export const dbPoolSize = (env: NodeJS.ProcessEnv) => int(env, 'ETC_DB_POOL_SIZE', 10, 1, 200);

/** ETC_LANE_BATCHES_IN_PROGRESS. A lane batch in progress holds one of its process's pooled
 *  connections for its transaction: by default all but two of them, at most all but one, so that
 *  online loads and the console keep a connection while lanes upload. A lower cap cost ingest
 *  throughput in bench/ingest (bench/README, "A cap on lane batches in progress"), which reports it. */
export function laneBatchesInProgress(env: NodeJS.ProcessEnv): number {
  const pool = dbPoolSize(env);
  return int(env, 'ETC_LANE_BATCHES_IN_PROGRESS', Math.max(1, pool - 2), 1, Math.max(1, pool - 1));
}

function lanesConfig(env: NodeJS.ProcessEnv): LanesConfig {
  const clearingCron = env.ETC_CLEARING_CRON || '30 0 * * *';
  if (!cron.validate(clearingCron)) fail('ETC_CLEARING_CRON', `must be a cron expression, got "${clearingCron}"`);
  return {
    clockToleranceSeconds: int(env, 'ETC_LANE_CLOCK_TOLERANCE_SECONDS', 600, 1, 86_400),
    maxAgeDays: int(env, 'ETC_LANE_MAX_AGE_DAYS', 30, 1, 365),
    clearingCron,
    batchesInProgress: laneBatchesInProgress(env),
  };
}

// ETC_READ_DATABASE_URL: a hot standby of DATABASE_URL (docs/OPERATIONS.md, "A read replica")
function readDatabaseUrl(env: NodeJS.ProcessEnv, databaseUrl: string | undefined): string | undefined {
  const url = env.ETC_READ_DATABASE_URL || undefined;
  if (!url) return undefined;
  if (!databaseUrl) fail('ETC_READ_DATABASE_URL', 'is a replica of DATABASE_URL: set DATABASE_URL too');
  if (!/^postgres(ql)?:\/\//.test(url)) fail('ETC_READ_DATABASE_URL', 'must be a postgres:// URL');
  return url;
}

// Demo mode lets the key service write a demo card stock (card keys of demo media). The embedded
// database is always the demo; ETC_DEMO=1 makes a PostgreSQL set-up one too, but never together with
// a production-looking set-up (a database on another host, NODE_ENV=production): that is refused at start.
function demoMode(env: NodeJS.ProcessEnv, databaseUrl: string | undefined): boolean {
  const raw = env.ETC_DEMO ?? '';
  if (!['', '0', '1'].includes(raw)) fail('ETC_DEMO', `must be 1 or 0, got "${raw}"`);
  if (raw !== '1') return !databaseUrl;
  if (env.NODE_ENV === 'production') fail('ETC_DEMO', 'cannot be 1 with NODE_ENV=production');
  if (databaseUrl) {
    let host: string;
    try {
      host = new URL(databaseUrl).hostname;
    } catch {
      fail('DATABASE_URL', 'is not a URL');
    }
    // an empty host is a local socket
    if (!['', 'localhost', '127.0.0.1', '[::1]'].includes(host))
      fail('ETC_DEMO', `cannot be 1 with a database on another host (${host}): demo mode is for a local database`);
  }
  return true;
}

function queuePrefix(env: NodeJS.ProcessEnv): string {
  const raw = env.ETC_QUEUE_PREFIX || 'etc';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(raw)) fail('ETC_QUEUE_PREFIX', 'must be 1-64 letters, digits, _ . or -');
  return raw;
}

// Where the data lives, for `etc backup` and `etc restore`: read without side effects (no KEK is
// generated and no directory made, so a restore finds the data dir as it was).
export function loadStorageConfig(env: NodeJS.ProcessEnv = process.env): {
  databaseUrl: string | undefined;
  dataDir: string;
} {
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) fail('DATABASE_URL', 'must be a postgres:// URL');
  return { databaseUrl, dataDir: resolve(env.ETC_DATA_DIR || './var') };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(env.ETC_DATA_DIR || './var');
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) fail('DATABASE_URL', 'must be a postgres:// URL');
  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) fail('REDIS_URL', 'must be a redis:// URL');
  const network = env.ETC_NETWORK || '3401';
  if (!/^\d{4}$/.test(network)) fail('ETC_NETWORK', 'must be a 4-digit network id such as 3401');
  mkdirSync(dataDir, { recursive: true });
  const port = int(env, 'PORT', 8080, 0, 65535);
  return {
    port,
    workers: int(env, 'ETC_WORKERS', 1, 1, 64),
    laneWorkers: laneWorkersConfig(env, port),
    dbPoolSize: dbPoolSize(env),
    databaseUrl,
    readDatabaseUrl: readDatabaseUrl(env, databaseUrl),
    demo: demoMode(env, databaseUrl),
    redisUrl,
    queuePrefix: queuePrefix(env),
    dataDir,
    kek: loadKek(env, dataDir, !databaseUrl),
    network,
    sessionTtlSeconds: int(env, 'ETC_SESSION_TTL_SECONDS', 8 * 3600, 60, 7 * 24 * 3600),
    login: {
      maxFailures: int(env, 'ETC_LOGIN_MAX_FAILURES', 5, 1, 100),
      addressMaxFailures: int(env, 'ETC_LOGIN_ADDRESS_MAX_FAILURES', 20, 1, 100_000),
      addressWindowSeconds: int(env, 'ETC_LOGIN_ADDRESS_WINDOW_SECONDS', 900, 10, 86_400),
    },
    logLevel: env.LOG_LEVEL || 'info',
    reissueWaitDays: int(env, 'ETC_REISSUE_WAIT_DAYS', 7, 0, 365),
    // the purse register is 4 bytes unsigned: no limit may exceed 2^32 - 1 fen
    cardLimit: BigInt(int(env, 'ETC_CARD_LIMIT', 1_000_000, 1, 4_294_967_295)),
    loadLimits: {
      bank: BigInt(int(env, 'ETC_BANK_LOAD_LIMIT', 500_000, 1, 4_294_967_295)),
      counter: BigInt(int(env, 'ETC_COUNTER_LOAD_LIMIT', 1_000_000, 1, 4_294_967_295)),
    },
    stuckLoadMinutes: int(env, 'ETC_STUCK_LOAD_MINUTES', 30, 1, 7 * 24 * 60),
    interchangeConfirmationHoldMinutes: int(env, 'ETC_INTERCHANGE_CONFIRMATION_HOLD_MINUTES', 0, 0, 24 * 60),
    shutdownTimeoutSeconds: int(env, 'ETC_SHUTDOWN_TIMEOUT_SECONDS', 10, 1, 600),
    money: moneyConfig(env),
    statusList: statusListConfig(env, dataDir),
    lanes: lanesConfig(env),
    bankStatements: statementFetchConfig(env, fail, (name, dflt, min, max) => int(env, name, dflt, min, max)),
  };
}
