// The service desk in a browser: a clerk logs a complaint at the counter about a double charge, a
// handler resolves it with a toll refund, the supervisor approves the refund, the customer confirms
// and the ticket closes. Asserted by role, label and text, then in the database.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { createUser } from '../../src/modules/access/service.ts';
import { customerWithVehicle } from '../helpers/fixtures.ts';
import { harness, loginAs, unique } from '../helpers/harness.ts';
import { journal } from '../helpers/ledger.ts';
import { centre } from '../integration/statuslist-support.ts';
import { recomputeAfterCalendarChange } from '../../src/modules/servicedesk/index.ts';
import { launch, mainScreen, assertAccessible, until, untilFieldFocusedIn, type Browser } from './browser.ts';
import type { TestCentre } from '../helpers/centres.ts';
import { loginAt, peerComplaint, type PeerComplaint } from './peer-complaint.ts';

describe('the service desk console in a browser', function () {
  this.timeout(60_000);
  this.bail(true);
  let base: string;
  let browser: Browser;
  type Who = { username: string; password: string; id: bigint };
  let clerk: Who, handler: Who, supervisor: Who, admin: Who;
  let clerkPage: Page, handlerPage: Page, supervisorPage: Page, adminPage: Page;
  let customer: { customerId: number; accountId: number; phone: string };
  let ticketId = 0;
  const db = async () => (await harness()).app.db;

  before(async function () {
    this.timeout(120_000);
    const h = await harness();
    base = await centre();
    const staff = async (role: 'clerk' | 'supervisor' | 'admin') => {
      const username = unique(role.slice(0, 3));
      const { user, password } = await createUser(h.app.db, null, {
        username,
        displayName: `${role} ${username}`,
        role,
      });
      return { username, password, id: user.id };
    };
    [clerk, handler, supervisor, admin] = [
      await staff('clerk'),
      await staff('clerk'),
      await staff('supervisor'),
      await staff('admin'),
    ];
    const apiClerk = await loginAs('clerk');
    customer = await customerWithVehicle(apiClerk.auth);
    await h.app
      .db('servicedesk_units')
      .insert({ code: unique('E2E'), name: '投诉处理组', supervisor_user_id: supervisor.id });
    browser = await launch();
    [clerkPage, handlerPage, supervisorPage, adminPage] = [
      await browser.context.newPage(),
      await browser.context.newPage(),
      await browser.context.newPage(),
      await browser.context.newPage(),
    ];
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      await adminPage
        ?.screenshot({ path: `${process.env.TMPDIR ?? '/tmp'}/servicedesk-e2e-admin.png` })
        .catch(() => undefined);
    if (this.currentTest?.state === 'failed') console.error('page errors:', browser?.errors);
  });
  after(async () => {
    await browser?.close();
  });

  async function login(page: Page, who: Who) {
    await page.goto(`${base}/`);
    await page.getByLabel('用户名').fill(who.username);
    await page.getByLabel('密码').fill(who.password);
    await page.keyboard.press('Enter');
    await page.getByRole('navigation').waitFor();
  }

  it('a clerk logs a complaint about a double charge at the counter, by keyboard', async () => {
    const page = clerkPage;
    await login(page, clerk);
    await page.getByRole('link', { name: '投诉登记' }).click();
    await page.getByRole('heading', { name: '投诉登记' }).waitFor();
    // the customer box has the focus on arrival
    assert.equal(await page.evaluate('document.activeElement?.id'), 'f-customerQuery');
    await page.keyboard.type(customer.phone);
    await page.keyboard.press('Enter');
    await page
      .getByRole('status')
      .filter({ hasText: customer.phone.slice(-4) })
      .waitFor();
    await page.getByLabel('子类').fill('重复扣费');
    await page.getByLabel('诉求内容').fill('3 月 2 日合肥南出口同一次通行扣了两次费');
    await page.getByLabel('网点').fill('HF01');
    await mainScreen(page, 'servicedesk-intake');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '已登记' }).waitFor();
    const row = await (await db())('servicedesk_tickets').where({ customer_id: customer.customerId }).first();
    assert.ok(row, 'the ticket is in the database');
    ticketId = Number(row.id);
    assert.deepEqual(
      [row.channel, row.category, row.outlet, String(row.clerk_user_id)],
      ['counter', 'technical', 'HF01', String(clerk.id)],
    );
    await page.getByText(row.ticket_no).waitFor();
    const ack = await (
      await db()
    )('notifications')
      .where({ dedupe_key: `ticket-ack:${row.ticket_no}` })
      .first();
    assert.equal(ack.template, 'servicedesk.ack');
  });

  it('a handler accepts it, resolves it with a root cause and proposes a toll refund', async () => {
    const page = handlerPage;
    await login(page, handler);
    await page.goto(`${base}/servicedesk/tickets/${ticketId}`);
    await page.getByRole('button', { name: '受理' }).click();
    await page.getByText('已受理').first().waitFor();
    await page.getByRole('button', { name: '办结' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('根本原因').fill('LANE-DOUBLE');
    await page.keyboard.press('Enter');
    await dialog.getByLabel('责任部门').fill('投诉处理');
    await page.keyboard.press('Enter');
    await dialog.getByLabel('处理说明').fill('车道 L340102-01 重复扣费，已核实');
    await dialog.getByRole('button', { name: '确认' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('已处理待确认').first().waitFor();
    await page.getByRole('button', { name: '补偿' }).click();
    await dialog.getByLabel('金额（元）').fill('60.00');
    await dialog.getByLabel('原因').fill('退还重复扣取的通行费');
    await dialog.getByRole('button', { name: '确认' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('待审批').waitFor();
    await mainScreen(page, 'servicedesk-ticket');
    const t = await (await db())('servicedesk_tickets').where({ id: ticketId }).first();
    assert.deepEqual([t.status, t.root_cause, t.verdict], ['resolved', 'LANE-DOUBLE-CHARGE', 'justified']);
  });

  it('the supervisor approves the refund once; the money reaches the account', async () => {
    const page = supervisorPage;
    await login(page, supervisor);
    await page.getByRole('link', { name: '补偿待批' }).click();
    const row = page.getByRole('row').filter({ hasText: '¥60.00' });
    await row.waitFor();
    await mainScreen(page, 'servicedesk-remedies');
    await row.getByRole('button', { name: '批准' }).click();
    await row.waitFor({ state: 'detached' });
    const remedy = await (await db())('servicedesk_remedies').where({ ticket_id: ticketId }).first();
    assert.equal(remedy.status, 'posted');
    assert.deepEqual(await journal('ticket-remedy', String(remedy.id)), {
      'complaint-remedies': 6000n,
      [`customer-funds:${customer.accountId}`]: -6000n,
    });
  });

  it('the customer confirms at the counter and the ticket closes', async () => {
    const page = clerkPage;
    await page.goto(`${base}/servicedesk/tickets/${ticketId}`);
    await page.getByRole('button', { name: '关闭' }).click();
    await page.getByRole('dialog').getByRole('radio', { name: '客户当面确认' }).check();
    await page.getByRole('dialog').getByRole('button', { name: '确认' }).click();
    await page.getByText('已关闭').first().waitFor();
    const t = await (await db())('servicedesk_tickets').where({ id: ticketId }).first();
    assert.equal(t.status, 'closed');
    const kinds = (await (await db())('servicedesk_ticket_events').where({ ticket_id: ticketId }).orderBy('id')).map(
      (e) => e.kind,
    );
    assert.deepEqual(kinds, ['created', 'accept', 'resolve', 'remedy-proposed', 'remedy-posted', 'close']);
  });

  it('shows the queue with its deadline columns and the reports with a chart', async () => {
    // another complaint, by phone, still open: the queue shows it with its deadlines
    const h = await harness();
    const open = await request(h.http)
      .post('/api/v1/servicedesk/tickets')
      .set('Authorization', (await loginAs('clerk')).auth)
      .send({ channel: 'phone', customerId: customer.customerId, category: 'payment', description: '圈存未到账' })
      .expect(201);
    const page = supervisorPage;
    await page.getByRole('link', { name: '我的工单' }).click();
    await page.getByRole('heading', { name: '工单队列' }).waitFor();
    await page.getByRole('columnheader', { name: '首次答复' }).waitFor();
    await page.getByRole('link', { name: open.body.ticket.ticketNo }).waitFor();
    await mainScreen(page, 'servicedesk-queue');
    await page.getByRole('link', { name: '客服报表' }).click();
    await page.getByRole('heading', { name: '客服报表' }).waitFor();
    await page.getByRole('img', { name: '各网点工单数柱状图' }).waitFor();
    await mainScreen(page, 'servicedesk-reports');
  });

  it('an admin marks a make-up working day on the 2027 calendar with a reason; the recomputation shows queued, then done', async () => {
    const page = adminPage;
    await login(page, admin);
    await page.getByRole('heading', { name: '工作日历' }).waitFor();
    // the year box has the focus on arrival
    assert.equal(await page.evaluate('document.activeElement?.id'), 'sd-calendar-year');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('2027');
    await page.getByText('2027 年为暂定安排').waitFor();
    await page.getByRole('row').filter({ hasText: '2027-02-05' }).getByText('暂定').waitFor();
    await page.keyboard.press('F4');
    const dialog = page.getByRole('dialog');
    await dialog.getByText('新增特殊日').waitFor();
    // the date field takes the focus once the dialog has finished opening: type only then
    await until(page, 'the date field focused', () =>
      dialog.getByLabel('日期').evaluate((el) => el === el.ownerDocument.activeElement),
    );
    // a weekday cannot be a make-up working day: the service's refusal shows on the field
    await page.keyboard.type('2027-02-17');
    await dialog.getByRole('radio', { name: '调休上班' }).check();
    await dialog.getByLabel('名称').fill('春节调休');
    await dialog.getByLabel('原因').fill('国务院办公厅通知：2 月 20 日（周六）上班');
    await dialog.getByRole('button', { name: '确认' }).click();
    await dialog.getByText('调休上班只能设在周末').waitFor();
    await dialog.getByLabel('日期').fill('2027-02-20');
    await dialog.getByLabel('原因').press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: '2027-02-20 已保存' }).waitFor();
    const change = page.getByRole('row').filter({ hasText: '国务院办公厅通知' });
    await change.getByText('排队中').waitFor();
    await page.getByRole('row').filter({ hasText: '2027-02-20' }).first().getByText('管理员录入').waitFor();
    await mainScreen(page, 'servicedesk-calendar');
    const day = await (await db())('servicedesk_calendar_days').where({ day: '2027-02-20' }).first();
    assert.deepEqual([day.kind, day.name, day.source], ['workday', '春节调休', 'admin']);
    const c = await (
      await db()
    )('servicedesk_calendar_changes')
      .where({ day: '2027-02-20' })
      .orderBy('id', 'desc')
      .first();
    assert.deepEqual(
      [c.to_kind, c.reason, c.recomputed_at],
      ['workday', '国务院办公厅通知：2 月 20 日（周六）上班', null],
    );
    assert.equal((await (await db())('servicedesk_calendar_days').where({ day: '2027-02-17' })).length, 0);
    // the queued job runs: the screen shows it done without a reload
    await recomputeAfterCalendarChange(await db(), new Date());
    await change.getByText('已完成').waitFor();
    // removed again with a reason: the day follows the weekly rule, the change is listed
    await page.getByRole('button', { name: '删除 2027-02-20' }).click();
    await page.getByRole('dialog').getByLabel('原因').fill('补班安排录错，撤销');
    await page.keyboard.press('Enter');
    await page.getByRole('row').filter({ hasText: '补班安排录错' }).getByText('调休上班 → 按周计算').waitFor();
    assert.equal((await (await db())('servicedesk_calendar_days').where({ day: '2027-02-20' })).length, 0);
  });

  it('an admin adds a unit with its supervisor and a member, takes the member out again, then deactivates it with a reason', async () => {
    const page = adminPage;
    const memberName = unique('cle');
    const member = (
      await createUser((await harness()).app.db, null, {
        username: memberName,
        displayName: `clerk ${memberName}`,
        role: 'clerk',
      })
    ).user;
    await page.getByRole('link', { name: '处理部门' }).click();
    await page.getByRole('heading', { name: '处理部门' }).waitFor();
    await page.keyboard.press('F4');
    const dialog = page.getByRole('dialog');
    const code = unique('HF');
    await dialog.getByLabel('部门代码').fill(code);
    await dialog.getByLabel('部门名称').fill('合肥投诉复核组');
    await dialog.getByLabel('主管（超时升级）').fill(supervisor.username);
    await page.keyboard.press('Enter');
    await dialog.getByLabel('成员').fill(memberName);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab'); // a multiple choice stays open until the field is left
    await dialog.getByRole('button', { name: '确认' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByRole('row').filter({ hasText: code });
    await row.getByText('合肥投诉复核组').waitFor();
    await row.getByText(`supervisor ${supervisor.username}`).waitFor();
    await row.getByText(`clerk ${memberName}`).waitFor();
    await row.getByText('在用').waitFor();
    await mainScreen(page, 'servicedesk-units');
    const unit = await (await db())('servicedesk_units').where({ code }).first();
    assert.deepEqual(
      [unit.name, String(unit.supervisor_user_id), unit.active],
      ['合肥投诉复核组', String(supervisor.id), true],
    );
    const staffOf = async () =>
      (await (await db())('servicedesk_staff').where({ unit_id: unit.id }).pluck('user_id')).map(String);
    assert.deepEqual(await staffOf(), [String(member.id)]);
    // the member leaves the unit: Backspace in the members field takes the last one off
    await row.getByRole('button', { name: `修改 ${code}` }).click();
    await dialog.getByLabel('成员').focus();
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Tab');
    await dialog.getByRole('button', { name: '确认' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByText(`clerk ${memberName}`).waitFor({ state: 'detached' });
    assert.deepEqual(await staffOf(), []);
    await row.getByRole('button', { name: `停用 ${code}` }).click();
    await page.getByRole('dialog').getByLabel('原因').fill('并入投诉处理组');
    await page.keyboard.press('Enter');
    await row.getByText('已停用').waitFor();
    assert.equal((await (await db())('servicedesk_units').where({ code }).first()).active, false);
  });

  it('raised no uncaught error in any page', () => {
    assert.deepEqual(browser.errors, []);
  });
});

// A complaint about a charge of a Jiangsu (3201) card on Anhui's (3401) roads, in the console of
// Jiangsu's centre: Anhui's package has arrived and Jiangsu's confirmation has not gone out yet, so
// the handler raises the dispute from the ticket; finance sees it among the disputes we raised.
describe('the service desk raises an interchange dispute in a browser', function () {
  this.timeout(300_000);
  this.bail(true);
  let A: TestCentre;
  let B: TestCentre;
  let browser: Browser;
  let ticket: PeerComplaint['ticket'];
  let tx: PeerComplaint['tx'];

  before(async () => {
    ({ A, B, ticket, tx } = await peerComplaint({
      daysAhead: 50,
      keyVersions: [161, 162],
      seed: 1613,
      caller: { name: '王先生', contact: '13800000000' },
      description: '在安徽高速同一次通行被扣了两次费',
    }));
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await A?.close();
    await B?.close();
  });
  const login = (page: Page, who: { username: string; password: string }) => loginAt(page, B.base, who);

  it('a handler raises the dispute from the ticket with a reason code; the ticket shows it and its event', async () => {
    const page = await browser.context.newPage();
    await login(page, B.staff.clerk);
    await page.goto(`${B.base}/servicedesk/tickets/${ticket.id}`);
    await page.getByRole('button', { name: '发起跨省争议' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('3401 省道路').waitFor();
    // the reason code box has the focus: type to search, Enter to pick
    await untilFieldFocusedIn(page, dialog, 'the reason code box');
    await page.keyboard.type('重复交易');
    await page.keyboard.press('Enter');
    await dialog.getByLabel('争议说明').fill('客户称同一次通行被扣两次');
    await dialog.getByRole('button', { name: '确认' }).click();
    await dialog.waitFor({ state: 'detached' });
    const card = page.getByRole('row').filter({ hasText: '待财务裁定' });
    await card.getByText('3401').first().waitFor();
    await page.getByText('发起跨省争议').last().waitFor();
    await assertAccessible(page, 'servicedesk-ticket-dispute');
    const d = await B.app.db('interchange_disputes').where({ transaction_id: tx.id }).first();
    assert.deepEqual([d.side, d.result, d.request_reference], ['issuer', 2, ticket.ticketNo]);
    const events = await B.app.db('servicedesk_ticket_events').where({ ticket_id: ticket.id }).pluck('kind');
    assert.ok(events.includes('interchange-dispute'));
    await page.close();
  });

  it('finance sees it among the disputes we raised, with the ticket it came from', async () => {
    const page = await browser.context.newPage();
    await login(page, B.staff.finance);
    await page.getByRole('link', { name: '争议' }).click();
    const row = page.getByRole('row').filter({ hasText: ticket.ticketNo });
    await row.waitFor();
    await row.getByText('3401', { exact: true }).waitFor();
    await page.close();
  });

  it('raised no uncaught error in any page', () => {
    assert.deepEqual(browser.errors, []);
  });
});
