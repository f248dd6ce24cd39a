// The console's browser tests: Debian's Chromium driven by playwright-core (never a downloaded
// browser), a fresh profile per run, axe-core on each main screen, and screenshots of them when
// SCREENSHOTS=1 (so CI does not rewrite the committed images).
import { AxeBuilder } from '@axe-core/playwright';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');

export type Browser = { context: BrowserContext; errors: string[]; close: () => Promise<void> };

export async function launch(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'etc-console-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1366, height: 768 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  context.setDefaultTimeout(10_000);
  // uncaught errors in the console's pages: a test asserts there were none
  const errors: string[] = [];
  const watch = (p: Page) => p.on('pageerror', (e) => errors.push(`${p.url()}: ${e.message}`));
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context,
    errors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// No critical or serious accessibility violation on the screen as it is now.
export async function assertAccessible(page: Page, screen: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  assert.deepEqual(
    bad.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
    `accessibility of ${screen}`,
  );
}

export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== '1') return;
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

// A main screen: checked for accessibility, and photographed when asked.
export async function mainScreen(page: Page, name: string): Promise<void> {
  await assertAccessible(page, name);
  await screenshot(page, name);
}

// Resolves once a field inside the dialog has the focus. A dialog hands the focus to its first field
// when it has finished opening; keys typed before that go to the dialog itself and are lost.
export async function untilFieldFocusedIn(page: Page, dialog: Locator, what: string): Promise<void> {
  await until(page, `${what} focused`, () =>
    dialog.evaluate((d) => {
      const el = d.ownerDocument.activeElement;
      return el !== null && d.contains(el) && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA');
    }),
  );
}

// Resolves when the predicate holds in the page's document (polling, bounded).
export async function until(page: Page, what: string, fn: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await page.waitForTimeout(100);
  }
}
