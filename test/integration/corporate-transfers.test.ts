// Corporate transfers: real-shaped CMB XML and ICBC fixed-width statements (GBK) imported and
// matched by payment reference, by a payer account learned from finance's assignment, by an open
// bill (a matcher registered as credit will), with ambiguous, unmatched and closed-customer lines in
// suspense; the same file twice; malformed files refused whole; the ledger holding after each.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import request from 'supertest';
import {
  importDropFolder,
  provideOpenBillMatcher,
  referenceFor,
  registerStatementMatcher,
  watchCorporateCredits,
  type CorporateCredit,
} from '../../src/modules/corporate/index.ts';
import { harness, loginAs, unique } from '../helpers/harness.ts';
import { assertLedgerHolds, journal } from '../helpers/ledger.ts';
import { digest } from '../helpers/digest.ts';
import { mobile } from '../helpers/generators.ts';

const FIX = 'test/fixtures/corporate/';
const letters = (n: number) =>
  Array.from({ length: n }, () => 'ABCDEFGHJKLMNPQRTUWXY0123456789'[Math.floor(Math.random() * 30)]).join('');

async function corporateCustomer(auth: string, accountManager?: string) {
  const h = await harness();
  const c = await request(h.http)
    .post('/api/v1/customers')
    .set('Authorization', auth)
    .send({
      kind: 'corporate',
      name: unique('江淮运输 '),
      registrationNumber: letters(18),
      contactPerson: '李四',
      contactPhone: mobile(),
      ...(accountManager ? { accountManager } : {}),
    });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const ref = await request(h.http)
    .post(`/api/v1/corporate/customers/${c.body.customer.id}/payment-reference`)
    .set('Authorization', auth)
    .expect(200);
  return {
    customerId: c.body.customer.id as number,
    accountId: c.body.account.id as number,
    reference: ref.body.reference as string,
  };
}

// the fixtures carry 14-character placeholders where the customers' references go
function fixture(name: string, refs: Record<string, string>, serialSuffix = ''): Buffer {
  let text = iconv.decode(readFileSync(FIX + name), 'gbk');
  for (const [k, v] of Object.entries(refs)) text = text.replace(`{REF_${k}${'_'.repeat(14 - 6 - k.length)}}`, v);
  // a run's own serials (same widths): K55<nn>203… and ICBC<nn>261202…
  if (serialSuffix)
    text = text.replace(/K5501203/g, `K55${serialSuffix}203`).replace(/ICBC2026/g, `ICBC${serialSuffix}26`);
  return iconv.encode(text, 'gbk');
}

async function importFile(auth: string, format: string, content: Buffer, fileName = `${format}.dat`) {
  const h = await harness();
  return request(h.http)
    .post('/api/v1/corporate/statements')
    .set('Authorization', auth)
    .set('Idempotency-Key', unique('imp'))
    .send({ format, fileName, contentBase64: content.toString('base64') });
}

const balance = async (accountId: number) => {
  const h = await harness();
  const r = await h.app.db.raw(
    `select coalesce(sum(-p.amount),0)::bigint as b from postings p join ledger_accounts a on a.id = p.account_id where a.code = ?`,
    [`customer-funds:${accountId}`],
  );
  return BigInt(r.rows[0].b);
};

