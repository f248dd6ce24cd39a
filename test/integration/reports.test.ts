// Finance's read model: the Today figures, the reports and the clearing days list, checked against
// what the test itself put in: cards issued and loaded through a bank and the counter, lane traffic,
// the day cleared. A date of its own (freshDate) keeps other tests' traffic out of the figures.
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { fingerprint, harness, loginAs, unique } from '../helpers/harness.ts';
import { customerWithVehicle } from '../helpers/fixtures.ts';
import { bankLoad, counterInit, storedValueCard } from '../helpers/loads.ts';
import { dayTariff, laneSuite, tripTxs, upload } from '../helpers/lanes.ts';
import { download, freshDate, onDay, plusDays, settlementDay, staffGet } from '../helpers/settlement.ts';
import { balanceOf, balancesAt } from '../../src/modules/ledger/index.ts';
import type { WireTransaction } from '../../lanes-sim/traffic/lane.ts';

const KV = 134;
const dbNow = async (): Promise<Date> =>
  (await (await harness()).app.db.raw('select clock_timestamp() as t')).rows[0].t;

describe('reports: the finance read model', () => {
  const suite = laneSuite(KV);
  const { lane } = suite;
  let D: string;
  let laneTotal = 0n;
  let laneCount = 0;
  const bankLoads = [120_000, 30_000];
  const counterLoad = 50_000;
  const deposit = 8_800;

  before(async () => {
    D = await freshDate();
    await (
      await harness()
    ).app
      .db('clearing_days')
      .insert({ clearing_date: D, opened_at: onDay(D, '00:00') })
      .onConflict()
      .ignore();
  });

  it('Today shows the day by channel, revenue by operator and source, the float; the reports add up to the fen', async () => {
    const h = await harness();
    const startedAt = await dbNow();
    h.clock.set(onDay(D, '08:00'));
    const clerk = (await loginAs('clerk')).auth;
    const a = await storedValueCard(clerk, KV);
    const b = await storedValueCard(clerk, KV);
    await bankLoad(suite.bank, a, bankLoads[0]);
    await bankLoad(suite.bank, b, bankLoads[1]);
    const init = await counterInit(clerk, b, counterLoad, 'cash');
    assert.equal(init.status, 201, JSON.stringify(init.body));
    const { tac } = b.creditForLoad(init.body.hostDate, init.body.hostTime, init.body.mac2);
    await request(h.http)
      .post(`/api/v1/channel/loads/${init.body.loadId}/confirm`)
      .set('Idempotency-Key', unique('confirm'))
      .set('Authorization', clerk)
      .send({ tac })
      .expect(200);

    // a cash deposit to a customer's account at the counter
    const holder = await customerWithVehicle(clerk);
    await request(h.http)
      .post(`/api/v1/accounts/${holder.accountId}/deposits`)
      .set('Authorization', clerk)
      .set('Idempotency-Key', unique('deposit'))
      .send({ amount: deposit, method: 'cash' })
      .expect(201);

    const tariff = await dayTariff(clerk, D);
    const trips: WireTransaction[] = [
      ...tripTxs(a, lane(340102, 'entry'), lane(340106, 'exit'), tariff, onDay(D, '09:00'), onDay(D, '10:10')),
      ...tripTxs(b, lane(340201, 'entry'), lane(340204, 'exit'), tariff, onDay(D, '11:00'), onDay(D, '13:20')),
      ...tripTxs(a, lane(340104, 'entry'), lane(340102, 'exit'), tariff, onDay(D, '14:00'), onDay(D, '15:30')),
    ];
    h.clock.set(onDay(D, '20:00'));
    const up = await upload('L340102-02', trips);
    assert.ok(
      up.body.results.every((r: { disposition: string }) => r.disposition === 'accepted'),
      JSON.stringify(up.body),
    );
    laneTotal = trips.reduce((s, t) => s + BigInt(t.amount), 0n);
    laneCount = trips.length;
    assert.ok(laneTotal > 0n);

    h.clock.set(onDay(plusDays(D, 1), '01:00'));
    const finance = (await loginAs('finance')).auth;
    const run = await request(h.http).post(`/api/v1/clearing/days/${D}/run`).set('Authorization', finance);
    assert.equal(run.status, 200, JSON.stringify(run.body));

    const settled = await settlementDay([{ network: '3201', receivable: 7_700n, payable: 0n }], [{ '3201': 7_700n }]);
    const today = await staffGet(finance, `/api/v1/reports/today?date=${D}`);
    assert.equal(today.status, 200, JSON.stringify(today.body));
    const [day, before] = today.body.days;
    assert.deepEqual([day.date, before.date], [D, plusDays(D, -1)]);
    const channel = (k: string) => day.channels.find((c: any) => c.channel === k);
    assert.deepEqual(channel(`bank:${suite.bank.id}`), {
      kind: 'load',
      channel: `bank:${suite.bank.id}`,
      count: 2,
      amount: bankLoads[0] + bankLoads[1],
    });
    assert.deepEqual(channel('counter:cash'), { kind: 'load', channel: 'counter:cash', count: 1, amount: counterLoad });
    assert.deepEqual(day.loads, { count: 3, amount: bankLoads[0] + bankLoads[1] + counterLoad });
    assert.deepEqual(before.loads, { count: 0, amount: 0 });
    assert.deepEqual(channel('deposit:cash'), { kind: 'deposit', channel: 'deposit:cash', count: 1, amount: deposit });
    assert.deepEqual(day.deposits, { count: 1, amount: deposit });
    // every fen of the day's tolls went to an operator, all of it from our own cards
    assert.equal(BigInt(day.revenue.amount), laneTotal);
    assert.equal(
      day.revenueByOperator.reduce((s: bigint, o: any) => s + BigInt(o.amount), 0n),
      laneTotal,
    );
    assert.deepEqual(
      day.revenueBySource.map((s: any) => [s.source, BigInt(s.amount)]),
      [['own-card', laneTotal]],
    );
    assert.deepEqual(day.traffic, [
      { origin: 'lane', source: 'own-card', count: laneCount, amount: Number(laneTotal) },
    ]);
    // the float is the ledger's: the journal's own times (the database's clock, not the test's) place
    // the whole of this run before the end of D, so D shows the purse float as it stands now, and
    // the balance at an instant before the loads lacks exactly the loads less the tolls
    assert.equal(BigInt(day.float.purse), -(await balanceOf(h.app.db, 'purse-float')));
    const [then] = await balancesAt(h.app.db, ['purse-float'], [startedAt]);
    assert.equal(
      BigInt(day.float.purse) - -then.balances[0],
      BigInt(bankLoads[0] + bankLoads[1] + counterLoad) - laneTotal,
    );
    // provinces at the day's end: what the ledger's province accounts hold (a settlement day of
    // province 3201 made sure there is one)
    assert.ok(day.provinces.length > 0);
    for (const p of day.provinces) {
      assert.equal(BigInt(p.receivable), await balanceOf(h.app.db, `province-receivable:${p.network}`));
      assert.equal(BigInt(p.payable), -(await balanceOf(h.app.db, `province-payable:${p.network}`)));
      assert.equal(BigInt(p.net), BigInt(p.receivable) - BigInt(p.payable));
    }
    const series = today.body.series;
    assert.equal(series.dates.length, 30);
    assert.equal(series.dates.at(-1), D);
    assert.equal(series.sources.find((s: any) => s.source === 'own-card').amounts.at(-1), Number(laneTotal));

    // the daily operations report of the day, on screen and as an XLSX opened here
    const ops = await staffGet(finance, `/api/v1/reports/daily-operations?from=${D}&to=${D}`);
    assert.equal(ops.status, 200, JSON.stringify(ops.body));
    assert.deepEqual(
      {
        cards: ops.body.rows[0].cardsIssued,
        loads: ops.body.rows[0].loads,
        loadAmount: ops.body.rows[0].loadAmount,
        lane: ops.body.rows[0].laneTransactions,
        laneAmount: ops.body.rows[0].laneAmount,
      },
      {
        cards: 2,
        loads: 3,
        loadAmount: bankLoads[0] + bankLoads[1] + counterLoad,
        lane: laneCount,
        laneAmount: Number(laneTotal),
      },
    );
    const revenue = await staffGet(finance, `/api/v1/reports/monthly-revenue?from=${D}&to=${D}`);
    assert.equal(BigInt(revenue.body.totals.amount), laneTotal);
    assert.ok(revenue.body.rows.every((r: any) => r.month === D.slice(0, 7) && r.source === 'own-card'));
    const banks = await staffGet(finance, `/api/v1/reports/bank-channel?from=${D}&to=${D}`);
    assert.deepEqual(
      banks.body.rows.filter((r: any) => r.bank === suite.bank.id).map((r: any) => [r.loads, r.amount]),
      [[2, bankLoads[0] + bankLoads[1]]],
    );

    // customers and cards at the end of D: what the database holds, group by group
    const cc = await staffGet(finance, `/api/v1/reports/customers-cards?from=${D}&to=${D}`);
    assert.equal(cc.status, 200, JSON.stringify(cc.body));
    const customers = await h.app.db.raw(
      `select kind, tier, count(*)::int as n from customers where status = 'active' and created_at < ? group by 1, 2`,
      [onDay(plusDays(D, 1), '00:00')],
    );
    assert.deepEqual(
      cc.body.rows
        .filter((r: any) => r.group === 'customers')
        .map((r: any) => `${r.type}/${r.tier}:${r.count}`)
        .sort(),
      customers.rows.map((r: any) => `${r.kind}/${r.tier}:${r.n}`).sort(),
    );
    // cards by type and OBUs, each by the holder's tier
    const media = await h.app.db.raw(
      `select case m.card_type when 22 then 'stored-value' else 'debit' end as type, c.tier, count(*)::int as n,
              count(*) filter (where m.status in (1, 2, 3, 6))::int as live
         from cards m join customers c on c.id = m.customer_id where m.issued_at < ? group by 1, 2
       union all
       select 'obu', c.tier, count(*)::int, count(*) filter (where m.status in (1, 2, 3, 6))::int
         from obus m join customers c on c.id = m.customer_id where m.issued_at < ? group by 2`,
      [onDay(plusDays(D, 1), '00:00'), onDay(plusDays(D, 1), '00:00')],
    );
    assert.deepEqual(
      cc.body.rows
        .filter((r: any) => r.group !== 'customers')
        .map((r: any) => `${r.type}/${r.tier}:${r.count}/${r.inService}`)
        .sort(),
      media.rows.map((r: any) => `${r.type}/${r.tier}:${r.n}/${r.live}`).sort(),
    );
    assert.ok(
      cc.body.rows.filter((r: any) => r.type === 'stored-value').reduce((a: number, r: any) => a + r.inService, 0) >= 2,
      'the two cards of the day are in service',
    );

    // the province's settlement day in its month
    const provinces = await staffGet(
      finance,
      `/api/v1/reports/province-settlements?from=${settled.date}&to=${settled.date}`,
    );
    assert.deepEqual(
      provinces.body.rows.map((r: any) => [r.month, r.network, r.days, r.receivable, r.payable, r.net]),
      [[settled.date.slice(0, 7), '3201', 1, 7_700, 0, 7_700]],
    );

    const auditBefore = await h.app.db('audit_log').where({ action: 'report.export' }).count({ n: '*' }).first();
    const file = await download(finance, `/api/v1/reports/monthly-revenue/export?format=xlsx&from=${D}&to=${D}`);
    assert.equal(file.status, 200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.body as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0];
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const at = header.indexOf('amount_fen') + 1;
    assert.ok(at > 0, String(header));
    let sum = 0n;
    let total: bigint | null = null;
    sheet.eachRow((row, n) => {
      if (n === 1) return;
      if (row.getCell(1).value === 'total') total = BigInt(row.getCell(at).value as number);
      else sum += BigInt(row.getCell(at).value as number);
    });
    assert.equal(sum, laneTotal);
    assert.equal(total, laneTotal);
    const auditAfter = await h.app.db('audit_log').where({ action: 'report.export' }).count({ n: '*' }).first();
    assert.equal(Number(auditAfter!.n), Number(auditBefore!.n) + 1);

    const csv = await staffGet(finance, `/api/v1/reports/daily-operations/export?format=csv&from=${D}&to=${D}`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers['content-type'], /text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    assert.equal(lines.length, 3); // header, the day, the total
    assert.ok(lines[0].startsWith('date,cardsIssued,obusIssued,loads,loadAmount_fen'));

    // the clearing days list shows the day through every step
    const list = await staffGet(finance, `/api/v1/clearing/days?from=${plusDays(D, -3)}&to=${D}`);
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const listed = list.body.days.find((x: any) => x.date === D);
    assert.deepEqual(
      [listed.phase, listed.stepsDone, listed.stepsTotal, listed.nextStep, listed.waitingFor],
      ['cleared', 9, 9, null, null],
    );
    assert.deepEqual(listed.mirror, { compared: 0, mismatches: 0, notAsked: [] });
  });

  it('the clearing days list says what a waiting day waits for', async () => {
    const h = await harness();
    const W = await freshDate();
    await h.app.db('clearing_days').insert({
      clearing_date: W,
      opened_at: onDay(W, '00:00'),
      state: 'sealed',
      sealed_at: onDay(plusDays(W, 1), '00:30'),
    });
    await h.app.db('clearing_day_steps').insert({
      clearing_date: W,
      step: 'seal',
      done_at: onDay(plusDays(W, 1), '00:30'),
      actor: 'system',
      detail: '{}',
    });
    await h.app.db('finance_exceptions').insert({
      kind: 'clearing-day-waiting',
      reference: `${W}:interchange-split`,
      source: 'clearing',
      detail: JSON.stringify({
        date: W,
        step: 'interchange-split',
        reasons: ['1 package(s) to 3201 not confirmed yet'],
      }),
      raised_at: onDay(plusDays(W, 2), '01:00'),
    });
    const res = await staffGet((await loginAs('auditor')).auth, `/api/v1/clearing/days?from=${W}&to=${W}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.days.map((d: any) => [
        d.date,
        d.phase,
        d.stepsDone,
        d.nextStep,
        d.waitingFor?.step,
        d.waitingFor?.reasons,
      ]),
      [[W, 'waiting', 1, 'own-card-split', 'interchange-split', ['1 package(s) to 3201 not confirmed yet']]],
    );
  });

  it('refuses an unknown report (404), bad dates and ranges (400), the wrong role (403), and changes nothing', async () => {
    const finance = (await loginAs('finance')).auth;
    const clerk = (await loginAs('clerk')).auth;
    const refused = async (auth: string, path: string, status: number, code: string) => {
      const before = await fingerprint();
      const res = await staffGet(auth, path);
      assert.deepEqual([res.status, res.body.error?.code], [status, code], `${path}: ${JSON.stringify(res.body)}`);
      assert.deepEqual(await fingerprint(), before);
    };
    await refused(finance, '/api/v1/reports/no-such-report?from=2030-01-01&to=2030-01-31', 404, 'report-not-found');
    await refused(
      finance,
      '/api/v1/reports/no-such-report/export?format=csv&from=2030-01-01&to=2030-01-31',
      404,
      'report-not-found',
    );
    await refused(finance, '/api/v1/reports/daily-operations?from=2030-02-30&to=2030-03-01', 400, 'invalid-request');
    await refused(finance, '/api/v1/reports/daily-operations?from=2030-03-02&to=2030-03-01', 400, 'invalid-request');
    await refused(finance, '/api/v1/reports/daily-operations?from=2030-01-01&to=2031-06-01', 400, 'invalid-request');
    await refused(finance, '/api/v1/reports/daily-operations?from=2030-01-01', 400, 'invalid-request');
    await refused(
      finance,
      '/api/v1/reports/bank-channel/export?format=pdf&from=2030-01-01&to=2030-01-02',
      400,
      'invalid-request',
    );
    await refused(finance, '/api/v1/reports/today?date=yesterday', 400, 'invalid-request');
    await refused(finance, '/api/v1/clearing/days?from=2030-01-02&to=2030-01-01', 400, 'invalid-request');
    await refused(clerk, '/api/v1/reports/today', 403, 'forbidden');
    await refused(
      clerk,
      '/api/v1/reports/monthly-revenue/export?format=xlsx&from=2030-01-01&to=2030-01-31',
      403,
      'forbidden',
    );
    await refused(clerk, '/api/v1/clearing/days?from=2030-01-01&to=2030-01-02', 403, 'forbidden');
    const anonymous = await request((await harness()).http).get('/api/v1/reports/today');
    assert.equal(anonymous.status, 401);
  });
});
