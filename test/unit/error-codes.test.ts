// Error codes: the platform owns the mechanism and the generic codes, each module registers its own
// (src/modules/*/errors.ts). Every code the service throws must be registered, by exactly one owner.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AppError,
  httpResponseFromError,
  registeredErrorCodes,
  registerErrorCodes,
} from '../../src/platform/http/errors.ts';
import { moduleRoutes } from '../../src/modules/routes.ts';
import { accessRoutes } from '../../src/modules/access/index.ts';
import { CHANNEL_ERROR_CODES, PIPELINE_ERROR_CODES } from '../../bank-adapters/centre-codes.ts';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

// codes as written at the call sites: new AppError('code', …), possibly across lines
function thrownCodes(): Map<string, string[]> {
  const used = new Map<string, string[]>();
  for (const file of sources('src'))
    for (const m of readFileSync(file, 'utf8').matchAll(/AppError\(\s*'([a-z0-9-]+)'/g))
      used.set(m[1], [...(used.get(m[1]) ?? []), file]);
  return used;
}

// the keys each owner's table declares, read from the files themselves
function declaredCodes(): Array<{ owner: string; code: string }> {
  const out: Array<{ owner: string; code: string }> = [];
  const tables = [
    { owner: 'platform', file: 'src/platform/http/errors.ts', start: 'export const ERROR_STATUS' },
    ...readdirSync('src/modules', { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => ({ owner: e.name, file: `src/modules/${e.name}/errors.ts`, start: '_ERRORS = {' })),
  ];
  for (const t of tables) {
    let text: string;
    try {
      text = readFileSync(t.file, 'utf8');
    } catch {
      continue;
    }
    const body = text.slice(text.indexOf(t.start), text.indexOf('} as const', text.indexOf(t.start)));
    for (const m of body.matchAll(/^\s+'?([a-z0-9-]+)'?: \d{3},/gm)) out.push({ owner: t.owner, code: m[1] });
  }
  return out;
}

describe('error codes', () => {
  before(() => {
    // loading every module's face registers every module's codes
    assert.ok(moduleRoutes().length > 0 && accessRoutes.length > 0);
  });

  it('every code the service throws is registered', () => {
    const registered = registeredErrorCodes();
    const missing = [...thrownCodes()].filter(([code]) => !registered.has(code));
    assert.deepEqual(
      missing.map(([code, files]) => `${code} (thrown in ${files.join(', ')})`),
      [],
      'codes thrown but registered by no module',
    );
  });

  it('no code is declared by two owners, and each is registered by the owner that declares it', () => {
    const declared = declaredCodes();
    assert.ok(declared.length > 60, 'the tables were read');
    const owners = new Map<string, string[]>();
    for (const d of declared) owners.set(d.code, [...(owners.get(d.code) ?? []), d.owner]);
    const twice = [...owners].filter(([, o]) => o.length > 1).map(([c, o]) => `${c}: ${o.join(', ')}`);
    assert.deepEqual(twice, [], 'codes declared more than once');
    for (const d of declared) assert.equal(registeredErrorCodes().get(d.code)?.owner, d.owner, d.code);
  });

  it('a second owner claiming a code is refused; a code nobody registered answers 500', () => {
    assert.throws(() => registerErrorCodes('someone-else', { 'card-not-found': 404 }), /claimed by both issuance/);
    assert.equal(registeredErrorCodes().get('card-not-found')?.owner, 'issuance');
    const r = httpResponseFromError(new AppError('card-not-found', 'no card'));
    assert.equal(r.status, 404);
    const stray = httpResponseFromError(new AppError('no-such-code' as 'conflict', 'x'));
    assert.deepEqual([stray.status, stray.body.error.code, stray.internal], [500, 'internal', true]);
  });

  it('every centre code the bank adapters map is registered', () => {
    const missing = [...CHANNEL_ERROR_CODES, ...PIPELINE_ERROR_CODES].filter((c) => !registeredErrorCodes().has(c));
    assert.deepEqual(missing, []);
  });
});