describe('corporate transfers', () => {
  const credits: CorporateCredit[] = [];
  let unwatch: () => void;
  // the centre's own matcher (credit's open bills, wired at start), put back after these tests
  let wired: ReturnType<typeof provideOpenBillMatcher> = null;
  before(() => {
    wired = provideOpenBillMatcher(null);
    unwatch = watchCorporateCredits(async (_trx, c) => {
      credits.push(c);
    });
  });
  after(() => {
    unwatch();
    provideOpenBillMatcher(wired);
  });

  it('a reference is QY + 10 digits + mod-97 check digits, given once', async () => {
    assert.match(referenceFor(123n), /^QY0000000123\d{2}$/);
    const clerk = (await loginAs('clerk')).auth;
    const a = await corporateCustomer(clerk);
    const h = await harness();
    const again = await request(h.http)
      .post(`/api/v1/corporate/customers/${a.customerId}/payment-reference`)
      .set('Authorization', clerk)
      .expect(200);
    assert.equal(again.body.reference, a.reference);
  });

  it('imports ICBC then CMB statements: reference, learned payer, open bill, ambiguous, unmatched, closed customer', async function () {
    this.timeout(60000);
    const h = await harness();
    const clerk = (await loginAs('clerk')).auth;
    const finance = (await loginAs('finance')).auth;
    const A = await corporateCustomer(clerk);
    const B = await corporateCustomer(clerk);
    const C = await corporateCustomer(clerk);
    await h.app.db('customers').where({ id: C.customerId }).update({ status: 'closed' });
    // credit's open bills, as the credit module will register them: 2468.00 is B's only bill, 800.00 is two bills
    provideOpenBillMatcher(async (_trx, amount) =>
      amount === 246800n
        ? [{ customerId: String(B.customerId), accountId: String(B.accountId), billId: 'BILL-1' }]
        : amount === 80000n
          ? [
              { customerId: String(A.customerId), accountId: String(A.accountId), billId: 'BILL-2' },
              { customerId: String(B.customerId), accountId: String(B.accountId), billId: 'BILL-3' },
            ]
          : [],
    );
    const suffix = String(Math.floor(Math.random() * 90) + 10);
    const icbc = fixture('icbc-statement.txt', { B: B.reference }, suffix);
    const r1 = await importFile(finance, 'icbc-fixed', icbc);
    assert.equal(r1.status, 201, JSON.stringify(r1.body));
    assert.deepEqual(r1.body.byStatus, { matched: 1, suspense: 1, assigned: 0, returned: 0, claimed: 0, outgoing: 1 });
    assert.equal(await balance(B.accountId), 2000000n);
    await assertLedgerHolds();

    // finance assigns the unmatched transfer from 合肥顺达物流 to B: its account is learned
    const lines = await request(h.http)
      .get(`/api/v1/corporate/statement-lines?importId=${r1.body.importId}&status=suspense`)
      .set('Authorization', finance)
      .expect(200);
    assert.equal(lines.body.lines.length, 1);
    const line = lines.body.lines[0];
    assert.equal(line.payerName, '合肥顺达物流有限公司');
    const exc = await h.app
      .db('finance_exceptions')
      .where({ kind: 'corporate-transfer-unmatched', reference: `ICBC:${line.serial}` })
      .first();
    assert.equal(exc.status, 'open');
    const assigned = await request(h.http)
      .post(`/api/v1/corporate/statement-lines/${line.id}/assignment`)
      .set('Authorization', finance)
      .set('Idempotency-Key', unique('as'))
      .send({ customerId: B.customerId, note: '客户来电确认' });
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
    assert.equal(assigned.body.status, 'assigned');
    assert.equal(await balance(B.accountId), 2300000n);
    assert.equal((await h.app.db('finance_exceptions').where({ id: exc.id }).first()).status, 'resolved');
    assert.deepEqual(
      credits.filter((c) => c.customerId === String(B.customerId)).map((c) => [c.source, c.amountFen]),
      [
        ['transfer', 2000000n],
        ['suspense-assignment', 300000n],
      ],
    );
    // assigning again is refused and changes nothing
    const before = await digest(h.app.db);
    const again = await request(h.http)
      .post(`/api/v1/corporate/statement-lines/${line.id}/assignment`)
      .set('Authorization', finance)
      .set('Idempotency-Key', unique('as'))
      .send({ customerId: A.customerId, note: '再来一次' });
    assert.deepEqual([again.status, again.body.error.code], [409, 'statement-line-not-in-suspense']);
    assert.deepEqual(await digest(h.app.db), before);
    await assertLedgerHolds();

    const cmb = fixture('cmb-statement.xml', { A: A.reference, C: C.reference }, suffix);
    const r2 = await importFile(finance, 'cmb-xml', cmb);
    assert.equal(r2.status, 201, JSON.stringify(r2.body));
    assert.deepEqual(r2.body.byStatus, { matched: 3, suspense: 3, assigned: 0, returned: 0, claimed: 0, outgoing: 1 });
    const got = await request(h.http)
      .get(`/api/v1/corporate/statement-lines?importId=${r2.body.importId}&limit=50`)
      .set('Authorization', finance)
      .expect(200);
    const bySerial = Object.fromEntries(got.body.lines.map((l: any) => [l.serial.slice(-3), l]));
    assert.deepEqual(
      [bySerial['101'].status, bySerial['101'].matchedBy, bySerial['101'].customerId],
      ['matched', 'reference', A.customerId],
    );
    assert.equal(bySerial['101'].amount, 1234567);
    assert.equal(bySerial['101'].payerName, '安徽江淮客运有限公司');
    const second = got.body.lines.find((l: any) => l.payerAccount === '6225880212345678');
    assert.deepEqual([second.status, second.matchedBy, second.customerId], ['matched', 'learned-payer', B.customerId]);
    const billLine = got.body.lines.find((l: any) => l.amount === 246800);
    assert.deepEqual([billLine.matchedBy, billLine.billId], ['open-bill', 'BILL-1']);
    const ambiguous = got.body.lines.find((l: any) => l.amount === 80000);
    assert.equal(ambiguous.status, 'suspense');
    assert.equal(ambiguous.note, 'ambiguous-bills');
    const closed = got.body.lines.find((l: any) => l.amount === 100000);
    assert.equal(closed.status, 'suspense');
    assert.deepEqual([closed.note, closed.customerId], ['customer-closed', C.customerId]);
    assert.equal(got.body.lines.find((l: any) => l.amount === 30000).status, 'suspense');
    assert.equal(got.body.lines.find((l: any) => l.direction === 'debit').status, 'outgoing');
    assert.equal(await balance(A.accountId), 1234567n);
    assert.equal(await balance(B.accountId), 2300000n + 500000n + 246800n);
    assert.deepEqual(await journal('corporate-transfer', `CMB:${bySerial['101'].serial}`), {
      'clearing-bank': 1234567n,
      [`customer-funds:${A.accountId}`]: -1234567n,
    });
    await assertLedgerHolds();

    // the same file again changes nothing; the ICBC file again neither
    const snap = await digest(h.app.db);
    const r3 = await importFile(finance, 'cmb-xml', cmb);
    assert.equal(r3.status, 201);
    assert.equal(r3.body.duplicateFile, true);
    assert.equal(r3.body.importId, r2.body.importId);
    const r4 = await importFile(finance, 'icbc-fixed', icbc);
    assert.equal(r4.body.duplicateFile, true);
    const d = await digest(h.app.db);
    for (const t of ['corporate_statement_lines', 'corporate_statement_imports', 'postings', 'journal_entries'])
      assert.equal(d[t], snap[t], t);

    // an overlapping file (the same lines in another file) adds no line
    const overlap = Buffer.concat([cmb, Buffer.from('\n')]);
    const r5 = await importFile(finance, 'cmb-xml', overlap);
    assert.equal(r5.status, 201);
    assert.deepEqual([r5.body.duplicateFile, r5.body.newLines, r5.body.lineCount], [false, 0, 7]);
    assert.equal((await digest(h.app.db)).postings, snap.postings);

    // finance returns the unmatched 300.00 to the payer
    const unmatched = got.body.lines.find((l: any) => l.amount === 30000);
    const ret = await request(h.http)
      .post(`/api/v1/corporate/statement-lines/${unmatched.id}/return`)
      .set('Authorization', finance)
      .set('Idempotency-Key', unique('ret'))
      .send({ reason: '付款人不是我方客户' });
    assert.equal(ret.status, 200, JSON.stringify(ret.body));
    assert.deepEqual(await journal('corporate-suspense-return', String(unmatched.id)), {
      'corporate-transfers-suspense': 30000n,
      'clearing-bank': -30000n,
    });
    await assertLedgerHolds();
  });

  it('a registered statement matcher is asked first and may claim any line', async function () {
    this.timeout(30000);
    const finance = (await loginAs('finance')).auth;
    const seen: string[] = [];
    const off = registerStatementMatcher('branch-loads', async (_trx, l) => {
      seen.push(l.reference);
      return l.purpose.includes('圈存') ? { note: 'bank paid its branch loads' } : null;
    });
    try {
      const s = unique('S');
      const csv = `bank,serial,date,time,direction,amount,business_reference,purpose,payer_account,payer_name\nCCB,${s}1,2026-12-03,10:00:00,credit,1000.00,,圈存资金划拨,1,建设银行\nCCB,${s}2,2026-12-03,10:01:00,credit,1.00,,不明款项,2,某人\n`;
      const r = await importFile(finance, 'csv', Buffer.from(csv));
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.deepEqual([r.body.byStatus.claimed, r.body.byStatus.suspense], [1, 1]);
      assert.deepEqual(seen, [`CCB:${s}1`, `CCB:${s}2`]);
    } finally {
      off();
    }
    await assertLedgerHolds();
  });

  it('refuses a malformed file whole, naming the line and the reason', async function () {
    this.timeout(30000);
    const h = await harness();
    const finance = (await loginAs('finance')).auth;
    const good = fixture('icbc-statement.txt', { B: 'QY000000000000' }, '77');
    const text = good.toString('latin1');
    const badTotal = Buffer.from(
      text.replace(/T00000003(\d{17})/, (_m, c: string) => `T00000003${String(Number(c) + 1).padStart(17, '0')}`),
      'latin1',
    );
    const badAmount = Buffer.from(text.replace('000000000300000', '0000000003000x0'), 'latin1');
    const cmbUtf8 = Buffer.from(iconv.decode(fixture('cmb-statement.xml', {}, '77'), 'gbk'), 'utf8');
    const cmbBadCdr = iconv.encode(
      iconv.decode(fixture('cmb-statement.xml', {}, '78'), 'gbk').replace('<AMTCDR>D</AMTCDR>', '<AMTCDR>X</AMTCDR>'),
      'gbk',
    );
    // a character reference beyond Unicode, and one to a surrogate
    const cmbBadCharacter = (reference: string) =>
      iconv.encode(
        iconv
          .decode(fixture('cmb-statement.xml', {}, '79'), 'gbk')
          .replace('<TRSCOD>CPAA</TRSCOD>', `<TRSCOD>${reference}</TRSCOD>`),
        'gbk',
      );
    const csvWithNul = Buffer.from(
      `bank,serial,date,time,direction,amount,business_reference,purpose,payer_account,payer_name\nCCB,${unique('S')},2026-12-03,10:00:00,credit,1.00,,a\u0000b,1,x\n`,
    );
    // year 0000 is a date to JavaScript; PostgreSQL would store it as 1 BC
    const csvYearZero = Buffer.from(
      `bank,serial,date,time,direction,amount,business_reference,purpose,payer_account,payer_name\nCCB,${unique('S')},0000-12-03,10:00:00,credit,1.00,,a,1,x\n`,
    );
    const icbcWithNul = Buffer.from(text.replace('HX1202001', 'HX12\u00002001'), 'latin1');
    // the payer account one byte short and the record one longer at its end: the same length, but
    // the account's field now ends with the first half of the payer name's first character
    const icbcLines = text.split('\n');
    icbcLines[1] = icbcLines[1].replace(`1302010109000123456${' '.repeat(13)}`, `1302010109000123456${' '.repeat(12)}`);
    icbcLines[1] = icbcLines[1].replace(/\r$/, ' \r');
    const icbcMisaligned = Buffer.from(icbcLines.join('\n'), 'latin1');
    const before = await digest(h.app.db);
    for (const [format, file, line, reason] of [
      ['icbc-fixed', badTotal, 5, /trailer credit total/],
      ['icbc-fixed', badAmount, 3, /amount/],
      ['cmb-xml', cmbUtf8, 7, /UTF-8/],
      ['cmb-xml', cmbBadCdr, 34, /AMTCDR X/],
      ['cmb-xml', cmbBadCharacter('&#x110000;'), 4, /&#x110000; is not a character/],
      ['cmb-xml', cmbBadCharacter('&#55296;'), 4, /&#55296; is not a character/],
      // a control character PostgreSQL's text cannot hold (NUL), by reference or as a byte
      ['cmb-xml', cmbBadCharacter('&#0;'), 4, /&#0; is not a character/],
      ['csv', csvWithNul, 2, /purpose holds a control character/],
      ['csv', csvYearZero, 2, /no such date 00001203/],
      ['icbc-fixed', icbcWithNul, 2, /businessReference holds a control character/],
      ['icbc-fixed', icbcMisaligned, 2, /payerAccount splits a two-byte character/],
    ] as const) {
      const r = await importFile(finance, format, file);
      assert.equal(r.status, 422, JSON.stringify(r.body));
      assert.equal(r.body.error.code, 'statement-malformed');
      assert.match(r.body.error.message, new RegExp(`^line ${line}: `));
      assert.match(r.body.error.message, reason);
    }
    // the file's name is one line of the imports list and the audit trail: no line break in it
    const named = await importFile(finance, 'icbc-fixed', badTotal, 'march\r\nstatement.dat');
    assert.deepEqual(
      [named.status, named.body.error.code, named.body.error.field],
      [400, 'invalid-request', 'fileName'],
    );
    assert.deepEqual(await digest(h.app.db), before);
  });
});

describe('corporate statements fetched from the drop folder', () => {
  it('imports each waiting file once, moves it to imported/, and a malformed one to refused/ with the reason', async function () {
    this.timeout(30000);
    const h = await harness();
    const root = mkdtempSync(join(tmpdir(), 'corporate-drop-'));
    const run = String(Math.floor(Math.random() * 90) + 10);
    const good = iconv.encode(
      iconv.decode(readFileSync(FIX + 'icbc-statement.txt'), 'gbk').replace(/ICBC2026/g, `ICBC${run}26`),
      'gbk',
    );
    mkdirSync(join(root, 'icbc-fixed'), { recursive: true });
    writeFileSync(join(root, 'icbc-fixed', 'a-good.txt'), good);
    writeFileSync(join(root, 'icbc-fixed', 'b-bad.txt'), good.subarray(0, good.length - 10));
    const out = await importDropFolder(h.app, root);
    assert.deepEqual(
      out.map((o) => [o.file, o.ok]),
      [
        ['a-good.txt', true],
        ['b-bad.txt', false],
      ],
    );
    assert.ok(existsSync(join(root, 'icbc-fixed', 'imported', 'a-good.txt')));
    assert.match(readFileSync(join(root, 'icbc-fixed', 'refused', 'b-bad.txt.reason.txt'), 'utf8'), /^line 5: /);
    const lines = await h.app.db('corporate_statement_lines').where('serial', 'like', `ICBC${run}26%`);
    assert.equal(lines.length, 3);
    assert.deepEqual(await importDropFolder(h.app, root), []);
    rmSync(root, { recursive: true, force: true });
    await assertLedgerHolds();
  });
});
