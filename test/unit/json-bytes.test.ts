import assert from 'node:assert/strict';
import { parseJsonBytes } from '../../src/platform/http/json-bytes.ts';

// The body parser decodes a body as latin1 and then each string with bytes above 0x7f as UTF-8; it
// must give exactly what JSON.parse of the whole body decoded as UTF-8 gives, or fail where it fails.
function utf8Parse(raw: Buffer, start = 0): unknown {
  return JSON.parse(raw.toString('utf8', start));
}

function outcome(parse: () => unknown): { value?: string; error?: string } {
  try {
    // JSON text compares values, key order and own `__proto__` keys alike
    return { value: JSON.stringify(parse()) };
  } catch (err) {
    return { error: (err as Error).name };
  }
}

function same(raw: Buffer, start = 0): void {
  assert.deepEqual(
    outcome(() => parseJsonBytes(raw, start)),
    outcome(() => utf8Parse(raw, start)),
    raw.toString('latin1'),
  );
}

describe('JSON from a body’s bytes', () => {
  it('gives the UTF-8 parse for bodies with plates, keys and text outside ASCII', () => {
    const bodies = [
      {
        transactions: [
          { plate: '皖A12345', cardNo: '34010000000000001234' },
          { plate: null, fee: 4500 },
        ],
      },
      { 名称: '合肥服务厅', nested: { 键: ['甲', '乙', { 深: '丙' }] }, emoji: '🚗', mixed: 'a皖b' },
      ['皖', 'é', '\u0080', '\u00ff', '\u2028', 'ascii'],
      '皖A12345',
      { empty: '', n: -1.5e3, t: true, f: false, z: null },
    ];
    for (const b of bodies) {
      const raw = Buffer.from(JSON.stringify(b));
      same(raw);
      assert.deepEqual(parseJsonBytes(raw), b);
    }
    // an object's own `__proto__` stays an own key, beside a key to decode or not
    for (const text of ['{"__proto__":{"x":"皖"},"键":1}', '{"__proto__":"皖"}', '{"a":{"__proto__":[1]}}']) {
      const raw = Buffer.from(text);
      same(raw);
      const parsed = parseJsonBytes(raw) as Record<string, unknown>;
      assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    }
  });

  it('keeps escapes: \\u escapes, escaped quotes and backslashes beside bytes above 0x7f', () => {
    for (const text of [
      '{"p":"\\u7696A12345","q":"皖"}',
      '{"p":"\\u00e9","q":"é"}',
      '{"p":"\\\\u00e9 皖"}',
      '{"p":"a\\"皖\\"b","q":"\\\\","r":"\\n\\t/\\/"}',
      '["\\ud83d\\ude97", "🚗"]',
    ])
      same(Buffer.from(text));
  });

  it('decodes invalid UTF-8 to U+FFFD as the whole-body decode did, and refuses what it refused', () => {
    const bodies = [
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe7, 0x22, 0x7d]), // {"a":"<lead byte>"}
      Buffer.from([0x5b, 0x22, 0xe7, 0x9a, 0x22, 0x2c, 0x22, 0x96, 0x41, 0x22, 0x5d]), // ["<cut>","<stray>A"]
      Buffer.from([0x5b, 0x22, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0x22, 0x5d]), // overlong, surrogate, > U+10FFFF
      Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), // {"<ff>":1}
      Buffer.concat([Buffer.from('{"a":1}'), Buffer.from([0xe7])]), // a byte after the value
      Buffer.concat([Buffer.from('{"a":'), Buffer.from([0xc2, 0xa0]), Buffer.from('1}')]), // NBSP is no JSON space
      Buffer.from([0x5b, 0x22, 0xc2, 0x85, 0x22, 0x5d]), // U+0085 inside a string
      Buffer.from('{"a":"皖'), // cut short
      Buffer.from('{"a":"\u0001皖"}'), // a raw control character
    ];
    for (const raw of bodies) same(raw);
  });

  it('parses from an offset (after a BOM and spaces) and walks nesting deeper than a call stack', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(' {"plate":"皖A1"}')]);
    same(bom, 4);
    assert.deepEqual(parseJsonBytes(bom, 4), { plate: '皖A1' });
    const depth = 200_000;
    const deep = Buffer.from(`${'['.repeat(depth)}"皖"${']'.repeat(depth)}`);
    let v = parseJsonBytes(deep);
    for (let i = 0; i < depth; i++) v = (v as unknown[])[0];
    assert.equal(v, '皖');
  });

  it('agrees with the UTF-8 parse on random bodies of mixed text', () => {
    const pieces = ['皖', 'A', '"', '\\', 'é', '🚗', ' ', '\u0080', '\u07ff', '\u0800', 'ÿ', '0'];
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let i = 0; i < 300; i++) {
      const s = Array.from({ length: rand(12) }, () => pieces[rand(pieces.length)]).join('');
      const k = Array.from({ length: rand(4) }, () => pieces[rand(pieces.length)]).join('');
      same(Buffer.from(JSON.stringify({ [k]: s, list: [s, { [s]: k }] })));
    }
  });
});
