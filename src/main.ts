// The one command line: etc serve | migrate | seed | users add | clients add | check-ledger | keys …
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { closableServer } from './platform/http/graceful.ts';
import { bootstrap, closeDatabase, generateFirstKeys, openDatabase, shutdown } from './bootstrap.ts';
import { ConfigError, loadConfig, loadStorageConfig } from './config.ts';
import { backup, BackupRefused, restore } from './backup.ts';
import { buildApp } from './app.ts';
import { migrate } from './platform/db/migrate.ts';
import { CLIENT_ROLES, USER_ROLES, type ClientRole, type UserRole } from './modules/access/index.ts';
import { addClient, createUser } from './modules/access/index.ts';
import { checkLedger, ensureSystemAccounts } from './modules/ledger/index.ts';
import { importKeys, initPki, KeyImportError, listKeys, listPki } from './modules/keys/index.ts';
import { DataDirLockedError } from './platform/db/data-dir-lock.ts';
import { throughRunningService, writeDemoPasswords, type DemoUser } from './cli-support.ts';
import { seedDemo } from './seed.ts';
import { startSchedules } from './platform/queue/schedules.ts';
import { registerJobs } from './modules/jobs.ts';
import { clearDay, daySummary } from './modules/clearing/index.ts';
import { deliverPending, importDropFolder } from './modules/interchange/index.ts';
import { makeDemoStock } from './modules/issuance/index.ts';
import cluster from 'node:cluster';
import { runPrimary, workerIndex } from './serve-cluster.ts';

const USAGE = `usage: etc <command>
  serve [--workers N]                     run the service (embedded database unless DATABASE_URL is set); N API
                                          processes share the port (PostgreSQL only; default ETC_WORKERS or 1)
  migrate                                 apply database migrations
  seed                                    seed the demo province and demo users (idempotent; passwords to ETC_DATA_DIR/demo-passwords.txt)
  users add --role ROLE --name NAME [--username U]   create a user; prints its password once
  clients add --role bank|lane|province --id ID      create a machine client; prints its secret once
  check-ledger                            verify the ledger invariants (exit 1 on failure)
  backup --out FILE                       PostgreSQL: pg_dump archive; embedded: tar of the stopped data dir (exit 3 while in use)
  restore --file FILE [--database-url URL]   into an empty database (pg_restore) or an empty data dir
  clear --date YYYY-MM-DD                 run the clearing of a day that is over, with progress (seal, splits, packages, settlement, payouts); re-running changes nothing
  interchange deliver | interchange import            deliver pending documents to peers now | read the files peers left in the drop folder
  keys init | keys list | keys import --file F       key ceremony (list shows KCVs only); only keys init and the
                                          embedded first start generate keys
The embedded database admits one process: a command run while another holds ETC_DATA_DIR exits 3 (beside a
running service, the admin commands print the API requests that do the same through it).
  demo card-stock --count N --out FILE    demo mode only: N blank cards of each type and N blank OBUs with their card keys, for the virtual reader (0600 file)`;

function out(line: string): void {
  process.stdout.write(line + '\n');
}

