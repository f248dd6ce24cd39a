// Property-based requests for one operation of the OpenAPI document: path parameters from the ids
// that exist or from the schema or odd, query parameters valid or wrong, bodies valid, near-valid or
// wild, sent with a credential of one of the operation's roles. Invariants: never a 5xx; an error is
// one of the registered codes with no database text in it; a refusal changes no table; an acceptance
// keeps the ledger invariants.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Knex } from 'knex';
import { checkLedger } from '../../../src/modules/ledger/index.ts';
import { registeredErrorCodes } from '../../../src/platform/http/errors.ts';
import type { RouteDef } from '../../../src/platform/http/route.ts';
import type { FuzzCentre } from './centre.ts';
import { nearValid, oddString, valid, wild, wrong, type Hints, type Schema } from './schema-arbitrary.ts';

// what a raw database or runtime error looks like when it leaks into an answer
const LEAK =
  /duplicate key|violates|syntax error|invalid input syntax|out of range for type|value too long|null value in column|relation "|column "|deadlock|\bknex\b|\bpg_|sqlstate|\.ts:\d+|at [\w.<>]+ \(|TypeError|RangeError|ReferenceError|Cannot read prop/i;

// Tables a refusal may write by design (README, "Logging in"): a failed login is counted and audited,
// and so is a wrong current password on a password change.
const REFUSAL_WRITES: Record<string, string[]> = {
  'post /api/v1/sessions': ['login_failures', 'users', 'audit_log'],
  'post /api/v1/me/password': ['login_failures', 'users', 'audit_log'],
};

export type OpenApiOperation = {
  parameters?: Array<{ name: string; in: string; required?: boolean; schema: Schema }>;
  requestBody?: { content: { 'application/json': { schema: Schema } } };
};

type FuzzRequest = {
  role: string;
  path: string;
  body: string | undefined;
};

let tableList: string[] | null = null;

// Every table's row count and newest row version: any committed insert, update or delete moves it.
export async function quickDigest(db: Knex): Promise<Record<string, string>> {
  tableList ??= (await db('information_schema.tables')
    .where({ table_schema: 'public', table_type: 'BASE TABLE' })
    .orderBy('table_name')
    .pluck('table_name')) as string[];
  const sql = tableList
    .map(
      (t) => `select '${t}' as t, count(*)::text || ':' || coalesce(max(xmin::text::bigint), 0)::text as d from "${t}"`,
    )
    .join(' union all ');
  const rows = (await db.raw(sql)).rows as Array<{ t: string; d: string }>;
  return Object.fromEntries(rows.map((r) => [r.t, r.d]));
}

// a lone surrogate cannot be percent-encoded as UTF-8: sent as the bytes a broken client would send
const encode = (v: string) => {
  try {
    return encodeURIComponent(v);
  } catch {
    return '%ED%A0%80';
  }
};

// long runs of one character shortened, so a failure report stays readable
export const compact = (text: string) => text.replace(/(.)\1{15,}/gs, (m, c: string) => `${c}…×${m.length}`);

function paramArb(name: string, schema: Schema, pools: Record<string, string[]>): fc.Arbitrary<string> {
  const known = pools[name] ?? [];
  const fromSchema = valid(schema).map((v) => String(v));
  const odd = fc.oneof(
    oddString(),
    wrong(schema).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
  );
  return fc.oneof(
    ...(known.length ? [{ weight: 4, arbitrary: fc.constantFrom(...known) }] : []),
    { weight: 3, arbitrary: fromSchema },
    { weight: 1, arbitrary: odd },
  );
}

function queryArb(params: Array<{ name: string; schema: Schema }>): fc.Arbitrary<string> {
  if (!params.length) return fc.constant('');
  const entries = params.map((p) =>
    fc.option(
      fc
        .oneof({ weight: 3, arbitrary: valid(p.schema) }, { weight: 1, arbitrary: wrong(p.schema) })
        .map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
      { freq: 2 },
    ),
  );
  return fc.tuple(...entries).map((values) => {
    const q = values
      .map((v, i) => (v === null ? null : `${encode(params[i].name)}=${encode(v)}`))
      .filter((x): x is string => x !== null);
    return q.length ? `?${q.join('&')}` : '';
  });
}

// Well-formed customer data drawn by fast-check (so the run's seed decides them), as generators.ts makes it.
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const residentIdArb = fc
  .tuple(
    fc.integer({ min: 1960, max: 1999 }),
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: 1, max: 28 }),
    fc.nat(999),
  )
  .map(([y, m, d, n]) => {
    const body = `340104${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${String(n).padStart(3, '0')}`;
    const sum = [...body].reduce((acc, c, i) => acc + Number(c) * ID_WEIGHTS[i], 0);
    return body + '10X98765432'[sum % 11];
  });
const mobileArb = fc.nat(99_999_999).map((n) => `139${String(n).padStart(8, '0')}`);
const PLATE_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const plateArb = fc
  .tuple(fc.nat(23), fc.nat(23), fc.nat(23), fc.nat(999))
  .map(([a, b, c, n]) => `皖${PLATE_LETTERS[a]}${PLATE_LETTERS[b]}${PLATE_LETTERS[c]}${String(n).padStart(3, '0')}`);

