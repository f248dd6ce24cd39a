// Two independent centres for the interchange tests: each its own PostgreSQL database (made here,
// dropped at the end), its own KEK, master keys, queue prefix on the real Redis and data folder,
// served over real HTTP (lanes-sim's sim centre) so that each reaches the other as a peer. Job
// processors are not started: the tests deliver and clear explicitly, so every step is in order.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { bootstrap, shutdown } from '../../src/bootstrap.ts';
import { loadConfig } from '../../src/config.ts';
import { ManualClock } from '../../src/platform/clock/clock.ts';
import { createLogger } from '../../src/platform/log/logger.ts';
import { BullQueue } from '../../src/platform/queue/queue.ts';
import type { MasterKeys } from '../../lanes-sim/card/virtual-card.ts';
import { startSimCentre, type SimCentre } from '../../lanes-sim/traffic/sim-centre.ts';
import { adminSql, databaseUrl } from './admin-db.ts';

export { pairSimCentres as pairCentres, asProvince } from '../../lanes-sim/traffic/sim-centre.ts';

export type TestCentre = SimCentre & { close: () => Promise<void> };

export async function startCentre(
  network: string,
  masters: MasterKeys,
  keyVersion: number,
  start: Date,
  // more settings of this centre (e.g. its confirmation hold)
  env: Record<string, string> = {},
): Promise<TestCentre> {
  const dbName = `etc_test_${process.pid}_${network}_${randomBytes(3).toString('hex')}`;
  await adminSql(`create database ${dbName}`);
  const config = loadConfig({
    DATABASE_URL: databaseUrl(dbName),
    ETC_KEK: randomBytes(32).toString('hex'),
    ETC_NETWORK: network,
    ETC_DATA_DIR: mkdtempSync(join(tmpdir(), `etc-${network}-`)),
    LOG_LEVEL: 'warn',
    ...env,
  });
  const clock = new ManualClock(start);
  const queue = new BullQueue(
    process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    `${process.env.TEST_QUEUE_PREFIX ?? 'etc-test'}-${network}`,
  );
  const app = await bootstrap(config, { clock, log: createLogger('warn'), queue, generateKeys: true });
  const sim = await startSimCentre(app, clock, { masters, keyVersion });
  return {
    ...sim,
    close: async () => {
      await sim.stop();
      await queue.purge();
      await shutdown(app);
      await adminSql(`drop database if exists ${dbName} with (force)`);
    },
  };
}

export function sharedPurchaseMasters(): [MasterKeys, MasterKeys] {
  const purchase = randomBytes(16);
  return [
    { load: randomBytes(16), tac: randomBytes(16), purchase },
    { load: randomBytes(16), tac: randomBytes(16), purchase },
  ];
}
