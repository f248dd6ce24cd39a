// Corporate fleets in the console: finance imports an ICBC statement (GBK, fixed width) and sees its
// lines by status, assigns the unmatched transfer from suspense to the customer; the account manager
// opens the fleet's pool and allocates equal amounts to selected vehicles and a CSV of plates. What
// the screens show is asserted by role, label and text; what the database holds afterwards is queried.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { createUser } from '../../src/modules/access/service.ts';
import { mobile, plate } from '../helpers/fixtures.ts';
import { harness, loginAs, unique } from '../helpers/harness.ts';
import { assertLedgerHolds } from '../helpers/ledger.ts';
import { centre } from '../integration/statuslist-support.ts';
import { launch, mainScreen, type Browser } from './browser.ts';

describe('corporate fleets in the console', function () {
  this.timeout(60_000);
  this.bail(true);
  let base: string;
  let browser: Browser;
  let finance: { username: string; password: string };
  let manager: { username: string; password: string };
  const fleet = { customerId: 0, reference: '', plates: [] as string[], vehicleIds: [] as number[] };

  before(async function () {
    this.timeout(120_000);
    const h = await harness();
    base = await centre();
    const staff = async (role: 'finance' | 'account-manager') => {
      const username = unique(role.slice(0, 3));
      const { password } = await createUser(h.app.db, null, { username, displayName: `${role} ${username}`, role });
      return { username, password };
    };
    finance = await staff('finance');
    manager = await staff('account-manager');
    const clerk = (await loginAs('clerk')).auth;
    const c = await request(h.http)
      .post('/api/v1/customers')
      .set('Authorization', clerk)
      .send({
        kind: 'corporate',
        name: unique('皖运集团').slice(0, 12),
        registrationNumber: `91340100MA${String(Date.now()).slice(-8)}`,
        contactPerson: '王五',
        contactPhone: mobile(),
        accountManager: manager.username,
      })
      .expect(201);
    fleet.customerId = c.body.customer.id;
    for (let i = 0; i < 3; i++) {
      const p = plate();
      const v = await request(h.http)
        .post(`/api/v1/customers/${fleet.customerId}/vehicles`)
        .set('Authorization', clerk)
        .send({ plate: p, plateColor: 0, vehicleClass: 1, seats: 5, lengthMm: 4800, widthMm: 1800, heightMm: 1500 })
        .expect(201);
      fleet.plates.push(p);
      fleet.vehicleIds.push(v.body.vehicle.id);
    }
    const ref = await request(h.http)
      .post(`/api/v1/corporate/customers/${fleet.customerId}/payment-reference`)
      .set('Authorization', clerk)
      .expect(200);
    fleet.reference = ref.body.reference;
    browser = await launch();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.error('page errors:', browser?.errors);
  });

  after(async () => {
    await browser?.close();
  });

  async function login(page: Page, who: { username: string; password: string }) {
    await page.goto(`${base}/`);
    await page.getByLabel('用户名').fill(who.username);
    await page.getByLabel('密码').fill(who.password);
    await page.keyboard.press('Enter');
  }

  it('finance imports an ICBC statement and assigns the unmatched transfer from suspense', async () => {
    const h = await harness();
    const page = await browser.context.newPage();
    await login(page, finance);
    // finance lands on Today; the statement import is in its menu
    await page.getByRole('heading', { name: /今日概况/ }).waitFor();
    await page.getByRole('menuitem', { name: '银行流水', exact: true }).click();
    await page.getByRole('heading', { name: '导入银行流水' }).waitFor();
    // the real-shaped fixture with this fleet's reference and serials of this run
    // serials of this test alone: the run's database also holds the integration tests' imports of the
    // same fixture, whose serials take two digits there (a two-digit suffix here met one now and then)
    const run = 'EE';
    const payer = `62258802${String(Date.now()).slice(-8)}`;
    const text = iconv
      .decode(readFileSync('test/fixtures/corporate/icbc-statement.txt'), 'gbk')
      .replace('{REF_B_______}', fleet.reference)
      .replace(/ICBC2026/g, `ICBC${run}26`)
      // a payer account of this run: earlier tests may have taught the fixture's to another customer
      .replace('6225880212345678', payer);
    await page.getByRole('combobox', { name: '文件格式' }).click();
    await page.getByTitle('工商银行定长文本').click();
    await page.getByLabel('流水文件').setInputFiles({
      name: 'icbc-20261202.txt',
      mimeType: 'text/plain',
      buffer: iconv.encode(text, 'gbk'),
    });
    await page.getByRole('button', { name: '导入', exact: true }).click();
    await page.getByText('新增 3 / 共 3 行').waitFor();
    await page.getByRole('cell', { name: '安徽皖运集团股份有限公司 1302010109000123456' }).waitFor();
    await mainScreen(page, 'corporate-statements');

    await page.getByRole('link', { name: '待认领款项' }).click();
    await page.getByRole('heading', { name: '待认领款项' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: payer });
    await row.waitFor();
    await mainScreen(page, 'corporate-suspense');
    await row.getByRole('button', { name: '认领给客户' }).click();
    await page.getByLabel('客户号').fill(String(fleet.customerId));
    await page.getByLabel('原因').fill('客户来电确认运费');
    await page.getByRole('button', { name: '确认' }).click();
    await row.waitFor({ state: 'detached' });
    const line = await h.app
      .db('corporate_statement_lines')
      .where({ bank: 'ICBC', serial: `ICBC${run}261202000002` })
      .first();
    assert.deepEqual([line.status, String(line.customer_id)], ['assigned', String(fleet.customerId)]);
    const learned = await h.app.db('corporate_payer_accounts').where({ payer_account: payer }).first();
    assert.equal(String(learned.customer_id), String(fleet.customerId));
    await page.close();
  });

  it('the account manager allocates equal amounts to selected vehicles and a CSV of plates', async () => {
    const h = await harness();
    const page = await browser.context.newPage();
    await login(page, manager);
    // the account manager lands on their portfolio; the pool is in the menu
    await page.getByRole('menuitem', { name: '车队资金池' }).click();
    await page.getByLabel('企业客户号').fill(String(fleet.customerId));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '车队资金池与分配' }).waitFor();
    // 20,000.00 by reference + 3,000.00 assigned from suspense
    await page.getByText('¥23,000.00').waitFor();
    await page.getByText(fleet.reference).waitFor();
    await page.getByRole('checkbox', { name: fleet.plates[0] }).check();
    await page.getByRole('checkbox', { name: fleet.plates[1] }).check();
    await page.getByLabel('每辆（元）').fill('1000');
    await page.getByRole('button', { name: '分配给 2 辆车' }).click();
    await page.getByText('已分配 2 辆车，共 ¥2,000.00').waitFor();
    await page.getByLabel('或粘贴内容').fill(`plate,amount\n${fleet.plates[2]},350.50\n`);
    await page.getByRole('button', { name: '按文件分配' }).click();
    await page.getByText('已分配 1 辆车，共 ¥350.50').waitFor();
    await page.getByText('¥20,649.50').waitFor();
    await page.getByLabel('低于（元）').fill('50');
    await page.getByLabel('补足到（元）').fill('500');
    await page.getByLabel('资金池下限（元）').fill('10000');
    await page.getByRole('button', { name: '保存规则' }).click();
    await page.getByText('规则已保存').waitFor();
    const rule = await h.app.db('corporate_replenishment_rules').where({ customer_id: fleet.customerId }).first();
    assert.deepEqual(
      [BigInt(rule.threshold), BigInt(rule.target), BigInt(rule.pool_floor), rule.active],
      [5000n, 50000n, 1000000n, true],
    );
    await page.evaluate('window.scrollTo(0, 0)');
    await mainScreen(page, 'corporate-pool');
    const allocations = await h.app
      .db('corporate_allocations')
      .whereIn('vehicle_id', fleet.vehicleIds)
      .orderBy('vehicle_id')
      .select('vehicle_id', 'amount');
    assert.deepEqual(
      allocations.map((a) => [Number(a.vehicle_id), BigInt(a.amount)]),
      [
        [fleet.vehicleIds[0], 100000n],
        [fleet.vehicleIds[1], 100000n],
        [fleet.vehicleIds[2], 35050n],
      ],
    );
    await assertLedgerHolds();
    assert.deepEqual(browser.errors, []);
    await page.close();
  });
});
