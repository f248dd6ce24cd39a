// Credit screens end to end: an account manager sees their portfolio (a debit customer with a bill),
// downloads the bill as CSV and records a visit; finance sees the ageing report. Asserted by role,
// label and text, then in the database; each main screen checked with axe (zh-CN screenshots on ask).
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { createUser } from '../../src/modules/access/service.ts';
import { mobile, residentId } from '../helpers/fixtures.ts';
import { harness, loginAs, unique } from '../helpers/harness.ts';
import { centre } from '../integration/statuslist-support.ts';
import { launch, mainScreen, type Browser } from './browser.ts';

describe('credit screens in a browser', function () {
  this.timeout(60_000);
  this.bail(true);
  let base: string;
  let browser: Browser;
  let page: Page;
  const name = `车队${unique('').slice(0, 4)}`;
  let customerId = 0;
  let billId = 0;
  const staff = async (role: 'account-manager' | 'finance' | 'clerk') => {
    const h = await harness();
    const username = unique(role.slice(0, 3));
    const { user, password } = await createUser(h.app.db, null, { username, displayName: `${role} ${username}`, role });
    return { username, password, id: user.id };
  };
  let manager: { username: string; password: string; id: bigint };
  let finance: { username: string; password: string; id: bigint };

  before(async function () {
    this.timeout(120_000);
    const h = await harness();
    base = await centre();
    manager = await staff('account-manager');
    finance = await staff('finance');
    const supervisor = (await loginAs('supervisor')).auth;
    const c = await request(h.http)
      .post('/api/v1/customers')
      .set('Authorization', supervisor)
      .send({
        kind: 'personal',
        name,
        idType: 1,
        idNumber: residentId(),
        phone: mobile(),
        account: { kind: 'debit', creditLimit: 1_000_000 },
      })
      .expect(201);
    customerId = c.body.customer.id;
    // a bill as the monthly run makes it, 40 days overdue, with one vehicle's line
    const [bill] = await h.app
      .db('credit_bills')
      .insert({
        account_id: c.body.account.id,
        customer_id: customerId,
        period_start: '2026-09-01',
        period_end: '2026-10-01',
        due_date: new Date(h.clock.now().getTime() - 40 * 86_400_000).toISOString().slice(0, 10),
        amount: 123_456n,
        issued_at: h.clock.now(),
      })
      .returning('id');
    billId = Number(bill.id);
    await h.app.db('credit_bill_lines').insert({
      bill_id: billId,
      plate: '皖A9F001',
      plate_color: 0,
      vehicle_class: 1,
      trips: 12,
      amount: 123_456n,
    });
    await request(h.http)
      .put(`/api/v1/portfolio/assignments/${customerId}`)
      .set('Authorization', supervisor)
      .send({ managerId: Number(manager.id), segment: 'freight' })
      .expect(200);
    browser = await launch();
    page = await browser.context.newPage();
  });
  after(async () => browser?.close());

  async function login(who: { username: string; password: string }) {
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: 'ETC 客服营业厅' }).waitFor();
    await page.getByLabel('用户名').fill(who.username);
    await page.getByLabel('密码').fill(who.password);
    await page.keyboard.press('Enter');
  }

  it("shows the account manager their portfolio, a customer's bill (CSV download) and records a visit", async () => {
    await login(manager);
    await page.getByRole('heading', { name: '我的客户' }).waitFor();
    await page.getByRole('button', { name }).click();
    const card = page.locator('.ant-card').filter({ hasText: name });
    await card.getByText('货运').first().waitFor();
    await card.getByText('¥1,234.56').first().waitFor();
    await mainScreen(page, 'credit-portfolio');
    // the CSV button fetches the bill with the session's token (then saves it through an object URL)
    const [csvResponse] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/api/v1/bills/${billId}/document?format=csv`)),
      card.getByRole('button', { name: 'CSV' }).click(),
    ]);
    assert.equal(csvResponse.status(), 200);
    assert.match(
      (await csvResponse.allHeaders())['content-disposition'] ?? '',
      /attachment; filename="bill-\d+-2026-09\.csv"/,
    );
    await page.getByLabel('拜访人').fill('王经理');
    await page.getByLabel('记录').fill('年度续约，车队扩至两百辆');
    await page.getByLabel('下次拜访').fill('2027-01-15');
    await page.getByRole('button', { name: '保存拜访' }).click();
    await page.getByRole('cell', { name: '年度续约，车队扩至两百辆' }).waitFor();
    const rows = await (await harness()).app.db('portfolio_visits').where({ customer_id: customerId });
    assert.deepEqual(
      rows.map((r) => [r.visited_by, r.next_visit, r.recorded_by]),
      [['王经理', '2027-01-15', `user:${manager.username}`]],
    );
  });

  it("shows a debit customer's bills and credit grade on the customer page", async () => {
    await page.evaluate('sessionStorage.clear()');
    await login(await staff('clerk'));
    await page.waitForURL('**/search');
    await page.goto(`${base}/customers/${customerId}`);
    const panel = page.locator('.ant-card').filter({ hasText: '信用等级' });
    await panel.getByText('¥1,234.56').first().waitFor();
    assert.equal(await panel.locator('.ant-tag').textContent(), 'A');
    await panel.getByText('暂无等级变动').waitFor();
    await panel.scrollIntoViewIfNeeded();
    await mainScreen(page, 'credit-customer-bills');
  });

  it('shows finance the ageing report with the overdue bill in 31–60 days and the total', async () => {
    await page.evaluate('sessionStorage.clear()');
    await login(finance);
    await page.getByRole('link', { name: '账龄分析' }).click();
    await page.getByRole('heading', { name: /账龄分析/ }).waitFor();
    const row = page.getByRole('row').filter({ hasText: `${customerId} /` });
    await row.getByText('¥1,234.56').first().waitFor();
    assert.equal(await row.getByRole('cell').nth(3).textContent(), '¥1,234.56', 'in 31–60 days');
    const total = page.getByRole('row', { name: /^合计/ });
    assert.ok(Number((await total.getByRole('cell').nth(3).textContent())!.replace(/[¥,]/g, '')) >= 1234.56);
    await mainScreen(page, 'credit-ageing');
  });
});