function hintsOf(pools: Record<string, string[]>): Hints {
  const ids = (name: string) => (pools[name]?.length ? fc.constantFrom(...pools[name].map(Number)) : undefined);
  const hints: Hints = {
    idNumber: residentIdArb,
    phone: mobileArb,
    contactPhone: mobileArb,
    plate: plateArb,
    plateColor: fc.constantFrom(0, 1),
    vehicleClass: fc.integer({ min: 1, max: 4 }),
    idType: fc.constant(1),
    cardType: fc.constantFrom(22, 23),
    amount: fc.integer({ min: 1, max: 100_000 }),
    payment: fc.constantFrom({ method: 'cash' }, { method: 'pos', reference: 'POS-1' }),
    reason: fc.constantFrom('customer asked at the counter', 'card reported lost by phone'),
    cardNo: pools.cardNo?.length ? fc.constantFrom(...pools.cardNo) : fc.constant('34010000000000000001'),
  };
  for (const name of ['customerId', 'vehicleId', 'accountId']) {
    const a = ids(name);
    if (a) hints[name] = a;
  }
  return hints;
}

function bodyArb(route: RouteDef, op: OpenApiOperation, hints: Hints): fc.Arbitrary<string | undefined> {
  const schema = op.requestBody?.content['application/json'].schema;
  if (!schema)
    return route.method === 'get'
      ? fc.constant(undefined)
      : fc
          .option(
            wild().map((v) => JSON.stringify(v)),
            { freq: 3 },
          )
          .map((v) => v ?? undefined);
  return fc
    .oneof(
      { weight: 3, arbitrary: valid(schema) },
      { weight: 3, arbitrary: nearValid(schema) },
      { weight: 1, arbitrary: wild() },
    )
    .map((v) => JSON.stringify(v) ?? 'null');
}

export function requestArb(
  centre: FuzzCentre,
  route: RouteDef,
  op: OpenApiOperation,
): fc.Arbitrary<FuzzRequest> | null {
  const roles = (route.roles === 'public' ? ['clerk'] : [...route.roles]).filter((r) => centre.creds.has(r));
  if (!roles.length) return null;
  const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path');
  const queryParams = (op.parameters ?? []).filter((p) => p.in === 'query');
  const params = fc.tuple(...pathParams.map((p) => paramArb(p.name, p.schema, centre.pools)));
  return fc
    .record({
      role: fc.constantFrom(...roles),
      params,
      query: queryArb(queryParams),
      body: bodyArb(route, op, hintsOf(centre.pools)),
    })
    .map(({ role, params: values, query, body }) => {
      let i = 0;
      const path = route.path.replace(/:([A-Za-z0-9_]+)/g, () => encode(values[i++]));
      return { role, path: path + query, body };
    });
}

export type FuzzStats = { requests: number; accepted: number; refused: number; byStatus: Record<string, number> };

export async function fuzzOperation(
  centre: FuzzCentre,
  route: RouteDef,
  op: OpenApiOperation,
  opts: { runs: number; seed: number; stats: FuzzStats },
): Promise<void> {
  const arb = requestArb(centre, route, op);
  if (!arb) return;
  const key = `${route.method} ${route.path}`;
  const codes = registeredErrorCodes();
  let serial = 0;
  const property = fc.asyncProperty(arb, async (req) => {
    const before = await quickDigest(centre.app.db);
    const idem =
      route.method === 'post'
        ? `fuzz.${opts.seed}.${key.replace(/[^A-Za-z0-9]+/g, '.')}`.slice(0, 90) + `.${++serial}`
        : undefined;
    const res = await centre.send(req.role, route.method, req.path, req.body, idem);
    const where = compact(
      `${key} as ${req.role}: ${route.method.toUpperCase()} ${req.path} ${req.body?.slice(0, 400) ?? ''} → ${res.status} ${res.text?.slice(0, 400)}`,
    );
    opts.stats.requests++;
    if (process.env.FUZZ_TRACE) console.log(where);
    opts.stats.byStatus[res.status] = (opts.stats.byStatus[res.status] ?? 0) + 1;
    if (res.status >= 500) {
      // the service's own log line of the failure says where it came from
      const logged = centre.logLines.filter((l) => /"level":50/.test(l)).slice(-1)[0] ?? '';
      assert.fail(`a server error: ${where}\n    logged: ${compact(logged).slice(0, 1500)}`);
    }
    assert.ok(!LEAK.test(res.text ?? ''), `a raw error in the answer: ${where}`);
    if (res.status >= 400) {
      opts.stats.refused++;
      // 431/414: Node's HTTP parser refuses a request line or headers too long before the app sees them
      if (res.status !== 431 && res.status !== 414)
        assert.ok(codes.has(res.body?.error?.code), `an unregistered or missing error code: ${where}`);
      const after = await quickDigest(centre.app.db);
      const allowed = REFUSAL_WRITES[key] ?? [];
      const changed = Object.keys(after).filter((t) => after[t] !== before[t] && !allowed.includes(t));
      assert.deepEqual(changed, [], `a refusal changed tables: ${where}`);
      // the fuzzer logged itself out, or disabled or reset its own user: a new credential for the role
      if (res.status === 401 || res.body?.error?.code === 'password-change-required') await centre.renew(req.role);
    } else {
      opts.stats.accepted++;
      if (route.method !== 'get') {
        const { failures } = await checkLedger(centre.app.db);
        assert.deepEqual(failures, [], `an acceptance broke the ledger: ${where}`);
      }
    }
  });
  try {
    await fc.assert(property, { numRuns: opts.runs, seed: opts.seed, endOnFailure: true });
  } catch (err) {
    throw new Error(
      `fuzz ${key} failed:\n${compact((err as Error).message).split('\nHint:')[0]}\n${compact(String((err as Error).cause ?? ''))}`,
    );
  }
}

/** A per-operation seed from the run's seed, so one operation's requests do not depend on the order. */
export function operationSeed(runSeed: number, key: string): number {
  let h = runSeed | 0;
  for (const ch of key) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}
