// What the command line tells its operator beyond one command: the demo passwords (kept out of the
// log stream) and, when a running service holds the embedded database, how to do the same through
// that service's API.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LockHolder } from './platform/db/data-dir-lock.ts';

export type DemoUser = { username: string; role: string; password: string };

// The demo passwords go to a file only its owner can read, and to the terminal only when stderr is
// one: stdout carries the service's JSON log lines, and whatever collects them (journald, docker
// logs) would keep the passwords. Returns the file's path.
export function writeDemoPasswords(
  dataDir: string,
  users: DemoUser[],
  stderr: { isTTY?: boolean; write(s: string): unknown } = process.stderr,
): string | undefined {
  if (!users.length) return undefined;
  const file = join(dataDir, 'demo-passwords.txt');
  const lines = users.map((u) => `${u.role.padEnd(10)} ${u.username.padEnd(12)} ${u.password}`);
  writeFileSync(file, ['# demo users created at first start; change these passwords', ...lines, ''].join('\n'), {
    mode: 0o600,
  });
  chmodSync(file, 0o600); // the mode above applies only when the file is new
  if (stderr.isTTY) stderr.write(`demo users (passwords are shown once; keep them):\n${lines.join('\n')}\n`);
  return file;
}

type Values = { role?: string; name?: string; username?: string; id?: string; file?: string; date?: string };

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

// When `etc serve` holds the embedded database, the commands a user needs while it runs are made
// through its API: the exact requests to send, as an administrator (or auditor, for the lists).
export function throughRunningService(cmd: string, sub: string | undefined, v: Values, holder: LockHolder): string {
  const base = `http://localhost:${holder.port ?? 8080}`;
  const login =
    `  TOKEN=$(curl -s -X POST ${base}/api/v1/sessions -H 'content-type: application/json' \\\n` +
    `    -d '{"username":"admin","password":"…"}' | sed -E 's/.*"token":"([^"]+)".*/\\1/')\n`;
  const call = (method: string, path: string, body?: unknown) =>
    `  curl -s -X ${method} ${base}${path} -H "authorization: Bearer $TOKEN"` +
    (body === undefined ? '' : ` -H 'content-type: application/json' -d ${shellQuote(JSON.stringify(body))}`) +
    '\n';
  let request: string | undefined;
  if (cmd === 'clients' && sub === 'add')
    request = call('POST', '/api/v1/clients', { id: v.id ?? 'ID', role: v.role ?? 'bank|lane|province' });
  else if (cmd === 'clients') request = call('GET', '/api/v1/clients');
  else if (cmd === 'users' && sub === 'add')
    request = call('POST', '/api/v1/users', {
      username: v.username ?? 'USERNAME',
      displayName: v.name ?? 'NAME',
      role: v.role ?? 'ROLE',
    });
  else if (cmd === 'users') request = call('GET', '/api/v1/users');
  else if (cmd === 'keys' && (sub === 'list' || sub === undefined)) request = call('GET', '/api/v1/keys');
  else if (cmd === 'check-ledger') request = call('GET', '/api/v1/ledger/check');
  const head =
    `etc ${[cmd, sub].filter(Boolean).join(' ')}: the service (process ${holder.pid}) is running on this ` +
    `embedded database, which admits one process at a time.\n`;
  if (!request) return head + `Stop the service first (Ctrl-C or kill ${holder.pid}), then run the command again.\n`;
  return (
    head +
    `Do it through the running service instead, logged in as an administrator:\n` +
    login +
    request +
    `(or stop the service first and run the command again).\n`
  );
}
