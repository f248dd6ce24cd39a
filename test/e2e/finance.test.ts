// The finance and auditor screens end to end: lane traffic of a day (own cards and one other
// province's card) uploaded as lanes-sim's controllers make it, then in Chromium finance clears the
// day (it waits for the province, which refuses its package, and then finishes), approves a payout
// that a second finance user pays (four eyes shown and kept), downloads the payout statement as XLSX
// (opened with exceljs and checked against the database), uploads the bank statement and sees it
// reconciled, resolves the unmatched line's exception; the auditor finds the clerk's PII view of the
// day. What the users see is asserted by role, label and text, then the database.
import ExcelJS from 'exceljs';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { VirtualCard, type MasterKeys } from '../../lanes-sim/card/virtual-card.ts';
import type { LaneSpec, WireTransaction } from '../../lanes-sim/traffic/lane.ts';
import { createUser } from '../../src/modules/access/service.ts';
import { deliverPending } from '../../src/modules/interchange/index.ts';
import { sweepStuckLoads } from '../../src/modules/topup/index.ts';
import { customerWithVehicle } from '../helpers/fixtures.ts';
import { mobile } from '../helpers/generators.ts';
import { harness, loginAs, newClient, unique, type TestClient } from '../helpers/harness.ts';
import { controller, dayTariff, testLanes, tripTxs, upload } from '../helpers/lanes.ts';
import { bankInit, bankLoad, storedValueCard, testMasters } from '../helpers/loads.ts';
import { settlementDay } from '../helpers/settlement.ts';
import { centre } from '../integration/statuslist-support.ts';
import { launch, mainScreen, until, type Browser } from './browser.ts';

