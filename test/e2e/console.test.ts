// The service-hall console end to end: the real service on the run's PostgreSQL database serving
// the built console, the virtual card reader, lane controllers pulling the status list, and
// Chromium. Each role's main path by keyboard where the counter would use it; what the user sees is
// asserted by role, label and text, and what the database holds afterwards is queried.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import type { Page } from 'playwright-core';
import { LaneListClient } from '../../lanes-sim/status-list/client.ts';
import { createReaderClient, type ReaderClient } from '../../reader/client.ts';
import { createReaderServer, type ReaderServer } from '../../reader/server.ts';
import { parseStock } from '../../reader/stock.ts';
import { VirtualReader } from '../../reader/virtual-reader.ts';
import { createUser } from '../../src/modules/access/service.ts';
import { makeDemoStock } from '../../src/modules/issuance/index.ts';
import { mobile, plate, residentId } from '../helpers/fixtures.ts';
import { harness, unique } from '../helpers/harness.ts';
import { centre, DEMO_LANES, machine } from '../integration/statuslist-support.ts';
import { launch, mainScreen, type Browser } from './browser.ts';

const TOKEN = 'console-e2e-pairing-token';

describe('the service-hall console in a browser', function () {
  this.timeout(60_000);
  // one path: a step that fails leaves the later ones nothing to stand on
  this.bail(true);
  let base: string;
  let browser: Browser;
  let srv: ReaderServer;
  let reader: ReaderClient;
  let clerk: { username: string; password: string };
  let supervisor: { username: string; password: string };
  let clerkPage: Page;
  let supervisorPage: Page;
  // what the clerk's path made, for the later steps
  const made = {
    name: `测试${unique('').slice(0, 4)}`,
    plate: plate(),
    customerId: '',
    cardNo: '',
    obuNo: '',
    newCardNo: '',
  };

  before(async function () {
    this.timeout(120_000);
    const h = await harness();
    base = await centre();
    const staff = async (role: 'clerk' | 'supervisor') => {
      const username = unique(role.slice(0, 3));
      const { password } = await createUser(h.app.db, null, { username, displayName: `${role} ${username}`, role });
      return { username, password };
    };
    clerk = await staff('clerk');
    supervisor = await staff('supervisor');
    // the demo's card stock, made as the demo's key ceremony makes it
    const stock = await makeDemoStock(
      { ...h.app, config: { ...h.app.config, demo: true } },
      { cards22: 2, cards23: 0, obus: 1 },
    );
    srv = createReaderServer({
      reader: new VirtualReader({ stock: parseStock(JSON.parse(JSON.stringify(stock))) }),
      origin: base,
      token: TOKEN,
    });
    const readerUrl = await srv.listen(0);
    reader = createReaderClient({ url: readerUrl, token: TOKEN });
    browser = await launch();
    // the counter's reader is paired once per browser (the clerk types the token the reader printed)
    await browser.context.addInitScript(
      `if (location.protocol === 'http:') localStorage.setItem('etc.console.reader', ${JSON.stringify(JSON.stringify({ url: readerUrl, token: TOKEN }))})`,
    );
    clerkPage = await browser.context.newPage();
    supervisorPage = await browser.context.newPage();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.error('page errors:', browser?.errors);
  });

  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  async function login(page: Page, who: { username: string; password: string }) {
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: 'ETC 客服营业厅' }).waitFor();
    await page.getByLabel('用户名').fill(who.username);
    await page.getByLabel('密码').fill(who.password);
    await page.keyboard.press('Enter');
  }

  const db = async () => (await harness()).app.db;

  it('serves the console at / with a fallback for its own routes, and the API as before', async () => {
    const root = await fetch(`${base}/`);
    assert.equal(root.status, 200);
    assert.match(root.headers.get('cache-control') ?? '', /no-cache/);
    assert.match(await root.text(), /<div id="root">/);
    const deep = await fetch(`${base}/customers/1`);
    assert.equal(deep.status, 200, 'a reload on a console route gets the console');
    const api = await fetch(`${base}/api/v1/nothing-here`);
    assert.equal(api.status, 404);
    assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'not-found');
  });

  it('refuses a wrong password on the login screen and lets the clerk in with the right one', async () => {
    const page = clerkPage;
    await page.goto(`${base}/search`);
    await page.getByRole('button', { name: '登录' }).waitFor(); // no token: back to the login screen
    await mainScreen(page, 'login');
    await page.getByLabel('用户名').fill(clerk.username);
    await page.getByLabel('密码').fill('not-the-password');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: '用户名或密码错误' }).waitFor();
    await login(page, clerk);
    await page.getByRole('heading', { name: '客户查询' }).waitFor();
    // keyboard first: the search box has the focus on arrival
    assert.equal(await page.evaluate("document.activeElement?.getAttribute('aria-label')"), '查询客户');
    await page.getByRole('toolbar', { name: '功能键' }).getByText('F3').waitFor();
    await mainScreen(page, 'search');
  });

  it('registers a customer with a vehicle, with the API refusal shown on its field', async () => {
    const page = clerkPage;
    await page.keyboard.press('F3');
    await page.getByRole('heading', { name: '客户开户' }).waitFor();
    assert.equal(await page.evaluate('document.activeElement?.id'), 'f-name', 'the first field has the focus');
    await page.keyboard.type(made.name);
    const good = residentId();
    const bad = good.slice(0, 17) + (good[17] === '1' ? '2' : '1'); // wrong check character
    await page.getByLabel('证件号').fill(bad);
    await page.getByLabel('手机号').fill(mobile());
    await page.getByLabel('车牌', { exact: true }).fill(made.plate);
    await mainScreen(page, 'register');
    const before = await (await db())('customers').count({ n: '*' }).first();
    await page.keyboard.press('Enter');
    // the service names the field; the console puts its message there, and nothing was opened
    await page.locator('#f-idNumber[aria-invalid="true"]').waitFor();
    assert.equal((await (await db())('customers').count({ n: '*' }).first())?.n, before?.n);
    await page.getByLabel('证件号').fill(good);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: made.name }).waitFor();
    made.customerId = new URL(page.url()).pathname.split('/')[2]!;
    const row = await (await db())('customers').where({ id: made.customerId }).first();
    assert.equal(row.name, made.name);
    const v = await (await db())('vehicles').where({ customer_id: made.customerId }).first();
    assert.equal(v.plate, made.plate);
    await page.getByRole('cell', { name: made.plate }).waitFor();
  });

  it('shows the masked profile and reveals it with a reason, audited', async () => {
    const page = clerkPage;
    await mainScreen(page, 'customer');
    await page.getByRole('button', { name: '查看完整信息' }).click();
    await page.getByLabel('原因').fill('客户来电核实身份');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: '查看完整信息', exact: true }).waitFor({ state: 'detached' });
    const audit = await (
      await db()
    )('audit_log')
      .where({ entity_id: made.customerId })
      .andWhere({ action: 'customer.pii-view' })
      .first();
    assert.ok(audit, 'the full view is audited');
  });

  it('issues a stored-value card onto a blank card on the reader, fee and receipt shown', async () => {
    const page = clerkPage;
    const blank = await reader.admin.insert({ kind: 'blank-card', cardType: 22 }); // the clerk puts a blank card on
    assert.equal(blank.kind, 'card');
    made.cardNo = blank.kind === 'card' ? blank.cardNo : '';
    await page.keyboard.press('F4');
    await page.getByRole('heading', { name: /发卡/ }).waitFor();
    await page.getByText('免费办理').waitFor(); // the free card is a promotion
    await page.getByText(`空白卡 ${made.cardNo}`).waitFor();
    await mainScreen(page, 'issue-card');
    await page.keyboard.press('F10');
    const receipt = page.getByRole('region', { name: '业务凭条' });
    await receipt.getByText(made.cardNo).first().waitFor();
    await receipt.getByText('发行储值卡').waitFor();
    // the customer leaves with the receipt: the name is masked on it, never in full
    const chars = Array.from(made.name);
    await receipt.getByText(`${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`).waitFor();
    assert.equal(await receipt.getByText(made.name).count(), 0);
    await mainScreen(page, 'receipt');
    const card = await (await db())('cards').where({ card_no: made.cardNo }).first();
    assert.equal(card.status, 1);
    assert.equal(String(card.customer_id), made.customerId);
    const files = await reader.readCard();
    assert.equal(files.blank, false, 'personalised through the reader');
    assert.equal(files.issuance?.plate, made.plate);
    await page.getByRole('button', { name: '完成' }).click();
  });

  it('issues an OBU at half price, written and activated through the reader', async () => {
    const page = clerkPage;
    const blank = await reader.admin.insert({ kind: 'blank-obu' });
    made.obuNo = blank.kind === 'obu' ? blank.obuNo : '';
    await page.getByRole('heading', { name: made.name }).waitFor();
    await page.keyboard.press('F5');
    await page.getByRole('heading', { name: /发 OBU/ }).waitFor();
    await page.getByText('¥400.00').waitFor();
    await page.getByText('¥200.00').first().waitFor();
    await page.getByText(`空白 OBU ${made.obuNo}`).waitFor();
    await page.keyboard.press('F10');
    await page.getByRole('region', { name: '业务凭条' }).getByText(made.obuNo).first().waitFor();
    const obu = await (await db())('obus').where({ obu_no: made.obuNo }).first();
    assert.equal(obu.status, 1);
    assert.ok(obu.activated_at, 'activated');
    assert.equal((await reader.readObu()).activated, true);
    await page.getByRole('button', { name: '完成' }).click();
  });

  it('loads the card at the counter through the reader: amount, confirmation, receipt', async () => {
    const page = clerkPage;
    await page.getByRole('link', { name: made.cardNo }).click();
    await page.getByRole('heading', { name: new RegExp(made.cardNo) }).waitFor();
    await reader.admin.insert({ kind: 'card', cardNo: made.cardNo });
    await page.keyboard.press('F6');
    const dialog = page.getByRole('dialog', { name: '圈存' });
    await dialog.getByText(`卡 ${made.cardNo}`).waitFor();
    await dialog.getByLabel('圈存金额').fill('123.45');
    await page.keyboard.press('Enter');
    await dialog.getByText(/请与客户核对/).waitFor();
    await mainScreen(page, 'load');
    await page.keyboard.press('Enter');
    const receipt = page.getByRole('region', { name: '业务凭条' });
    await receipt.getByText('¥123.45').first().waitFor();
    const card = await (await db())('cards').where({ card_no: made.cardNo }).first();
    assert.equal(String(card.last_balance), '12345');
    const load = await (await db())('loads').where({ card_no: made.cardNo }).orderBy('created_at', 'desc').first();
    assert.equal(load.status, 'confirmed');
    assert.equal((await reader.readCard()).balance, 12345);
    await page.getByRole('button', { name: '完成' }).click();
  });

  it('reports the card lost; the supervisor publishes and sees it reach the lanes on the map', async () => {
    const page = clerkPage;
    await page.keyboard.press('F8');
    await page.getByRole('dialog').getByLabel('原因').fill('客户遗失');
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: '业务凭条' }).getByText('已挂失').waitFor();
    assert.equal((await (await db())('cards').where({ card_no: made.cardNo }).first()).status, 6);
    await page.getByRole('button', { name: '完成' }).click();

    const sup = supervisorPage;
    await login(sup, supervisor);
    await sup.getByRole('heading', { name: '待审批' }).waitFor();
    await sup.getByRole('link', { name: '名单下发' }).click();
    await sup.getByRole('heading', { name: '名单下发' }).waitFor();
    await sup.getByRole('button', { name: '立即发布' }).click();
    const published = await sup.getByText(/已发布版本 \d+/).textContent();
    const version = Number(/\d+/.exec(published ?? '')?.[0]);
    const h = await harness();
    assert.equal(Number((await h.app.db('status_list_versions').max({ v: 'version' }).first())?.v), version);
    const change = await h.app.db('status_list_changes').where({ medium_id: made.cardNo }).first();
    assert.equal(change.state, 'published');
    // the lane controllers pull the list, verify it and report the version they applied
    // heartbeat keys are made from the clock; the run's clock stands still, so earlier tests' lane
    // clients may have used this instant: a skew of their own (well within the signature window)
    const skew = 1 + randomInt(59_999);
    const lanes = await Promise.all(
      DEMO_LANES.map(async (laneId) => {
        const m = await machine('lane', laneId);
        return new LaneListClient({
          centre: base,
          laneId,
          secret: m.secret,
          now: () => h.clock.now().getTime() + skew,
        });
      }),
    );
    for (const lane of lanes) assert.notEqual(await lane.sync(), null, lane.lastError);
    for (const lane of lanes) assert.equal(lane.listed('card', made.cardNo), 1, 'listed as lost on every lane');
    // the map polls: every lane turns current
    const cell = sup.locator(`[data-lane="${DEMO_LANES[0]}"]`);
    await sup.locator(`[data-lane="${DEMO_LANES[0]}"][data-state="current"]`).waitFor();
    assert.match((await cell.textContent()) ?? '', new RegExp(`v${version}`));
    assert.equal(await sup.locator('[data-lane][data-state="current"]').count(), DEMO_LANES.length);
    await mainScreen(sup, 'delivery');
    await cell.click();
    await sup.getByRole('dialog', { name: DEMO_LANES[0] }).getByText('最后心跳').waitFor();
    await sup.keyboard.press('Escape');
  });

  it('reissues the lost card, then asks to cancel the new one with a refund', async () => {
    const page = clerkPage;
    const blank = await reader.admin.insert({ kind: 'blank-card', cardType: 22 }); // the new card's blank
    await page.getByRole('button', { name: '补卡' }).click();
    await page.getByRole('dialog').getByLabel('原因').fill('挂失后补卡');
    await page.keyboard.press('Enter');
    const receipt = page.getByRole('region', { name: '业务凭条' });
    await receipt.getByText('补卡', { exact: true }).waitFor();
    const old = await (await db())('cards').where({ card_no: made.cardNo }).first();
    assert.equal(old.status, 5, 'the lost card is cancelled without card');
    made.newCardNo = String(old.replaced_by).trim();
    assert.equal(made.newCardNo, blank.kind === 'card' ? blank.cardNo : '', 'reissued onto the blank card');
    assert.equal((await reader.readCard()).blank, false, 'personalised through the reader');
    await receipt.getByText(made.newCardNo).first().waitFor();
    const fresh = await (await db())('cards').where({ card_no: made.newCardNo }).first();
    assert.equal(fresh.status, 1);

    await page.goto(`${base}/cards/${made.newCardNo}`);
    await page.getByRole('heading', { name: new RegExp(made.newCardNo) }).waitFor();
    await mainScreen(page, 'card');
    await page.getByRole('button', { name: '销卡退款' }).click();
    await page.getByRole('dialog').getByLabel('原因').fill('客户不再使用');
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: '业务凭条' }).getByText('等待主管审批').waitFor();
    const req = await (await db())('card_cancellations').where({ card_no: made.newCardNo }).first();
    assert.equal(req.status, 'requested');
  });

  it('the supervisor approves the refund from the approvals queue', async () => {
    const sup = supervisorPage;
    await sup.getByRole('link', { name: '审批' }).click();
    await sup.getByRole('heading', { name: '待审批' }).waitFor();
    const row = sup.getByRole('row').filter({ hasText: made.newCardNo });
    await row.waitFor();
    // what is asked, in the supervisor's language
    await row.getByRole('cell', { name: '销卡，退款方式：现金' }).waitFor();
    await row.getByRole('cell', { name: `clerk ${clerk.username}` }).waitFor(); // who asked, by name
    await mainScreen(sup, 'approvals');
    await row.getByRole('button', { name: '批准' }).click();
    await sup.getByRole('dialog').getByLabel('原因').fill('核实无误');
    await sup.keyboard.press('Enter');
    await row.waitFor({ state: 'detached' });
    const req = await (await db())('card_cancellations').where({ card_no: made.newCardNo }).first();
    assert.equal(req.status, 'approved');
    assert.equal((await (await db())('cards').where({ card_no: made.newCardNo }).first()).status, 4);
  });

  it("shows the clerk's till with the day's takings, and the supervisor's list screen", async () => {
    const page = clerkPage;
    await page.keyboard.press('F9');
    await page.getByRole('heading', { name: '营业员日结' }).waitFor();
    await page.getByTestId('till-taken').getByText('¥323.45').waitFor(); // OBU 200.00 + load 123.45
    // each operation by its name in the clerk's language, not the journal's word
    await page.getByRole('cell', { name: '发行费用' }).waitFor();
    await page.getByRole('cell', { name: '圈存', exact: true }).waitFor();
    await mainScreen(page, 'till');
    const sup = supervisorPage;
    await sup.getByRole('link', { name: '状态名单' }).click();
    await sup.getByRole('heading', { name: '状态名单' }).waitFor();
    await mainScreen(sup, 'lists');
  });

  it('raised no uncaught error in any page', () => {
    assert.deepEqual(browser.errors, []);
  });
});