async function main(argv: string[]): Promise<number> {
  const [cmd, sub] = argv;
  const { values } = parseArgs({
    args: argv.slice(
      cmd === 'users' || cmd === 'clients' || cmd === 'keys' || cmd === 'interchange' || cmd === 'demo' ? 2 : 1,
    ),
    options: {
      role: { type: 'string' },
      name: { type: 'string' },
      username: { type: 'string' },
      id: { type: 'string' },
      file: { type: 'string' },
      date: { type: 'string' },
      count: { type: 'string' },
      out: { type: 'string' },
      'database-url': { type: 'string' },
      workers: { type: 'string' },
    },
    strict: true,
  });
  if (cmd === 'backup' || cmd === 'restore') return backupCommand(cmd, values);
  const config = loadConfig();

  if (cmd === 'migrate') {
    const db = openDatabase(config, 'migrate');
    const applied = await migrate(db, out);
    await ensureSystemAccounts(db);
    out(applied.length ? `${applied.length} migrations applied` : 'schema is up to date');
    await closeDatabase(db);
    return 0;
  }
  if (
    !['serve', 'seed', 'users', 'clients', 'check-ledger', 'keys', 'clear', 'interchange', 'demo'].includes(cmd ?? '')
  ) {
    out(USAGE);
    return cmd ? 2 : 0;
  }
  if (cmd === 'demo') {
    if (sub !== 'card-stock' || !values.out || !values.count || !/^\d+$/.test(values.count))
      throw new UsageError('demo card-stock --count N --out FILE');
    // refused before the database is touched; the stock itself checks again
    if (!config.demo) {
      process.stderr.write(
        'demo-mode-required: a card stock holds card keys: only with the embedded database, or ETC_DEMO=1 on a local database\n',
      );
      return 2;
    }
    if (existsSync(values.out)) throw new UsageError(`${values.out} exists: a stock file is never overwritten`);
  }
  if (cmd === 'serve') {
    const workers = values.workers === undefined ? config.workers : Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1 || workers > 64)
      throw new UsageError('serve --workers N: N must be an integer from 1 to 64');
    if (workers > 1 && !config.databaseUrl)
      throw new UsageError(
        `etc serve: ${workers} workers need PostgreSQL (DATABASE_URL); the embedded database admits one process, so it runs one`,
      );
    const lanes = config.laneWorkers;
    if (lanes && !config.databaseUrl)
      throw new UsageError(
        'etc serve: lane workers (ETC_LANE_WORKERS) need PostgreSQL (DATABASE_URL); the embedded database admits one process',
      );
    if ((workers > 1 || lanes) && cluster.isPrimary) return runPrimary(workers, lanes, out);
  }
  let app: Awaited<ReturnType<typeof bootstrap>>;
  try {
    app = await bootstrap(config, { command: [cmd, sub].filter(Boolean).join(' ') });
  } catch (err) {
    // a running service holds the embedded database: say how to do this through it instead
    if (err instanceof DataDirLockedError && err.holder.command === 'serve' && cmd !== 'serve') {
      process.stderr.write(throughRunningService(cmd!, sub, values, err.holder));
      return 3;
    }
    throw err;
  }
  try {
    switch (cmd) {
      case 'serve':
        // a start refused before listening must not leave the pool holding the process open
        return await serve(app).catch(async (err) => {
          await shutdown(app);
          throw err;
        });
      case 'seed': {
        const r = await seedDemo(app);
        out(`demo network: ${JSON.stringify(r.network)}`);
        printUsers(app.config.dataDir, r.users);
        return 0;
      }
      case 'users': {
        if (sub !== 'add' || !values.role || !values.name) throw new UsageError('users add --role ROLE --name NAME');
        if (!(USER_ROLES as readonly string[]).includes(values.role))
          throw new UsageError(`--role must be one of ${USER_ROLES.join(', ')}`);
        const username =
          values.username ??
          values.name
            .toLowerCase()
            .replace(/[^a-z0-9._-]+/g, '.')
            .replace(/^[^a-z0-9]+/, '');
        const { user, password } = await createUser(app.db, null, {
          username,
          displayName: values.name,
          role: values.role as UserRole,
        });
        out(`user ${user.username} (${user.role}) created; password (shown once): ${password}`);
        return 0;
      }
      case 'clients': {
        if (sub !== 'add' || !values.role || !values.id)
          throw new UsageError('clients add --role bank|lane|province --id ID');
        if (!(CLIENT_ROLES as readonly string[]).includes(values.role))
          throw new UsageError(`--role must be one of ${CLIENT_ROLES.join(', ')}`);
        const { client, secret } = await addClient(app.db, app.keys.hsm, null, {
          id: values.id,
          role: values.role as ClientRole,
        });
        out(`client ${client.id} (${client.role}) created; HMAC secret (shown once): ${secret}`);
        return 0;
      }
      case 'check-ledger': {
        const r = await checkLedger(app.db);
        for (const f of r.failures) out(`FAIL ${f.check}: ${f.detail}`);
        out(r.ok ? 'ledger invariants hold' : `${r.failures.length} invariant failures`);
        return r.ok ? 0 : 1;
      }
      case 'keys':
        return await keysCommand(app, sub, values.file);
      case 'demo': {
        const n = Number(values.count);
        const stock = await makeDemoStock(app, { cards22: n, cards23: n, obus: n });
        writeStockFile(values.out!, stock);
        out(`wrote ${stock.cards.length} blank cards and ${stock.obus.length} blank OBUs to ${values.out} (demo only)`);
        return 0;
      }
      case 'interchange': {
        if (sub === 'deliver') {
          const r = await deliverPending(app);
          out(`${r.delivered} documents delivered, ${r.failed} could not be (they stay pending)`);
          return r.failed ? 1 : 0;
        }
        if (sub !== 'import') throw new UsageError('interchange deliver | interchange import');
        const files = await importDropFolder(app);
        for (const f of files) out(`${f.network}/${f.file}: ${f.outcome} ${JSON.stringify(f.answer)}`);
        out(`${files.length} files read from the drop folder`);
        return 0;
      }
      case 'clear': {
        if (!values.date || !/^\d{4}-\d{2}-\d{2}$/.test(values.date)) throw new UsageError('clear --date YYYY-MM-DD');
        out(`clearing day ${values.date}`);
        const started = Date.now();
        const { done, pending } = await clearDay(
          {
            app,
            now: app.clock.now(),
            actor: 'cli:clear',
            progress: (line) => out(`${line} (${Date.now() - started} ms)`),
          },
          values.date,
        );
        const day = await daySummary(app.db, values.date);
        if (pending)
          out(
            `clearing day ${values.date}: waiting at ${pending.step} (${pending.reasons.length} reasons above); run again when the documents are in`,
          );
        else
          out(
            done.length
              ? `clearing day ${values.date}: ${done.join(', ')} done`
              : `clearing day ${values.date} was already cleared; nothing changed`,
          );
        for (const o of day.operators)
          out(
            `  ${o.operatorId.padEnd(12)} ${o.source.padEnd(9)} ${String(o.transactions).padStart(9)} transactions ${String(o.amount).padStart(14)} fen`,
          );
        return 0;
      }
    }
    return 2;
  } finally {
    if (cmd !== 'serve') await shutdown(app);
  }
}

