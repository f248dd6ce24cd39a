// Builds the console (web/dist) when it is missing or older than its sources, so `npm start` and
// `npm test` on a fresh clone serve a current console with no extra command. Plain Node: it runs
// before anything else is ready.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = dirname(fileURLToPath(import.meta.url));
const root = join(web, '..');
const built = join(web, 'dist', 'index.html');

// everything the bundle is made from: the console, the reader client and the shared code tables
const sources = [
  join(web, 'src'),
  join(web, 'index.html'),
  join(web, 'vite.config.ts'),
  join(root, 'reader'),
  join(root, 'src', 'modules', 'codes.ts'),
  join(root, 'src', 'modules', 'customers', 'codes.ts'),
  join(root, 'src', 'modules', 'statuslist', 'reasons.ts'),
  join(root, 'package-lock.json'),
];

function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), s.mtimeMs);
}

const force = process.argv.includes('--force');
const stale = force || !existsSync(built) || statSync(built).mtimeMs < Math.max(...sources.map(newest));
if (!stale) {
  console.log('console: web/dist is current');
} else {
  console.log('console: building web/dist …');
  const vite = join(root, 'node_modules', '.bin', 'vite');
  const r = spawnSync(vite, ['build', '--config', join(web, 'vite.config.ts'), '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
