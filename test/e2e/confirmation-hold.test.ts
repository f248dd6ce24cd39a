// The confirmation hold in the console of Jiangsu's centre (3201, 60 minutes): the ticket's dispute
// dialog says until when our confirmation of Anhui's package is held; the handler raises the dispute;
// finance sees the held confirmation with its release time among the disputes and sends it early
// with a note; Anhui receives it listing the dispute. Asserted by role, label and text, then in the
// databases.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { TestCentre } from '../helpers/centres.ts';
import { launch, mainScreen, until, untilFieldFocusedIn, type Browser } from './browser.ts';
import { at, loginAt, peerComplaint, type PeerComplaint } from './peer-complaint.ts';

describe('the confirmation hold in a browser', function () {
  this.timeout(300_000);
  this.bail(true);
  let A: TestCentre;
  let B: TestCentre;
  let browser: Browser;
  let ticket: PeerComplaint['ticket'];
  let tx: PeerComplaint['tx'];
  let holdEnd: Date;
  let messageId: string;

  before(async () => {
    let next: string;
    ({ A, B, next, ticket, tx } = await peerComplaint({
      daysAhead: 60,
      keyVersions: [175, 176],
      seed: 1751,
      jiangsuSettings: { ETC_INTERCHANGE_CONFIRMATION_HOLD_MINUTES: '60' },
      caller: { name: '赵先生', contact: '13700000000' },
      description: '安徽高速扣费金额高于实际里程',
    }));
    holdEnd = at(next, '10:00');
    messageId = (await B.app.db('interchange_packages').where({ id: tx.received_package_id }).first()).message_id;
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await A?.close();
    await B?.close();
  });
  const login = (page: Page, who: { username: string; password: string }) => loginAt(page, B.base, who);
  // the hold's end as the browser shows it (its own time zone)
  const shown = (page: Page): Promise<string> =>
    page.evaluate(
      // a string, not a function: the test's compiler would wrap a function in helpers the page lacks
      `(() => { const d = new Date(${JSON.stringify(holdEnd.toISOString())}); const p = (n) => String(n).padStart(2, '0'); ` +
        'return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`; })()',
    );

  it("the ticket's dispute dialog says until when the confirmation is held; the handler raises the dispute", async () => {
    const page = await browser.context.newPage();
    await login(page, B.staff.clerk);
    await page.goto(`${B.base}/servicedesk/tickets/${ticket.id}`);
    await page.getByRole('button', { name: '发起跨省争议' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(`我方确认暂缓至 ${await shown(page)} 发出，此前可发起争议。`).waitFor();
    await untilFieldFocusedIn(page, dialog, 'the reason code box');
    await page.keyboard.type('重复交易');
    await page.keyboard.press('Enter');
    await dialog.getByLabel('争议说明').fill('客户称扣费高于实际里程');
    await dialog.getByRole('button', { name: '确认' }).click();
    await dialog.waitFor({ state: 'detached' });
    const d = await B.app.db('interchange_disputes').where({ transaction_id: tx.id }).first();
    assert.deepEqual([d.side, d.request_reference], ['issuer', ticket.ticketNo]);
    await page.close();
  });

  it('finance sees the held confirmation with its release time and sends it early with a note', async () => {
    const page = await browser.context.newPage();
    await login(page, B.staff.finance);
    await page.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: /争议/ }).click();
    await page.getByRole('heading', { name: '争议交易' }).waitFor();
    const row = page
      .getByRole('row')
      .filter({ hasText: messageId })
      .filter({ hasText: await shown(page) });
    await row.getByRole('button', { name: '提前发出' }).waitFor();
    await mainScreen(page, 'finance-disputes-held');
    await row.getByRole('button', { name: '提前发出' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('此后不能再在其中列出争议交易').waitFor();
    await dialog.getByLabel('处理说明').fill('已核实当日投诉，提前发出确认');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    // sent right after the release commits (the console's request carries an Idempotency-Key)
    await until(page, 'the confirmation delivered', async () => {
      const c = await B.app.db('interchange_confirmations').where({ package_id: tx.received_package_id }).first();
      return c.delivered_at !== null;
    });
    const c = await B.app.db('interchange_confirmations').where({ package_id: tx.received_package_id }).first();
    assert.deepEqual([c.release_note, c.disputed_count], ['已核实当日投诉，提前发出确认', 1]);
    const atA = await A.app
      .db('interchange_disputes as d')
      .join('interchange_packages as p', 'p.id', 'd.package_id')
      .where({ 'd.side': 'provider', 'p.message_id': messageId })
      .pluck('d.result');
    assert.deepEqual(atA, [2], 'Anhui recorded the dispute the confirmation listed');
    await page.reload();
    await page.getByRole('heading', { name: '争议交易' }).waitFor();
    await page.getByRole('row').filter({ hasText: ticket.ticketNo }).waitFor();
    assert.equal(await page.getByText('暂缓发出的交易包确认').count(), 0, 'nothing is held any more');
    await page.close();
  });

  it('raised no uncaught error in any page', () => {
    assert.deepEqual(browser.errors, []);
  });
});