const KV = 191;
const DAY = 86_400_000;
const at = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00+08:00`);
const plus = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

const yuan = (fen: bigint) => `¥${(fen / 100n).toLocaleString('en-US')}.${String(fen % 100n).padStart(2, '0')}`;

type Who = { username: string; password: string; id: string };

describe('the finance and auditor screens in a browser', function () {
  this.timeout(60_000);
  // one path: a step that fails leaves the later ones nothing to stand on
  this.bail(true);
  let base: string;
  let browser: Browser;
  let financeA: Who;
  let financeB: Who;
  let auditor: Who;
  let clerk: { auth: string; username: string; userId: bigint };
  let pageA: Page;
  let pageB: Page;
  let auditPage: Page;
  let D: string;
  let viewed: string; // the customer whose full data the clerk viewed
  let paid: { operatorId: string; amount: bigint; bankReference: string };
  let realNow: Date;
  let stuckLoad: string; // a bank load authorised and never confirmed
  let ownCard: string;
  let cashDay: { date: string; cash: bigint }; // the clerk's confirmed till close
  let bankId: string; // the bank whose branches loaded the day's cards
  let refund: { cancellationId: string; cardNo: string }; // a refund owed by bank transfer // one of our stored-value cards that drove on the day

  const db = async () => (await harness()).app.db;

  before(async function () {
    this.timeout(180_000);
    const h = await harness();
    realNow = h.clock.now();
    base = await centre();
    const masters: MasterKeys = await testMasters(KV);
    const lanes: LaneSpec[] = await testLanes();
    const bank: TestClient = await newClient('bank');
    bankId = bank.id;
    // a day of its own, well after every other test's
    for (;;) {
      D = plus(realNow.toISOString().slice(0, 10), 400 + randomInt(2000));
      if (!(await h.app.db('clearing_days').where({ clearing_date: D }).first())) break;
    }
    const staff = async (role: 'finance' | 'auditor'): Promise<Who> => {
      const username = unique(role.slice(0, 3));
      const { user, password } = await createUser(h.app.db, null, {
        username,
        displayName: `${role} ${username}`,
        role,
      });
      return { username, password, id: String(user.id) };
    };
    financeA = await staff('finance');
    financeB = await staff('finance');
    auditor = await staff('auditor');

    // the day's traffic: own stored-value cards loaded at a bank, trips across operators, and one
    // card of province 3201 on our roads (packaged to its issuer)
    h.clock.set(at(D, '07:00'));
    clerk = await loginAs('clerk');
    const tariff = await dayTariff(clerk.auth, D);
    const lane = (station: number, direction: 'entry' | 'exit') =>
      controller(
        lanes.find((l) => l.station === station && l.direction === direction)!,
        masters,
      );
    const loaded = async () => {
      const card = await storedValueCard(clerk.auth, KV);
      await bankLoad(bank, card, 100_000);
      return card;
    };
    const car = await loaded();
    const truck = await loaded();
    ownCard = car.cardNo;
    const foreign = new VirtualCard({
      cardNo: '32010000999988886666',
      masters: { ...masters, tac: Buffer.alloc(16, 3) },
      balance: 90_000,
    });
    const trips: WireTransaction[] = [
      ...tripTxs(car, lane(340102, 'entry'), lane(340106, 'exit'), tariff, at(D, '08:00'), at(D, '10:10')),
      ...tripTxs(car, lane(340201, 'entry'), lane(340204, 'exit'), tariff, at(D, '11:00'), at(D, '13:20')),
      ...tripTxs(truck, lane(340106, 'entry'), lane(340201, 'exit'), tariff, at(D, '09:00'), at(D, '11:40'), {
        vehicleClass: 16,
      }),
      ...tripTxs(foreign, lane(340102, 'entry'), lane(340204, 'exit'), tariff, at(D, '12:00'), at(D, '14:30'), {
        own: false,
      }),
    ];
    h.clock.set(at(D, '20:00'));
    const res = await upload('L340102-02', trips);
    assert.ok(
      res.body.results.every((r: { disposition: string }) => r.disposition === 'accepted'),
      JSON.stringify(res.body),
    );

    // early the next morning a bank's load of the truck's card is authorised and never confirmed:
    // the sweep an hour later finds it stuck
    h.clock.set(at(plus(D, 1), '08:00'));
    const init = await bankInit(bank, truck, 5_000);
    assert.equal(init.status, 201, JSON.stringify(init.body));
    stuckLoad = init.body.loadId;
    // the next morning a clerk looks at a customer's full ID number (audited)
    h.clock.set(at(plus(D, 1), '09:00'));
    await sweepStuckLoads(h.app.db, h.clock, h.app.config.stuckLoadMinutes);
    clerk = await loginAs('clerk'); // a new day, a new session
    const c = await customerWithVehicle(clerk.auth);
    viewed = String(c.customerId);
    await request(h.http)
      .post(`/api/v1/customers/${viewed}/pii-views`)
      .set('Authorization', clerk.auth)
      .send({ reason: '客户来电核实身份' })
      .expect(200);

    // a debit card cancelled with its account's money refunded by bank transfer: a refund owed
    const supervisor = (await loginAs('supervisor')).auth;
    const f = await customerWithVehicle(clerk.auth);
    const debit = await request(h.http)
      .post('/api/v1/cards')
      .set('Authorization', clerk.auth)
      .send({ customerId: f.customerId, vehicleId: f.vehicleId, cardType: 23, payment: { method: 'cash' } })
      .expect(201);
    await request(h.http)
      .post(`/api/v1/accounts/${f.accountId}/deposits`)
      .set('Authorization', clerk.auth)
      .set('Idempotency-Key', unique('deposit'))
      .send({ amount: 12_345, method: 'cash' })
      .expect(201);
    const cancel = await request(h.http)
      .post(`/api/v1/cards/${debit.body.card.cardNo}/cancellation-requests`)
      .set('Authorization', clerk.auth)
      .send({ reason: '车辆已出售', refundMethod: 'bank-account' })
      .expect(201);
    await request(h.http)
      .post(`/api/v1/card-cancellations/${cancel.body.request.id}/approve`)
      .set('Idempotency-Key', unique('approve'))
      .set('Authorization', supervisor)
      .send({ note: '核实无误' })
      .expect(200);
    refund = { cancellationId: String(cancel.body.request.id), cardNo: debit.body.card.cardNo };
    // the clerk closes the till with the cash the ledger expects, and a supervisor confirms it; the
    // journal keeps the wall clock's time (the run's manual clock does not reach it): today's till
    const tillDay = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const till = await request(h.http).get(`/api/v1/tills/${tillDay}`).set('Authorization', clerk.auth).expect(200);
    cashDay = { date: tillDay, cash: BigInt(till.body.takenByMethod.cash) - BigInt(till.body.paidOutByMethod.cash) };
    const closed = await request(h.http)
      .post(`/api/v1/tills/${cashDay.date}/close`)
      .set('Authorization', clerk.auth)
      .send({ countedCash: Number(cashDay.cash) })
      .expect(201);
    await request(h.http)
      .post(`/api/v1/till-closes/${closed.body.tillClose.id}/confirm`)
      .set('Authorization', supervisor)
      .expect(200);

    browser = await launch();
    // the browser's clock is the service's: "yesterday" on the screens is the day cleared
    await browser.context.clock.setFixedTime(h.clock.now());
    pageA = await browser.context.newPage();
    pageB = await browser.context.newPage();
    auditPage = await browser.context.newPage();
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    console.error('page errors:', browser?.errors);
    // what each page showed when the step failed, for whoever reads the run
    for (const [name, p] of Object.entries({ pageA, pageB, auditPage }))
      await p?.screenshot({ path: `${process.env.TMPDIR ?? '/tmp'}/finance-e2e-${name}.png` }).catch(() => undefined);
  });

  after(async () => {
    await browser?.close();
    (await harness()).clock.set(realNow);
  });

  async function login(page: Page, who: Who) {
    await page.goto(`${base}/login`);
    await page.getByLabel('用户名').fill(who.username);
    await page.getByLabel('密码').fill(who.password);
    await page.keyboard.press('Enter');
  }

  it('finance runs the day: it waits for the province, then finishes once the package is refused', async () => {
    const page = pageA;
    await login(page, financeA);
    await page.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '清分日 (F3)' }).click();
    await page.getByRole('heading', { name: '清分日' }).waitFor();
    // yesterday on the service's clock is the day to clear
    assert.equal(await page.getByLabel('清分日期').inputValue(), D);
    await page.getByText('未封账').waitFor();
    await page.keyboard.press('F6');
    const status = page.getByRole('status');
    await status.getByText(/等待「外省确认拆分」/).waitFor();
    await status.getByText('1 package(s) to 3201 not confirmed yet').waitFor();
    await page.getByText('已封账').waitFor();
    const steps = await (await db())('clearing_day_steps').where({ clearing_date: D }).orderBy('step');
    assert.equal(steps.length, 5);
    await mainScreen(page, 'finance-clearing-waiting');

    // the issuer refuses the package (as delivery records a refusal): the day goes on without it
    const h = await harness();
    await deliverPending(h.app);
    const updated = await h.app
      .db('interchange_packages')
      .where({ direction: 'outbound', clear_target_date: D, receiver: '3201' })
      .update({ state: 'refused', result: 4 });
    assert.equal(updated, 1);
    await page.getByRole('button', { name: '执行清分 (F6)' }).click();
    await status.getByText(/已完成：外省确认拆分、省际结算、路段付款单、对端核对/).waitFor();
    await page.getByTestId('mirror-result').getByText('已核对 0 个省份，不一致 0 个').waitFor();
    const day = await (await db())('clearing_days').where({ clearing_date: D }).first();
    assert.equal(day.state, 'sealed');
    assert.equal((await (await db())('clearing_day_steps').where({ clearing_date: D })).length, 9);
    // the operators' split on screen adds up to the database's
    const sum = await (await db())('clearing_operator_totals').where({ clearing_date: D }).sum({ a: 'amount' }).first();
    const total = BigInt(sum!.a);
    assert.ok(total > 0n);
    await page.getByRole('row', { name: /合计/ }).getByText(yuan(total)).waitFor();
    await mainScreen(page, 'finance-clearing');
  });

  it("shows the day's figures by channel and 30 days of flows on the Today screen", async () => {
    const page = pageA;
    await page.keyboard.press('F2');
    await page.getByRole('heading', { name: `今日概况（清分日 ${D}）` }).waitFor();
    const knex = await db();
    const totals = await knex('clearing_operator_totals').where({ clearing_date: D });
    const revenue = totals.reduce((a, r) => a + BigInt(r.amount), 0n);
    await page.locator('.ant-statistic').filter({ hasText: '车道通行费收入' }).getByText(yuan(revenue)).waitFor();
    // the bank's branches loaded the day's cards: the channel row says how many and how much
    const loads = await knex('loads')
      .where({ client_id: bankId, status: 'confirmed' })
      .andWhere('created_at', '>=', at(D, '00:00'))
      .andWhere('created_at', '<', at(plus(D, 1), '00:00'))
      .select(knex.raw('count(*)::int as n'), knex.raw('sum(amount)::text as amount'))
      .first();
    assert.equal(loads.n, 2);
    const channel = page
      .locator('.ant-card')
      .filter({ hasText: '按渠道的圈存与存款' })
      .getByRole('row')
      .filter({ hasText: `银行网点 ${bankId}` });
    await channel.getByRole('cell', { name: '2', exact: true }).waitFor();
    await channel.getByText(yuan(BigInt(loads.amount))).waitFor();
    await page
      .locator('.ant-statistic')
      .filter({ hasText: '圈存充值（已确认）' })
      .getByText(yuan(BigInt(loads.amount)))
      .waitFor();
    // each operator's tolls of the day, by source own cards
    const operators = page.locator('.ant-card').filter({ hasText: '按路段业主的通行费' });
    for (const r of totals.filter((x) => x.source === 'own-card'))
      await operators.getByRole('row').filter({ hasText: r.operator_id }).first().waitFor();
    await page.getByText('9/9').waitFor();
    await page.getByTestId('ledger-check').getByText('通过').waitFor();
    // the charts are drawn (SVG), one bar series per operator with tolls on the day
    const chart = page.getByRole('img', { name: '近 30 天各路段业主日通行费' });
    await chart.locator('svg').waitFor();
    for (const op of new Set(totals.map((r) => r.operator_id))) await chart.getByText(op).first().waitFor();
    await mainScreen(page, 'finance-today');
  });

  it('lists the clearing days and opens one from the keyboard', async () => {
    const page = pageA;
    await page.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '清分日列表' }).click();
    await page.getByRole('heading', { name: '清分日列表' }).waitFor();
    // the period ends yesterday: D, every step done, the mirror check's result shown
    const row = page.getByRole('row', { name: `${D} 已完成` });
    await row.getByText('9/9').waitFor();
    await row.getByText('0 省核对，0 不一致').waitFor();
    await mainScreen(page, 'finance-clearing-days');
    await row.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '清分日', exact: true }).waitFor();
    assert.equal(await page.getByLabel('清分日期').inputValue(), D);
  });

  it('approves a payout; the approver is shown and may not pay it; a second finance user pays', async () => {
    const page = pageA;
    await page.keyboard.press('F5');
    await page.getByRole('heading', { name: '结算与付款' }).waitFor();
    const payouts = await (await db())('operator_payouts').where({ clearing_date: D }).orderBy('operator_id');
    assert.ok(payouts.length >= 2, 'the day pays several operators');
    const op = payouts[0];
    const row = page.getByRole('row').filter({ hasText: op.operator_id });
    await row.getByText('待审核').waitFor();
    await row.getByRole('button', { name: '审核' }).click();
    await row.getByText('已审核').waitFor();
    await row.getByText(`user:${financeA.username}`).waitFor();
    // four eyes: the approver is told, and no pay button is offered
    await row.getByText('由您审核，须另一位财务人员付款').waitFor();
    assert.equal(await row.getByRole('button', { name: '付款' }).count(), 0);
    let stored = await (
      await db()
    )('operator_payouts')
      .where({ clearing_date: D, operator_id: op.operator_id })
      .first();
    assert.deepEqual([stored.state, stored.approved_by], ['approved', `user:${financeA.username}`]);
    await mainScreen(page, 'finance-settlements');
    // filtered to what waits for the transfer: just the approved one
    await page.getByText('待转账', { exact: true }).click();
    const payoutRows = page.locator('.ant-card').filter({ hasText: '路段业主付款' }).locator('.ant-table-tbody tr');
    await until(page, 'one payout left', async () => (await payoutRows.count()) === 1);
    await payoutRows.filter({ hasText: op.operator_id }).waitFor();
    await page.getByText('全部', { exact: true }).click();
    await until(page, 'every payout back', async () => (await payoutRows.count()) === payouts.length);

    const other = pageB;
    await login(other, financeB);
    await other.waitForURL(/\/finance\/today$/);
    await other.goto(`${base}/finance/settlements?date=${D}`);
    const theirs = other.getByRole('row').filter({ hasText: op.operator_id });
    await theirs.getByText(`user:${financeA.username}`).waitFor();
    await theirs.getByRole('button', { name: '付款' }).click();
    const dialog = other.getByRole('dialog');
    await dialog.getByText(`user:${financeA.username}`).waitFor();
    const bankReference = unique('BR');
    await dialog.getByLabel('银行流水号').fill(bankReference);
    await other.keyboard.press('Enter');
    await theirs.getByText('已付款').waitFor();
    await theirs.getByText(bankReference).waitFor();
    stored = await (await db())('operator_payouts').where({ clearing_date: D, operator_id: op.operator_id }).first();
    assert.deepEqual(
      [stored.state, stored.paid_by, stored.bank_reference],
      ['paid', `user:${financeB.username}`, bankReference],
    );
    paid = { operatorId: op.operator_id, amount: BigInt(op.amount), bankReference };
  });

  it('approves a province settlement; a second finance user settles it with the bank reference', async () => {
    // a clearing date whose settlement with 3201 is as clearing's run leaves it
    const day = await settlementDay(
      [{ network: '3201', receivable: 40_000n, payable: 15_000n }],
      [{ '3201': 40_000n }],
    );
    const page = pageA;
    await page.goto(`${base}/finance/settlements?date=${day.date}`);
    const card = page.locator('.ant-card').filter({ hasText: '省际结算' });
    const row = card.getByRole('row').filter({ hasText: '3201' });
    await row.getByText('¥250.00').waitFor(); // net: 400.00 receivable − 150.00 payable
    await row.getByRole('button', { name: '审核' }).click();
    await row.getByText('由您审核，须另一位财务人员结算').waitFor();
    const other = pageB;
    await other.goto(`${base}/finance/settlements?date=${day.date}`);
    const theirs = other
      .locator('.ant-card')
      .filter({ hasText: '省际结算' })
      .getByRole('row')
      .filter({ hasText: '3201' });
    await theirs.getByRole('button', { name: '结算' }).click();
    const bankReference = unique('BR');
    await other.getByRole('dialog').getByLabel('银行流水号').fill(bankReference);
    await other.keyboard.press('Enter');
    await theirs.getByText('已结算').waitFor();
    const s = await (await db())('settlements').where({ clearing_date: day.date, network: '3201' }).first();
    assert.deepEqual(
      [s.state, s.approved_by, s.settled_by, s.bank_reference],
      ['settled', `user:${financeA.username}`, `user:${financeB.username}`, bankReference],
    );
    // the bank movement was posted once: the net into the clearing bank
    const entry = await (await db())('journal_entries').where({ reference: `settlement:${day.date}:3201` });
    assert.equal(entry.length, 1);
    await other.goto(`${base}/finance/settlements?date=${D}`);
  });

  it('downloads the payout statement as XLSX whose totals are the database’s', async () => {
    const page = pageB;
    const card = page.locator('.ant-card').filter({ hasText: '路段业主付款' });
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      card.getByRole('button', { name: '下载 XLSX' }).click(),
    ]);
    assert.equal(file.suggestedFilename(), `payouts-${D}.xlsx`);
    const path = await file.path();
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(readFileSync(path) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const col = (name: string) => header.indexOf(name) + 1;
    const rows: ExcelJS.Row[] = [];
    sheet.eachRow((r, i) => i > 1 && rows.push(r));
    const totals = rows.find((r) => r.getCell(col('operator_id')).value === 'TOTAL')!;
    assert.ok(totals, 'a totals row');
    const fromDb = await (
      await db()
    )('operator_payouts')
      .where({ clearing_date: D })
      .sum({ amount: 'amount', own: 'own_amount', transactions: 'transactions' })
      .count({ n: '*' })
      .first();
    assert.equal(BigInt(totals.getCell(col('amount_fen')).value as number), BigInt(fromDb!.amount));
    assert.equal(BigInt(totals.getCell(col('own_card_fen')).value as number), BigInt(fromDb!.own));
    assert.equal(BigInt(totals.getCell(col('transactions')).value as number), BigInt(fromDb!.transactions));
    assert.equal(rows.length - 1, Number(fromDb!.n), 'one row per operator');
    const mine = rows.find((r) => r.getCell(col('operator_id')).value === paid.operatorId)!;
    assert.deepEqual(
      [mine.getCell(col('state')).value, mine.getCell(col('bank_reference')).value],
      ['paid', paid.bankReference],
    );
  });

  it('uploads the bank statement and sees the payout matched and a stray line unmatched', async () => {
    const page = pageB;
    await page
      .getByRole('navigation', { name: '主菜单' })
      .getByRole('link', { name: /银行对账/ })
      .click();
    await page.getByRole('heading', { name: '银行对账' }).waitFor();
    const stray = unique('BANK');
    const csv = [
      'valueDate,amount,counterparty,bankReference,reference',
      `${plus(D, 1)},-${paid.amount},${paid.operatorId},${paid.bankReference},payout:${D}:${paid.operatorId}`,
      `${plus(D, 1)},777,3201,${stray},`,
      '',
    ].join('\r\n');
    await page.getByLabel('银行流水文件（CSV）').setInputFiles({
      name: `clearing-${D}.csv`,
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await page.getByRole('status').getByText(`已导入 clearing-${D}.csv，共 2 行`).waitFor();
    await page.getByRole('status').getByText('匹配 1 · 金额不符 0 · 未匹配 1 · 待对 0').waitFor();
    const lines = page.locator('.ant-card').filter({ hasText: '银行流水' }).first();
    await lines.getByRole('row').filter({ hasText: paid.operatorId }).getByText('已匹配').waitFor();
    await lines.getByRole('row').filter({ hasText: stray }).getByText('未匹配').waitFor();
    const imp = await (
      await db()
    )('bank_statement_imports')
      .where({ file_name: `clearing-${D}.csv` })
      .first();
    const outcomes = await (
      await db()
    )('bank_statement_lines as l')
      .join('reconciliation_items as r', 'r.statement_line_id', 'l.id')
      .where('l.import_id', imp.id)
      .orderBy('l.line_no')
      .select('r.outcome', 'r.item_key');
    assert.deepEqual(
      outcomes.map((o) => [o.outcome, o.item_key]),
      [
        ['matched', `${D}:${paid.operatorId}`],
        ['extra', null],
      ],
    );
    await mainScreen(page, 'finance-statements');
  });

  it('resolves the stray line’s exception from the queue with a note', async () => {
    const page = pageB;
    await page.keyboard.press('F4');
    await page.getByRole('heading', { name: '异常处理' }).waitFor();
    const line = await (
      await db()
    )('bank_statement_lines as l')
      .join('bank_statement_imports as i', 'i.id', 'l.import_id')
      .where('i.file_name', `clearing-${D}.csv`)
      .andWhere('l.amount', 777)
      .first('l.id');
    const reference = `statement-line:${line.id}`;
    const queue = page.locator('.ant-table-tbody');
    const row = queue.getByRole('row').filter({ hasText: reference });
    // the queue is oldest first and holds every test's exceptions: each is found by its reference
    const find = (text: string) => page.getByLabel('业务编号').fill(text);
    await find(reference);
    await row.getByText('银行流水：未匹配').waitFor();
    await find(stuckLoad);
    await page.getByRole('row').filter({ hasText: stuckLoad }).getByText('圈存未完成').waitFor();
    await mainScreen(page, 'finance-exceptions');
    // the stuck load is resolved from its evidence: the dialog shows the load as the centre holds it
    await page.getByRole('row').filter({ hasText: stuckLoad }).getByRole('button', { name: '处理完毕' }).click();
    const evidence = page.getByRole('dialog').getByRole('region', { name: '圈存依据' });
    await evidence.getByText('已授权（待确认）').waitFor();
    await evidence.getByText('¥50.00').waitFor();
    await mainScreen(page, 'finance-exception-load');
    await page.keyboard.press('Escape');
    // handed to a colleague by name, with a note
    const stuckRow = queue.getByRole('row').filter({ hasText: stuckLoad });
    await stuckRow.getByRole('button', { name: '转交' }).click();
    await page.getByRole('dialog').getByLabel('转交给').fill(financeA.username);
    await page.getByRole('dialog').getByLabel('处理说明').fill('请核对银行冲正');
    await page.keyboard.press('Enter');
    await stuckRow.getByRole('cell', { name: financeA.username, exact: true }).waitFor();
    const handed = await (await db())('finance_exceptions').where({ kind: 'load-stuck', reference: stuckLoad }).first();
    assert.deepEqual([handed.owner, handed.status], [financeA.username, 'open']);
    await find(reference);
    await row.getByRole('button', { name: '处理完毕' }).click();
    await page.getByRole('dialog').getByLabel('处理说明').fill('对方省份误汇，已退回');
    await page.keyboard.press('Enter');
    await row.waitFor({ state: 'detached' });
    const e = await (
      await db()
    )('finance_exceptions')
      .where({ kind: 'reconciliation-statement-extra', reference })
      .first();
    assert.deepEqual(
      [e.status, e.resolved_by, e.note],
      ['resolved', `user:${financeB.username}`, '对方省份误汇，已退回'],
    );
  });

  it('decides a dispute raised as issuer: bad debt, with a note; the other stays open', async () => {
    // province 3201's package of our cards on its roads, two of whose transactions we disputed as
    // interchange's receiving leaves them (the card's TAC did not verify: result 8)
    const h = await harness();
    const [pkg] = await h.app
      .db('interchange_packages')
      .insert({
        direction: 'inbound',
        message_id: unique('TP3201'),
        sender: '3201',
        receiver: '3401',
        clear_target_date: D,
        count: 2,
        amount: 3_500,
        state: 'received',
        result: 1,
        created_at: h.clock.now(),
      })
      .returning('id');
    const trans = [unique('T').toUpperCase(), unique('T').toUpperCase()];
    await h.app.db('interchange_disputes').insert(
      trans.map((t, i) => ({
        side: 'issuer',
        package_id: pkg.id,
        trans_id: t,
        clearing_date: D,
        card_no: ownCard,
        card_type: 22,
        amount: 1_500 + i * 500,
        result: 8,
      })),
    );
    const page = pageB;
    await page.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: /争议/ }).click();
    await page.getByRole('heading', { name: '争议交易' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: trans[0] });
    await row.getByText('¥15.00').waitFor();
    await page.getByRole('row').filter({ hasText: trans[1] }).getByText('¥20.00').waitFor();
    await row.getByRole('checkbox').check();
    await mainScreen(page, 'finance-disputes');
    await page.getByRole('button', { name: '坏账' }).click();
    await page.getByRole('dialog').getByLabel('处理说明').fill('卡片 TAC 无法验证，按坏账处理');
    await page.keyboard.press('Enter');
    await row.waitFor({ state: 'detached' }); // the open list no longer has it
    const decided = await h.app.db('interchange_disputes').where({ trans_id: trans[0] }).first();
    assert.deepEqual(
      [decided.resolution, decided.resolved_by, decided.note],
      [1, `user:${financeB.username}`, '卡片 TAC 无法验证，按坏账处理'],
    );
    assert.ok(decided.resolution_id, 'a resolution document for 3201');
    const other = await h.app.db('interchange_disputes').where({ trans_id: trans[1] }).first();
    assert.equal(other.resolution, null);
    // English is a switch away, menus and all
    await page.getByLabel('界面语言').click();
    await page.locator('.ant-select-item-option[title="English"]').click();
    await page.getByRole('heading', { name: 'Disputes' }).waitFor();
    await page
      .getByRole('navigation', { name: 'Main menu' })
      .getByRole('link', { name: /Settlements/ })
      .waitFor();
    await page.getByLabel('Language').click();
    await page.locator('.ant-select-item-option[title="中文"]').click();
    await page.getByRole('heading', { name: '争议交易' }).waitFor();
  });

  it('pays a refund in a batch: payee recorded, made by one, approved by another, paid by someone else', async () => {
    const page = pageA;
    await page
      .getByRole('navigation', { name: '主菜单' })
      .getByRole('link', { name: /退款付款/ })
      .click();
    await page.getByRole('heading', { name: '退款付款' }).waitFor();
    const owed = page.locator('.ant-card').filter({ hasText: '待付退款' });
    const row = owed.getByRole('row').filter({ hasText: refund.cardNo });
    await row.getByText('¥123.45').waitFor();
    await row.getByText('未录入').waitFor();
    await row.getByRole('button', { name: '录入收款账户' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('户名').fill('王五');
    await dialog.getByLabel('账号').fill('6222 0212 0000 8888');
    await dialog.getByLabel('开户行').fill('工商银行合肥分行');
    await page.keyboard.press('Enter');
    await row.getByText(/王五 · 工商银行合肥分行 · .*8888/).waitFor();
    assert.equal(await row.getByText('6222 0212 0000 8888').count(), 0, 'the account number is masked');
    await row.getByRole('checkbox').check();
    await owed.getByRole('button', { name: '生成付款批次（1 笔）' }).click();
    await row.waitFor({ state: 'detached' });
    const item = await (await db())('refund_batch_items').where({ cancellation_id: refund.cancellationId }).first();
    const batchRow = (p: Page) =>
      p
        .locator('.ant-card')
        .filter({ hasText: '付款批次' })
        .locator('.ant-table-tbody tr')
        .filter({ has: p.getByRole('cell', { name: String(item.batch_id), exact: true }) });
    await batchRow(page).getByText('由您制单，须另一人审核').waitFor();
    await mainScreen(page, 'finance-refunds');

    const other = pageB;
    await other.goto(`${base}/finance/refunds`);
    await batchRow(other).getByRole('button', { name: '审核' }).click();
    await batchRow(other).getByText('由您审核，须另一位财务人员付款').waitFor();

    await page.reload();
    const mine = batchRow(page);
    await mine.getByText('已审核').waitFor();
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      mine.getByRole('button', { name: 'CSV' }).click(),
    ]);
    assert.equal(file.suggestedFilename().endsWith('.csv'), true);
    assert.match(
      readFileSync(await file.path(), 'utf8'),
      /6222 ?0212 ?0000 ?8888/,
      'the bank file has the full number',
    );
    await mine.getByRole('button', { name: '确认已付款' }).click();
    const bankReference = unique('BR');
    await page.getByRole('dialog').getByLabel('银行流水号').fill(bankReference);
    await page.keyboard.press('Enter');
    await mine.getByText('已付款', { exact: true }).waitFor();
    const batch = await (await db())('refund_batches').where({ id: item.batch_id }).first();
    assert.deepEqual(
      [batch.state, batch.created_by, batch.approved_by, batch.paid_by, batch.bank_reference, batch.total],
      [
        'paid',
        `user:${financeA.username}`,
        `user:${financeB.username}`,
        `user:${financeA.username}`,
        bankReference,
        12_345n,
      ],
    );
  });

  it("banks the hall's cash: a deposit slip made, approved by another, banked by someone else", async () => {
    const page = pageA;
    await page
      .getByRole('navigation', { name: '主菜单' })
      .getByRole('link', { name: /现金解款/ })
      .click();
    await page.getByRole('heading', { name: '现金解款', exact: true }).waitFor();
    await page.goto(`${base}/finance/cash?date=${cashDay.date}`);
    const till = page
      .locator('.ant-card')
      .filter({ hasText: '营业员日结' })
      .getByRole('row')
      .filter({ hasText: clerk.username });
    await till.getByText('已确认').waitFor();
    assert.ok(cashDay.cash > 0n, 'the clerk took cash');
    await till.getByText(yuan(cashDay.cash)).first().waitFor();
    const slipNo = unique('S').toUpperCase();
    await page.getByLabel('解款单号').fill(slipNo);
    await page.keyboard.press('Enter');
    const slipRow = (p: Page) =>
      p
        .locator('.ant-card')
        .filter({ hasText: '现金解款单' })
        .locator('.ant-table-tbody tr')
        .filter({ hasText: slipNo });
    await slipRow(page).getByText('由您制单，须另一人审核').waitFor();
    await mainScreen(page, 'finance-cash');
    const other = pageB;
    await other.goto(`${base}/finance/cash?date=${cashDay.date}`);
    await slipRow(other).getByRole('button', { name: '审核' }).click();
    await slipRow(other).getByText('由您审核，须另一位财务人员存入银行').waitFor();
    await page.reload();
    await slipRow(page).getByRole('button', { name: '确认已存入银行' }).click();
    const bankReference = unique('BR');
    await page.getByRole('dialog').getByLabel('银行流水号').fill(bankReference);
    await page.keyboard.press('Enter');
    await slipRow(page).getByText('已存入', { exact: true }).waitFor();
    const slip = await (await db())('cash_deposit_slips').where({ slip_no: slipNo }).first();
    assert.deepEqual(
      [slip.state, slip.created_by, slip.approved_by, slip.banked_by, slip.bank_reference],
      ['banked', `user:${financeA.username}`, `user:${financeB.username}`, `user:${financeA.username}`, bankReference],
    );
    assert.ok(slip.amount >= cashDay.cash, "the slip banks the clerk's counted cash");
  });

  it('assigns an unmatched corporate transfer to its customer from the exceptions queue', async () => {
    const h = await harness();
    const page = pageA;
    // a corporate customer, and a transfer from it that names no reference: suspense and an exception
    const customer = await request(h.http)
      .post('/api/v1/customers')
      .set('Authorization', (await loginAs('clerk')).auth)
      .send({
        kind: 'corporate',
        name: unique('江淮物流 '),
        registrationNumber: `91340100${String(randomInt(1e9)).padStart(9, '0')}X`,
        contactPerson: '王五',
        contactPhone: mobile(),
      });
    assert.equal(customer.status, 201, JSON.stringify(customer.body));
    const customerId = String(customer.body.customer.id);
    const serial = unique('S');
    const payer = `6222${String(randomInt(1e12)).padStart(12, '0')}`;
    const csv = `bank,serial,date,time,direction,amount,business_reference,purpose,payer_account,payer_name\nCCB,${serial},${plus(D, 1)},10:00:00,credit,2345.67,,运费,${payer},江淮物流\n`;
    const imported = await request(h.http)
      .post('/api/v1/corporate/statements')
      .set('Authorization', (await loginAs('finance')).auth)
      .set('Idempotency-Key', unique('imp'))
      .send({ format: 'csv', fileName: `${serial}.csv`, contentBase64: Buffer.from(csv).toString('base64') });
    assert.equal(imported.status, 201, JSON.stringify(imported.body));
    assert.equal(imported.body.byStatus.suspense, 1);

    await page.keyboard.press('F4');
    await page.getByRole('heading', { name: '异常处理' }).waitFor();
    await page.getByRole('button', { name: /^单位转账：未匹配: \d+$/ }).click();
    await page.getByLabel('业务编号').fill(`CCB:${serial}`);
    const row = page.getByRole('row').filter({ hasText: `CCB:${serial}` });
    await row.getByRole('link', { name: '暂挂队列（付款人 江淮物流）' }).waitFor();
    await row.getByRole('button', { name: '分配给客户' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('¥2,345.67').waitFor();
    await dialog.getByLabel('单位客户编号').fill(customerId);
    await dialog.getByLabel('处理说明').fill('客户来电确认运费转账');
    await dialog.getByRole('button', { name: '确认' }).click();
    await row.waitFor({ state: 'detached' });
    // corporate moved the money to the customer's account and resolved the exception with it
    const line = await h.app.db('corporate_statement_lines').where({ bank: 'CCB', serial }).first();
    assert.deepEqual([line.status, String(line.customer_id)], ['assigned', customerId]);
    const exception = await h.app
      .db('finance_exceptions')
      .where({ kind: 'corporate-transfer-unmatched', reference: `CCB:${serial}` })
      .first();
    assert.deepEqual([exception.status, exception.resolved_by], ['resolved', `user:${financeA.username}`]);
  });

  it("shows the service's reports; the monthly revenue XLSX it makes has the database's totals", async () => {
    const page = pageA;
    await page.keyboard.press('F9');
    await page.getByRole('heading', { name: '报表' }).waitFor();
    const from = `${D.slice(0, 7)}-01`;
    const knex = await db();
    const rows: Array<{ operator_id: string; total: string }> = await knex('clearing_operator_totals')
      .whereBetween('clearing_date', [from, D])
      .groupBy('operator_id')
      .select('operator_id', knex.raw('sum(amount)::text as total'));
    const total = rows.reduce((a, r) => a + BigInt(r.total), 0n);
    assert.ok(total > 0n);
    const card = page.locator('[data-report="monthly-revenue"]');
    for (const r of rows) await card.getByRole('row').filter({ hasText: r.operator_id }).first().waitFor();
    await card.getByRole('row', { name: /合计/ }).getByText(yuan(total)).first().waitFor();
    // the daily operations of D: the two cards loaded at the bank
    await page
      .locator('[data-report="daily-operations"]')
      .getByRole('row')
      .filter({ hasText: D })
      .getByText(yuan(200_000n))
      .waitFor();
    await mainScreen(page, 'finance-reports');
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      card.getByRole('button', { name: '路段业主月度通行费收入（按来源） 下载 XLSX' }).click(),
    ]);
    assert.equal(file.suggestedFilename(), `monthly-revenue-${from}-${D}.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(await file.path());
    const sheet = wb.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const col = header.indexOf('amount_fen') + 1;
    let sum = 0n;
    let totalLine: bigint | null = null;
    sheet.eachRow((row, n) => {
      if (n === 1) return;
      const v = BigInt(row.getCell(col).value as number);
      if (row.getCell(1).value === 'total') totalLine = v;
      else sum += v;
    });
    assert.equal(sum, total);
    assert.equal(totalLine, total);
    // the file left the centre under the user's name
    const audited = await knex('audit_log')
      .where({ action: 'report.export', entity_id: 'monthly-revenue', actor_id: financeA.id })
      .orderBy('id', 'desc')
      .first();
    assert.deepEqual(audited?.detail, { from, to: D, format: 'xlsx', rows: audited?.detail.rows });
  });

  it("lets the hall's supervisor read the day on Today and the reports, without finance's ledger check", async () => {
    const h = await harness();
    const username = unique('sup');
    const { password } = await createUser(h.app.db, null, {
      username,
      displayName: `supervisor ${username}`,
      role: 'supervisor',
    });
    const page = await browser.context.newPage();
    await login(page, { username, password, id: '' });
    const menu = page.getByRole('navigation', { name: '主菜单' });
    await menu.getByRole('link', { name: '今日', exact: true }).click();
    await page.getByRole('heading', { name: `今日概况（清分日 ${D}）` }).waitFor();
    const knex = await db();
    const totals = await knex('clearing_operator_totals').where({ clearing_date: D });
    const revenue = totals.reduce((a, r) => a + BigInt(r.amount), 0n);
    await page.locator('.ant-statistic').filter({ hasText: '车道通行费收入' }).getByText(yuan(revenue)).waitFor();
    await page.getByText('9/9').waitFor();
    // the ledger check is finance's: not asked for, so no refusal shown either
    assert.equal(await page.getByTestId('ledger-check').count(), 0);
    assert.equal(await page.getByRole('alert').count(), 0);
    await menu.getByRole('link', { name: '经营报表' }).click();
    await page.getByRole('heading', { name: '报表' }).waitFor();
    await page.locator('[data-report="monthly-revenue"]').getByRole('row', { name: /合计/ }).first().waitFor();
    await page.close();
  });

  it("the auditor finds the clerk's PII view of the day and exports it", async () => {
    const page = auditPage;
    await login(page, auditor);
    await page.getByRole('heading', { name: '审计日志' }).waitFor();
    await page.getByLabel('操作', { exact: true }).fill('customer.pii-view');
    // the audit trail keeps the wall clock's time (the run's manual clock does not reach it): the
    // hours around now, as local (China Standard Time) inputs
    const local = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    await page.getByLabel('操作人').fill(clerk.username); // by name: the screen knows the ids
    await page.getByLabel('起').fill(local(Date.now() - 3_600_000));
    await page.getByLabel('止').fill(local(Date.now() + 3_600_000));
    await page.getByLabel('操作', { exact: true }).press('Enter');
    const row = page.getByRole('row').filter({ hasText: `customer ${viewed}` });
    await row.getByText(new RegExp(`^${clerk.username}（营业员`)).waitFor();
    await row.getByText('customer.pii-view').waitFor();
    await mainScreen(page, 'audit-log');
    const [file] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('F10')]);
    const text = readFileSync(await file.path(), 'utf8');
    assert.match(text, new RegExp(`customer\\.pii-view,customer,${viewed},`));
    const exported = await (
      await db()
    )('audit_log')
      .where({ action: 'audit-log.export', actor_id: auditor.id })
      .first();
    assert.ok(exported, 'the export is itself audited');
    // the auditor reads finance's screens with nothing to press
    await page
      .getByRole('navigation', { name: '主菜单' })
      .getByRole('link', { name: /结算付款/ })
      .click();
    await page.getByRole('heading', { name: '结算与付款' }).waitFor();
    await page.goto(`${base}/finance/settlements?date=${D}`);
    await page.getByRole('row').filter({ hasText: paid.operatorId }).getByText('已付款').waitFor();
    assert.equal(await page.getByRole('button', { name: /^(审核|付款|结算)$/ }).count(), 0);
  });

  it('raised no uncaught error in any page', () => {
    assert.deepEqual(browser.errors, []);
  });
});
