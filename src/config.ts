// The only reader of process.env. Everything is validated once at start so a bad
// setting fails fast with the variable's name instead of surfacing mid-request.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type Config = {
  port: number;
  databaseUrl: string | undefined; // undefined → embedded PGlite in dataDir
  redisUrl: string | undefined; // undefined → in-process queue
  dataDir: string;
  kek: Buffer; // key-encryption key; never logged, never returned
  network: string; // this centre's 4-digit network id
  sessionTtlSeconds: number;
  logLevel: string;
  reissueWaitDays: number;
  cardLimit: bigint; // highest purse balance a load may reach (fen)
  loadLimits: { bank: bigint; counter: bigint }; // single-load limit per channel (fen)
  stuckLoadMinutes: number; // a load authorised longer than this is listed for finance
};

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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(env.ETC_DATA_DIR || './var');
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) fail('DATABASE_URL', 'must be a postgres:// URL');
  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) fail('REDIS_URL', 'must be a redis:// URL');
  const network = env.ETC_NETWORK || '3401';
  if (!/^\d{4}$/.test(network)) fail('ETC_NETWORK', 'must be a 4-digit network id such as 3401');
  mkdirSync(dataDir, { recursive: true });
  return {
    port: int(env, 'PORT', 8080, 0, 65535),
    databaseUrl,
    redisUrl,
    dataDir,
    kek: loadKek(env, dataDir, !databaseUrl),
    network,
    sessionTtlSeconds: int(env, 'ETC_SESSION_TTL_SECONDS', 8 * 3600, 60, 7 * 24 * 3600),
    logLevel: env.LOG_LEVEL || 'info',
    reissueWaitDays: int(env, 'ETC_REISSUE_WAIT_DAYS', 7, 0, 365),
    // the purse register is 4 bytes unsigned: no limit may exceed 2^32 - 1 fen
    cardLimit: BigInt(int(env, 'ETC_CARD_LIMIT', 1_000_000, 1, 4_294_967_295)),
    loadLimits: {
      bank: BigInt(int(env, 'ETC_BANK_LOAD_LIMIT', 500_000, 1, 4_294_967_295)),
      counter: BigInt(int(env, 'ETC_COUNTER_LOAD_LIMIT', 1_000_000, 1, 4_294_967_295)),
    },
    stuckLoadMinutes: int(env, 'ETC_STUCK_LOAD_MINUTES', 30, 1, 7 * 24 * 60),
  };
}
