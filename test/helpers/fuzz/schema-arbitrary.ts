// fast-check arbitraries from the JSON Schemas of the OpenAPI document (what zod's toJSONSchema
// writes: object, array, string with pattern/format/length, integer/number with bounds, enum, const,
// anyOf/oneOf, nullable). `valid` aims inside the schema; `nearValid` is a valid value with one thing
// wrong somewhere in it (a missing field, an unknown one, a wrong type, a number past a bound, a long or
// odd string); `wild` is any JSON at all.
import fc from 'fast-check';

export type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  $ref?: string;
};

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

// strings that have broken parsers, databases and logs before
export const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  "'; drop table customers; --",
  '" or 1=1 --',
  '%',
  '_',
  '\\',
  '../../etc/passwd',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  '😀'.repeat(40),
  '\ud800',
  '１２３４５',
  'NaN',
  '-0',
  '1e309',
  '9'.repeat(40),
  '0x10',
  'null',
  'true',
  '[]',
  '{}',
  '<script>alert(1)</script>',
  '\r\n\t',
  'x'.repeat(300),
  '张'.repeat(2000),
  '2026-02-30',
  '2026-13-01T25:61:00Z',
  '0000-00-00',
  '99999-01-01',
];

export const BOUNDARY_NUMBERS = [
  0,
  -1,
  1,
  0.5,
  -0.5,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32 - 1,
  2 ** 32,
  2 ** 53 - 1,
  2 ** 53 + 2,
  -(2 ** 53 - 1),
  2 ** 63,
  -(2 ** 63),
  1e308,
  -1e308,
  5e-324,
];

export const oddString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...ODD_STRINGS) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }) },
    { weight: 1, arbitrary: fc.nat(20_000).map((n) => 'y'.repeat(n)) },
  );

export const wild = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(...BOUNDARY_NUMBERS),
    oddString(),
    fc.constant(null),
    fc.constant([]),
    fc.constant({}),
  );

const types = (s: Schema): string[] => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);

function patternString(pattern: string): fc.Arbitrary<string> {
  try {
    return fc.stringMatching(new RegExp(pattern));
  } catch {
    return fc.string();
  }
}

// instants around now, and the edges where JavaScript and PostgreSQL disagree or run out: year 0000
// (a date to JavaScript, none to PostgreSQL), 0001, the epoch, 9999, with the widest zone offsets
const nearDateTime = fc
  .date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString());
const edgeDateTime = fc
  .tuple(
    fc.constantFrom('0000-01-01', '0000-12-31', '0001-01-01', '1969-12-31', '1970-01-01', '9999-12-31'),
    fc.constantFrom('T00:00:00Z', 'T23:59:59.999Z', 'T00:00:00+14:00', 'T23:59:59-12:00', 'T12:00:00+08:00'),
  )
  .map(([date, time]) => date + time);

function validString(s: Schema): fc.Arbitrary<string> {
  if (s.pattern) return patternString(s.pattern);
  if (s.format === 'date-time')
    return fc.oneof({ weight: 4, arbitrary: nearDateTime }, { weight: 1, arbitrary: edgeDateTime });
  if (s.format === 'date')
    return fc.oneof(
      { weight: 4, arbitrary: nearDateTime.map((t) => t.slice(0, 10)) },
      { weight: 1, arbitrary: edgeDateTime.map((t) => t.slice(0, 10)) },
    );
  if (s.format === 'uuid') return fc.uuid();
  const minLength = s.minLength ?? 0;
  const maxLength = Math.min(s.maxLength ?? 40, minLength + 60);
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength, maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength, maxLength }) },
  );
}

function validNumber(s: Schema, integer: boolean): fc.Arbitrary<number> {
  const lo = Math.max(s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -MAX_SAFE), -MAX_SAFE);
  const hi = Math.min(s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : MAX_SAFE), MAX_SAFE);
  const edges = [lo, hi, 0, 1].filter((n) => n >= lo && n <= hi);
  const small = fc.integer({ min: Math.max(lo, -1000), max: Math.min(hi, 100_000) });
  const any = integer
    ? fc.integer({ min: Math.max(lo, -(2 ** 31)), max: Math.min(hi, 2 ** 31 - 1) })
    : fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });
  return fc.oneof(
    { weight: 4, arbitrary: lo <= hi ? small : fc.constant(lo) },
    { weight: 2, arbitrary: lo <= hi ? any : fc.constant(lo) },
    { weight: 1, arbitrary: fc.constantFrom(...(edges.length ? edges : [lo])) },
  );
}

