// Assembles the long-lived services from the configuration: database (PostgreSQL or embedded),
// schema, system ledger accounts, key service, queue, logger and clock.
import type { Config } from './config.ts';
import { systemClock, type Clock } from './platform/clock/clock.ts';
import { createEmbeddedKnex, createPostgresKnex, type Db } from './platform/db/knex.ts';
import { migrate } from './platform/db/migrate.ts';
import type { AppContext } from './platform/http/context.ts';
import { createLogger, type Logger } from './platform/log/logger.ts';
import { createQueue, type Queue } from './platform/queue/queue.ts';
import { initKeys, KeyService, SoftwareHsm } from './modules/keys/index.ts';
import { ensureSystemAccounts } from './modules/ledger/index.ts';
import { registerModuleInvariants } from './modules/invariants.ts';
import { registerModuleReactions } from './modules/reactions.ts';

export type BootOptions = { clock?: Clock; log?: Logger; queue?: Queue; db?: Db; migrate?: boolean };

export function openDatabase(config: Config): Db {
  return config.databaseUrl ? createPostgresKnex(config.databaseUrl) : createEmbeddedKnex(config.dataDir);
}

export async function bootstrap(config: Config, opts: BootOptions = {}): Promise<AppContext> {
  const log = opts.log ?? createLogger(config.logLevel);
  const db = opts.db ?? openDatabase(config);
  const keys = new KeyService(new SoftwareHsm(config.kek));
  try {
    if (opts.migrate !== false) {
      await migrate(db, (m) => log.info({ migration: m }, 'migrated'));
      await ensureSystemAccounts(db);
    }
    // the key store is created at first start: every purpose gets a random version-1 master key
    const created = await initKeys(db, keys.hsm);
    if (created.length)
      log.info({ keys: created.map((k) => `${k.purpose}:v${k.version}:${k.kcv}`) }, 'master keys generated');
    await keys.load(db);
  } catch (err) {
    // a start that fails (a migration, a wrong KEK) must not leave the pool holding the process open
    if (!opts.db) await db.destroy().catch(() => {});
    throw err;
  }
  registerModuleInvariants();
  registerModuleReactions();
  const queue = opts.queue ?? createQueue(config.redisUrl);
  return { db, config, keys, clock: opts.clock ?? systemClock, log, queue };
}

export async function shutdown(app: AppContext): Promise<void> {
  await app.queue.close();
  await app.db.destroy();
}
