// The console's messages: area files merge deeply into the main ones (an area adds error.codes.<code>
// beside the main file's, replacing none), and every error code the corporate, credit and portfolio
// modules declare has a message in zh-CN and in English, so the console never shows a raw code there.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPORATE_ERRORS } from '../../src/modules/corporate/errors.ts';
import { CREDIT_ERRORS } from '../../src/modules/credit/errors.ts';
import { PORTFOLIO_ERRORS } from '../../src/modules/portfolio/errors.ts';
import { mergeMessages, type Messages } from '../../web/src/i18n/merge.ts';

const DIR = join(import.meta.dirname, '..', '..', 'web', 'src', 'i18n');
const read = (f: string): Messages => JSON.parse(readFileSync(join(DIR, f), 'utf8'));

// what web/src/i18n/index.ts builds, from the same files in the same order
function messages(lang: 'zh-CN' | 'en'): Messages {
  const areas = readdirSync(DIR)
    .filter((f) => f.endsWith(`.${lang}.json`))
    .sort()
    .map(read);
  return mergeMessages(read(`${lang}.json`), ...areas);
}
const at = (m: Messages, path: string): unknown =>
  path.split('.').reduce<unknown>((node, k) => (node as Messages | undefined)?.[k], m);

describe('console messages', () => {
  it('merges deeply: a later tree adds keys to a branch without dropping the earlier ones', () => {
    const merged = mergeMessages(
      { error: { generic: 'failed', codes: { a: 'A' } }, menu: { x: 'X' } },
      { error: { codes: { b: 'B' } } },
      { error: { codes: { a: 'A2' } }, credit: { t: 'T' } },
    );
    assert.deepEqual(merged, {
      error: { generic: 'failed', codes: { a: 'A2', b: 'B' } },
      menu: { x: 'X' },
      credit: { t: 'T' },
    });
  });

  it("keeps the main file's error messages beside the areas' ones", () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      const m = messages(lang);
      const main = read(`${lang}.json`);
      assert.equal(at(m, 'error.generic'), at(main, 'error.generic'));
      assert.equal(at(m, 'error.codes.customer-not-found'), at(main, 'error.codes.customer-not-found'));
    }
  });

  for (const [module, codes] of [
    ['corporate', CORPORATE_ERRORS],
    ['credit', CREDIT_ERRORS],
    ['portfolio', PORTFOLIO_ERRORS],
  ] as const)
    it(`has a zh-CN and an English message for every ${module} error code`, () => {
      const zh = messages('zh-CN');
      const en = messages('en');
      const missing = Object.keys(codes).flatMap((code) =>
        (['zh-CN', 'en'] as const)
          .filter((lang) => {
            const text = at(lang === 'en' ? en : zh, `error.codes.${code}`);
            return typeof text !== 'string' || !text.trim();
          })
          .map((lang) => `${lang}: ${code}`),
      );
      assert.deepEqual(missing, []);
      assert.ok(Object.keys(codes).length > 1, 'the codes were read');
      // a zh-CN message is Chinese, not the English one copied
      for (const code of Object.keys(codes))
        assert.match(String(at(zh, `error.codes.${code}`)), /[\u4e00-\u9fff]/, `zh-CN ${code}`);
    });
});
