// Assembles the long-lived services from the configuration: database (PostgreSQL or embedded),
// schema, system ledger accounts, key service, queue, logger and clock.
import type { Config } from './config.ts';
import { systemClock, type Clock } from './platform/clock/clock.ts';
import { createEmbeddedKnex, createPostgresKnex, type Db } from './platform/db/knex.ts';
import { migrate } from './platform/db/migrate.ts';
import { acquireDataDirLock } from './platform/db/data-dir-lock.ts';
import type { AppContext } from './platform/http/context.ts';
import { createLogger, type Logger } from './platform/log/logger.ts';
import { createQueue, type Queue } from './platform/queue/queue.ts';
import { initKeys, KeyService, SoftwareHsm } from './modules/keys/index.ts';
import { ensureSystemAccounts } from './modules/ledger/index.ts';
import { registerModuleInvariants } from './modules/invariants.ts';
import { registerModuleReactions } from './modules/reactions.ts';

export type BootOptions = {
  command?: string; // what holds the embedded database's lock (shown to a second process)
  clock?: Clock;
  log?: Logger;
  queue?: Queue;
  db?: Db;
  migrate?: boolean;
  // a new centre made in one go (tests, simulations): generate version 1 of every master key that is
  // missing. Commands never do this as a side effect: a centre's keys come from `keys init`, `keys import`
  // or the embedded first start, so an older system's v1 set can still be imported.
  generateKeys?: boolean;
};

// The embedded database is locked for this process (platform/db/data-dir-lock.ts) before it is
// opened, and unlocked by closeDatabase (or when the process exits); `command` names the holder to a
// process that is refused.
export function openDatabase(config: Config, command = 'serve'): Db {
  if (config.databaseUrl) return createPostgresKnex(config.databaseUrl, config.dbPoolSize);
  const lock = acquireDataDirLock(config.dataDir, { command, port: command === 'serve' ? config.port : undefined });
  let db: Db;
  try {
    db = createEmbeddedKnex(config.dataDir);
  } catch (err) {
    lock.release();
    throw err;
  }
  db.releaseLock = lock.release;
  return db;
}

export async function bootstrap(config: Config, opts: BootOptions = {}): Promise<AppContext> {
  const log = opts.log ?? createLogger(config.logLevel);
  const db = opts.db ?? openDatabase(config, opts.command);
  const keys = new KeyService(new SoftwareHsm(config.kek));
  try {
    if (opts.migrate !== false) {
      await migrate(db, (m) => log.info({ migration: m }, 'migrated'));
      await ensureSystemAccounts(db);
    }
    if (opts.generateKeys) await generateFirstKeys(db, keys, log);
    await keys.load(db);
  } catch (err) {
    // a start that fails (a migration, a wrong KEK) must not leave the pool holding the process open
    if (!opts.db) await closeDatabase(db).catch(() => {});
    throw err;
  }
  registerModuleInvariants();
  registerModuleReactions();
  const queue = opts.queue ?? createQueue(config.redisUrl, config.queuePrefix);
  const readDb = config.readDatabaseUrl ? createPostgresKnex(config.readDatabaseUrl, config.dbPoolSize) : undefined;
  return { db, readDb, config, keys, clock: opts.clock ?? systemClock, log, queue };
}

// Version 1 of every purpose that has no master key yet, at random: `keys init` and the first start
// of the embedded mode. Returns how many were made.
export async function generateFirstKeys(db: Db, keys: KeyService, log: Logger): Promise<number> {
  const created = await initKeys(db, keys.hsm);
  if (created.length) {
    log.info({ keys: created.map((k) => `${k.purpose}:v${k.version}:${k.kcv}`) }, 'master keys generated');
    await keys.load(db);
  }
  return created.length;
}

export async function closeDatabase(db: Db): Promise<void> {
  try {
    await db.destroy();
  } finally {
    db.releaseLock?.();
  }
}

export async function shutdown(app: AppContext): Promise<void> {
  await app.queue.close();
  await app.readDb?.destroy();
  await closeDatabase(app.db);
}
