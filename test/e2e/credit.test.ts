// Credit screens end to end: an account manager sees their portfolio (a debit customer with a bill),
// downloads the bill as CSV and records a visit; finance sees the ageing report by customer name and
// writes the bill off from it, with two approvals by two other people (refusals shown); a supervisor
// proposes a grade upgrade after review, another decides it. Asserted by role, label and text, then in
// the database; each main screen checked with axe (zh-CN screenshots on ask).
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { createUser } from '../../src/modules/access/service.ts';
import { mobile, residentId } from '../helpers/fixtures.ts';
import { harness, loginAs, unique } from '../helpers/harness.ts';
import { centre } from '../integration/statuslist-support.ts';
import { balanceOf } from '../../src/modules/ledger/index.ts';
import { assertLedgerHolds } from '../helpers/ledger.ts';
import { launch, mainScreen, until, type Browser } from './browser.ts';

describe('credit screens in a browser', function () {
  this.timeout(60_000);
  this.bail(true);
  let base: string;
  let browser: Browser;
  let page: Page;
  const name = `车队${unique('').slice(0, 4)}`;
  let customerId = 0;
  let accountId = 0;
  let billId = 0;
  const staff = async (role: 'account-manager' | 'finance' | 'clerk' | 'supervisor') => {
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
    accountId = c.body.account.id;
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

  it('shows finance the ageing report by customer name, with the overdue bill in 31–60 days and the total', async () => {
    await page.evaluate('sessionStorage.clear()');
    await login(finance);
    await page.getByRole('link', { name: '账龄分析' }).click();
    await page.getByRole('heading', { name: /账龄分析/ }).waitFor();
    const row = page.getByRole('row').filter({ hasText: name });
    await row.getByText('¥1,234.56').first().waitFor();
    assert.equal(await row.getByRole('cell').nth(0).textContent(), name, 'the name, not the id');
    assert.equal(await row.getByRole('cell').nth(1).textContent(), String(accountId));
    assert.equal(await row.getByRole('cell').nth(4).textContent(), '¥1,234.56', 'in 31–60 days');
    const total = page.getByRole('row', { name: /^合计/ });
    assert.ok(Number((await total.getByRole('cell').nth(4).textContent())!.replace(/[¥,]/g, '')) >= 1234.56);
    await mainScreen(page, 'credit-ageing');
  });

  const writeOffRow = () => page.getByRole('row').filter({ hasText: name }).filter({ hasText: '公司已注销' });
  const writeOff = async () => (await harness()).app.db('credit_write_offs').where({ bill_id: billId }).first();

  it('lets finance propose a write-off from the ageing row, refusing too much on the field and the proposer as approver', async () => {
    const row = page.getByRole('row').filter({ hasText: name });
    await row.getByRole('link', { name: '核销' }).click();
    await page.getByRole('heading', { name: '坏账核销' }).waitFor();
    assert.equal(await page.getByLabel('记账卡账户号').inputValue(), String(accountId));
    await page.getByRole('button', { name: '核销 2026-09 账单' }).click();
    const amount = page.getByLabel('核销金额（元）');
    assert.equal(await amount.inputValue(), '1234.56', 'the outstanding amount offered');
    await amount.fill('2000');
    await page.getByLabel('核销原因').fill('短');
    await page.getByRole('button', { name: '提交核销申请' }).click();
    await page.getByText('请填写核销原因（5–500 个字）').waitFor();
    await page.getByLabel('核销原因').fill('公司已注销，无法追收');
    await page.getByRole('button', { name: '提交核销申请' }).click();
    // the service's refusal lands on the amount field, and nothing was proposed
    await page.locator('.ant-form-item-has-error').filter({ hasText: '核销金额超过账单未付金额' }).waitFor();
    assert.equal(await writeOff(), undefined);
    await amount.fill('1234.56');
    await page.getByRole('button', { name: '提交核销申请' }).click();
    await page.getByText('核销申请已提交，待两位其他人员批准').waitFor();
    await writeOffRow().getByText('待批准').waitFor();
    // the proposer may not approve: the refusal is shown, the state stays
    await writeOffRow().getByRole('button', { name: '批准（第一次）' }).click();
    await page.getByRole('alert').filter({ hasText: '双人复核：申请人不能审批' }).waitFor();
    await mainScreen(page, 'credit-writeoff');
    const w = await writeOff();
    assert.deepEqual(
      [w.state, BigInt(w.amount), w.proposed_by, w.approved_by],
      ['proposed', 123_456n, `user:${finance.username}`, null],
    );
  });

  it('takes two approvals by two other people: a supervisor once (not twice), then another finance user posts it', async () => {
    const h = await harness();
    const supervisor = await staff('supervisor');
    await page.evaluate('sessionStorage.clear()');
    await login(supervisor);
    await page.getByRole('link', { name: '坏账核销' }).click();
    await page.getByRole('heading', { name: '坏账核销' }).waitFor();
    assert.equal(await page.getByLabel('记账卡账户号').count(), 0, 'only finance proposes');
    await writeOffRow().getByRole('button', { name: '批准（第一次）' }).click();
    await writeOffRow().getByText('已批准一次').waitFor();
    await writeOffRow().getByRole('button', { name: '批准并入账' }).click();
    await page.getByRole('alert').filter({ hasText: '两次批准须由两位不同人员完成' }).waitFor();
    assert.equal((await writeOff()).state, 'approved-once');
    const badDebtBefore = await balanceOf(h.app.db, 'customer-bad-debt');
    const second = await staff('finance');
    await page.evaluate('sessionStorage.clear()');
    await login(second);
    await page.getByRole('link', { name: '坏账核销' }).click();
    await writeOffRow().getByRole('button', { name: '批准并入账' }).click();
    await writeOffRow().getByText('已核销入账').waitFor();
    const w = await writeOff();
    assert.deepEqual(
      [w.state, w.approved_by, w.posted_by],
      ['posted', `user:${supervisor.username}`, `user:${second.username}`],
    );
    const bill = await h.app.db('credit_bills').where({ id: billId }).first();
    assert.deepEqual([BigInt(bill.written_off), bill.settled_at !== null], [123_456n, true]);
    assert.equal((await balanceOf(h.app.db, 'customer-bad-debt')) - badDebtBefore, 123_456n);
    await assertLedgerHolds();
  });

  it('lets a supervisor propose a one-grade upgrade after review, refuses them deciding it, and another approves', async () => {
    const h = await harness();
    // the account as two late payments left it: warned, then downgraded to B (the rules: credit-month)
    const at = new Date(h.clock.now().getTime() - 30 * 86_400_000);
    await h.app.db('credit_grades').insert({ account_id: accountId, grade: 'B', changed_at: at });
    await h.app.db('credit_grade_events').insert([
      {
        account_id: accountId,
        at,
        kind: 'warning',
        from_grade: 'A',
        to_grade: 'A',
        by: 'system',
        note: 'first late payment within 12 months',
      },
      {
        account_id: accountId,
        at,
        kind: 'downgrade',
        from_grade: 'A',
        to_grade: 'B',
        by: 'system',
        note: 'second late payment within 12 months',
      },
    ]);
    const proposer = await staff('supervisor');
    await page.evaluate('sessionStorage.clear()');
    await login(proposer);
    await page.getByRole('link', { name: '信用等级' }).click();
    await page.getByRole('heading', { name: '信用等级' }).waitFor();
    await page.getByRole('button', { name: `${name} · 账户 ${accountId}` }).click();
    const panel = page.locator('.ant-card').filter({ hasText: /等级变动记录|Grade history/ });
    await panel.getByRole('cell', { name: '降级' }).waitFor();
    // the service's own notes, stored in English, read in the user's language
    await panel.getByRole('cell', { name: '12 个月内第二次逾期还款' }).waitFor();
    await panel.getByLabel('复核意见').fill('好');
    await panel.getByRole('button', { name: '申请升级 B → A' }).click();
    await panel.getByText('请填写意见（5–500 个字）').waitFor();
    await panel.getByLabel('复核意见').fill('近六个月按时还款，复核通过');
    await panel.getByRole('button', { name: '申请升级 B → A' }).click();
    await panel.getByRole('cell', { name: '申请升级' }).waitFor();
    await panel.getByLabel('审批意见').fill('我自己批准试试');
    await panel.getByRole('button', { name: '批准升级至 A' }).click();
    await panel.getByRole('alert').filter({ hasText: '双人复核' }).waitFor();
    await mainScreen(page, 'credit-grades');
    const kinds = () => h.app.db('credit_grade_events').where({ account_id: accountId }).orderBy('id').pluck('kind');
    assert.deepEqual(await kinds(), ['warning', 'downgrade', 'upgrade-proposed']);
    const approver = await staff('supervisor');
    await page.evaluate('sessionStorage.clear()');
    await login(approver);
    await page.waitForURL('**/approvals');
    // keyboard first: the account field has the focus; its number and Enter open the account
    await page.getByRole('link', { name: '信用等级' }).click();
    await page.getByRole('heading', { name: '信用等级' }).waitFor();
    await until(
      page,
      'the account field focused',
      async () => (await page.evaluate('document.activeElement?.id')) === 'grades-account',
    );
    await page.keyboard.type(String(accountId));
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/credit/grades?account=${accountId}`);
    await panel.getByLabel('审批意见').fill('复核材料齐全，同意');
    await panel.getByRole('button', { name: '批准升级至 A' }).click();
    await panel.getByRole('cell', { name: '升级批准' }).waitFor();
    await panel.getByText('已是最高等级 A。').waitFor();
    assert.equal((await h.app.db('credit_grades').where({ account_id: accountId }).first()).grade, 'A');
    assert.deepEqual(await kinds(), ['warning', 'downgrade', 'upgrade-proposed', 'upgrade-approved']);
    const last = await h.app.db('credit_grade_events').where({ account_id: accountId }).orderBy('id', 'desc').first();
    assert.deepEqual([last.by, last.note], [`user:${approver.username}`, '复核材料齐全，同意']);
    // English is a switch away
    await page.getByLabel('界面语言').click();
    await page.locator('.ant-select-item-option[title="English"]').click();
    await page.getByRole('heading', { name: 'Credit grades', exact: true }).waitFor();
    await panel.getByText('Graded A, the highest.').waitFor();
    await page.getByLabel('Language').click();
    await page.locator('.ant-select-item-option[title="中文"]').click();
    await page.getByRole('heading', { name: '信用等级', exact: true }).waitFor();
    assert.deepEqual(browser.errors, []);
  });
});