// Realistic values by property name (ids that exist, well-formed ID numbers, phones, plates), mixed in
// with the schema's own values so that requests get past the services' deeper checks too.
export type Hints = Record<string, fc.Arbitrary<unknown>>;

export function valid(s: Schema, depth = 0, hints: Hints = {}): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alts = s.anyOf ?? s.oneOf;
  if (alts?.length) return fc.oneof(...alts.map((a) => valid(a, depth + 1, hints)));
  if (s.allOf?.length) return valid(s.allOf[0], depth + 1, hints);
  const t = types(s);
  if (t.length > 1) return fc.oneof(...t.map((x) => valid({ ...s, type: x }, depth + 1, hints)));
  switch (t[0]) {
    case 'string':
      return validString(s);
    case 'integer':
      return validNumber(s, true);
    case 'number':
      return validNumber(s, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = s.minItems ?? 0;
      const maxLength = Math.min(s.maxItems ?? 4, minLength + 4, depth > 2 ? minLength : 99);
      return fc.array(s.items ? valid(s.items, depth + 1, hints) : wild(), { minLength, maxLength });
    }
    case 'object': {
      const props = s.properties ?? {};
      const required = s.required ?? [];
      const entries = Object.fromEntries(
        Object.entries(props).map(([k, v]) => [
          k,
          hints[k]
            ? fc.oneof({ weight: 3, arbitrary: hints[k] }, { weight: 1, arbitrary: valid(v, depth + 1, hints) })
            : valid(v, depth + 1, hints),
        ]),
      );
      return fc.record(entries, { requiredKeys: required.filter((k) => k in props) }) as fc.Arbitrary<unknown>;
    }
    default:
      return wild();
  }
}

// A value of the wrong kind for the schema, or past one of its bounds.
export function wrong(s: Schema): fc.Arbitrary<unknown> {
  const t = types(s);
  const picks: fc.Arbitrary<unknown>[] = [wild()];
  if (t.includes('integer') || t.includes('number')) {
    const past = [
      s.minimum !== undefined ? s.minimum - 1 : undefined,
      s.maximum !== undefined ? s.maximum + 1 : undefined,
      s.exclusiveMinimum,
      s.exclusiveMaximum,
    ].filter((n): n is number => n !== undefined);
    picks.push(fc.constantFrom(...BOUNDARY_NUMBERS, ...past), fc.constantFrom('1', '0x1', '', '1.0'));
  }
  if (t.includes('string')) {
    picks.push(oddString(), fc.constantFrom(...BOUNDARY_NUMBERS));
    if (s.maxLength !== undefined) picks.push(fc.constant('z'.repeat(s.maxLength + 1)));
  }
  if (t.includes('object') || t.includes('array')) picks.push(fc.constantFrom('x', 1, true, null));
  return fc.oneof(...picks);
}

// A valid value with exactly one thing wrong in it, at any depth.
export function nearValid(s: Schema, depth = 0, hints: Hints = {}): fc.Arbitrary<unknown> {
  const t = types(s);
  if (t[0] === 'object' && s.properties && depth < 4) {
    const props = s.properties;
    const keys = Object.keys(props);
    const base = valid(s, depth, hints) as fc.Arbitrary<Record<string, unknown>>;
    const mutations: fc.Arbitrary<Record<string, unknown>>[] = [
      // an unknown field
      fc.tuple(base, fc.constantFrom('__proto__x', 'extra', 'id', 'status', 'amount2'), wild()).map(([o, k, v]) => ({
        ...o,
        [k]: v,
      })),
    ];
    if (s.required?.length)
      mutations.push(
        fc.tuple(base, fc.constantFrom(...s.required)).map(([o, k]) => {
          const copy = { ...o };
          delete copy[k];
          return copy;
        }),
      );
    if (keys.length)
      mutations.push(
        fc
          .constantFrom(...keys)
          .chain((k) => fc.tuple(base, fc.constant(k), fc.oneof(wrong(props[k]), nearValid(props[k], depth + 1))))
          .map(([o, k, v]) => ({ ...o, [k]: v })),
      );
    return fc.oneof(...mutations);
  }
  if (t[0] === 'array' && s.items && depth < 4) {
    return fc.oneof(
      fc
        .tuple(valid(s, depth, hints) as fc.Arbitrary<unknown[]>, nearValid(s.items, depth + 1, hints))
        .map(([a, x]) => [...a, x]),
      fc.constant(Array.from({ length: (s.maxItems ?? 1000) + 1 }, () => null)),
      wrong(s),
    );
  }
  return wrong(s);
}