class UsageError extends Error {}

async function backupCommand(
  cmd: 'backup' | 'restore',
  values: { out?: string; file?: string; 'database-url'?: string },
): Promise<number> {
  const storage = loadStorageConfig();
  if (cmd === 'backup') {
    if (!values.out) throw new UsageError('backup --out FILE');
    await backup(storage, values.out, out);
  } else {
    if (!values.file) throw new UsageError('restore --file FILE [--database-url URL]');
    const target = values['database-url'] ?? storage.databaseUrl;
    if (target && !/^postgres(ql)?:\/\//.test(target)) throw new UsageError('--database-url must be a postgres:// URL');
    await restore({ ...storage, databaseUrl: target }, values.file, out);
  }
  return 0;
}

// Holds card keys: readable by its owner only, and never overwritten.
function writeStockFile(path: string, stock: unknown): void {
  writeFileSync(path, JSON.stringify(stock, null, 1) + '\n', { mode: 0o600, flag: 'wx' });
}

function printUsers(dataDir: string, users: DemoUser[]): void {
  const file = writeDemoPasswords(dataDir, users);
  if (file) out(`demo users ${users.map((u) => u.username).join(', ')} created; their passwords are in ${file}`);
}

class NoKeysError extends Error {}

async function keysCommand(
  app: Awaited<ReturnType<typeof bootstrap>>,
  sub: string | undefined,
  file: string | undefined,
): Promise<number> {
  if (sub === 'init') {
    const created = await generateFirstKeys(app.db, app.keys, app.log);
    out(created ? `generated ${created} master keys` : 'every purpose already has a master key');
    // the centre CA and the status-list signing certificate (otherwise made at first use)
    const pki = await initPki(app.db, app.keys.hsm, { network: app.config.network, now: new Date() });
    if (pki.length) out(`created ${pki.join(' and ')} key and certificate`);
  } else if (sub === 'import') {
    if (!file) throw new UsageError('keys import --file F');
    const created = await importKeys(app.db, app.keys.hsm, JSON.parse(readFileSync(file, 'utf8')));
    out(`imported ${created.length} master keys`);
  } else if (sub !== 'list') {
    throw new UsageError('keys init | keys list | keys import --file F');
  }
  const keys = await listKeys(app.db);
  if (!keys.length) out('no master keys yet: `etc keys init` generates them, `etc keys import --file F` imports a set');
  for (const k of keys) out(`${k.purpose.padEnd(16)} v${String(k.version).padEnd(4)} kcv ${k.kcv}`);
  for (const c of await listPki(app.db))
    out(`${`pki:${c.name}`.padEnd(16)} certificate sha256 ${c.fingerprint.slice(0, 16)}…`);
  return 0;
}

async function serve(app: Awaited<ReturnType<typeof bootstrap>>): Promise<number> {
  if (!(await listKeys(app.db)).length) {
    // the embedded mode's first start makes its keys; a centre on PostgreSQL gets them by ceremony
    if (app.config.databaseUrl)
      throw new NoKeysError(
        'etc serve: this centre has no master keys; run `etc keys init` (a new centre) or `etc keys import --file F` first',
      );
    out(`generated ${await generateFirstKeys(app.db, app.keys, app.log)} master keys`);
  }
  if (!app.config.databaseUrl && !(await app.db('users').first())) {
    // first start of the embedded mode: a demo province to try things on
    const r = await seedDemo(app);
    out(`seeded the demo province: ${JSON.stringify(r.network)}`);
    printUsers(app.config.dataDir, r.users);
    // and blank media for the virtual card reader (npm run reader), whose default stock this is
    const file = join(app.config.dataDir, 'card-stock.json');
    if (!existsSync(file)) {
      writeStockFile(file, await makeDemoStock(app, { cards22: 10, cards23: 10, obus: 10 }));
      out(`demo card stock for the virtual reader: ${file} (npm run reader)`);
    }
  }
  // with several workers only the first fires the schedules (src/serve-cluster.ts)
  const schedules = registerJobs(app);
  const stopSchedules =
    workerIndex() === 0
      ? startSchedules(app.queue, schedules, (err) => app.log.error({ err }, 'schedule failed'))
      : () => {};
  const { express } = buildApp(app);
  const server = express.listen(app.config.port, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : app.config.port;
    out(
      `ETC back office listening on http://localhost:${port} (${app.config.databaseUrl ? 'PostgreSQL' : 'embedded database in ' + app.config.dataDir}, ${app.queue.kind} queue)`,
    );
    out(`log in: POST /api/v1/sessions {"username","password"}; API document: GET /api/v1/openapi.json`);
  });
  const http = closableServer(server);
  process.once('SIGTERM', () => void gracefulStop(app, http, stopSchedules, 'SIGTERM'));
  process.once('SIGINT', () => void gracefulStop(app, http, stopSchedules, 'SIGINT'));
  return new Promise(() => {});
}

