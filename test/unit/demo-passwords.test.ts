// The demo passwords of a first start: a file only its owner reads, and the terminal only when
// stderr is one (stdout carries the JSON log stream, which log collectors keep).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDemoPasswords } from '../../src/cli-support.ts';

describe('demo passwords', () => {
  const users = [
    { username: 'clerk', role: 'clerk', password: 'Pw-clerk-0123456789abcd' },
    { username: 'admin', role: 'admin', password: 'Pw-admin-0123456789abcd' },
  ];
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'etc-demo-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes them to a 0600 file and not to a stderr that is no terminal', () => {
    const written: string[] = [];
    const file = writeDemoPasswords(dir, users, { isTTY: false, write: (s: string) => written.push(s) });
    assert.equal(file, join(dir, 'demo-passwords.txt'));
    assert.equal(statSync(file!).mode & 0o777, 0o600);
    const text = readFileSync(file!, 'utf8');
    for (const u of users) assert.match(text, new RegExp(`${u.role}\\s+${u.username}\\s+${u.password}`));
    assert.deepEqual(written, []);
  });

  it('shows them on a terminal, and writes nothing when no user was created', () => {
    const written: string[] = [];
    writeDemoPasswords(dir, users, { isTTY: true, write: (s: string) => written.push(s) });
    assert.ok(users.every((u) => written.join('').includes(u.password)));
    assert.equal(writeDemoPasswords(mkdtempSync(join(dir, 'x')), []), undefined);
  });
});