// A graceful stop: no new connections or jobs; the requests and jobs in flight finish; then the
// queue's Redis clients and the database pool close and the process exits 0. Past
// ETC_SHUTDOWN_TIMEOUT_SECONDS it exits 1 with whatever is left unfinished (at-least-once jobs run
// again elsewhere; an unanswered request is retried by its client under its idempotency key).
let stopping = false;
async function gracefulStop(
  app: Awaited<ReturnType<typeof bootstrap>>,
  http: { close: () => Promise<void> },
  stopSchedules: () => void,
  signal: string,
): Promise<void> {
  // a worker gets SIGINT from the terminal and SIGTERM from the primary: one stop
  if (stopping) return;
  stopping = true;
  const seconds = app.config.shutdownTimeoutSeconds;
  out(`${signal}: stopping (new connections refused; in-flight requests and jobs get ${seconds} s)`);
  const bound = setTimeout(() => {
    process.stderr.write(`etc: shutdown did not finish within ${seconds} s; exiting\n`);
    process.exit(1);
  }, seconds * 1000);
  try {
    stopSchedules();
    await http.close();
    out(`${signal}: requests finished; waiting for running jobs`);
    await shutdown(app);
    clearTimeout(bound);
    out(`${signal}: stopped`);
    process.exit(0);
  } catch (err) {
    process.stderr.write(`etc: shutdown failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (err) => {
    if (err instanceof DataDirLockedError) {
      process.stderr.write(`etc: ${err.message}\n`);
      process.exitCode = 3;
    } else if (
      err instanceof ConfigError ||
      err instanceof UsageError ||
      err instanceof BackupRefused ||
      err instanceof KeyImportError ||
      err instanceof NoKeysError
    ) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`etc: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
