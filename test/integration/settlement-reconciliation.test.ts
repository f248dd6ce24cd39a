// Bank statements of the clearing bank account against settled settlements and paid payouts:
// strict import (a bad line refuses the file, naming it), the four outcomes each with its item and
// (but matched) its finance exception, the same file twice adds nothing, re-running changes nothing,
// and later facts (an item paid after its line came, a line arriving late) are taken in.
import assert from 'node:assert/strict';
import { fingerprint, harness, loginAs } from '../helpers/harness.ts';
import { assertLedgerHolds } from '../helpers/ledger.ts';
import {
  approveAndPay,
  approveAndSettle,
  onDay,
  plusDays,
  settlementDay,
  staffGet,
  staffPost,
  type Day,
} from '../helpers/settlement.ts';

const HEADER = 'valueDate,amount,counterparty,bankReference,reference';
const csv = (...lines: string[]) => [HEADER, ...lines].join('\r\n') + '\r\n';

describe('bank statement reconciliation', () => {
  let realNow: Date;
  let finance: string;
  let day: Day;
  let op: { paid: string; missing: string; late: string };
  let refs: Record<string, string>;

  before(async () => {
    const h = await harness();
    realNow = h.clock.now();
    day = await settlementDay(
      [
        { network: '3201', receivable: 50000n, payable: 10000n }, // +40000, paid by a line with our reference
        { network: '3601', receivable: 3000n, payable: 10000n }, // −7000, paid by a line with only the bank reference
        { network: '4101', receivable: 20000n, payable: 0n }, // +20000, a line of 19990
        { network: '4201', receivable: 8000n, payable: 0n }, // +8000, no line: missing
      ],
      [{ '3201': 30000n, '3601': 3000n }, { '3201': 20000n, '4101': 20000n }, { '4201': 8000n }],
    );
    op = { paid: day.operators[0].id, missing: day.operators[1].id, late: day.operators[2].id };
    h.clock.set(onDay(plusDays(day.date, 1)));
    finance = (await loginAs('finance')).auth;
    refs = {};
    for (const n of ['3201', '3601', '4101', '4201']) refs[n] = await approveAndSettle(finance, day.date, n);
    refs[op.paid] = await approveAndPay(finance, day.date, op.paid);
    refs[op.missing] = await approveAndPay(finance, day.date, op.missing);
    // approved, paid only after its line came in
    await staffPost(finance, `/api/v1/payouts/${day.date}/${op.late}/approve`).then((r) => assert.equal(r.status, 200));
  });
  after(async () => (await harness()).clock.set(realNow));
  afterEach(assertLedgerHolds);

  const post = (body: unknown, auth = finance) => staffPost(auth, '/api/v1/bank-statements', body);

  async function refused(body: unknown, status: number, code: string, field?: string, auth = finance) {
    const before = await fingerprint();
    const res = await post(body, auth);
    assert.deepEqual([res.status, res.body.error?.code], [status, code], JSON.stringify(res.body));
    if (field) assert.equal(res.body.error.field, field, res.body.error.message);
    assert.deepEqual(await fingerprint(), before);
    return res;
  }

  it('refuses a file with a bad line whole (400 naming line and field), and changes nothing', async () => {
    const D = plusDays(day.date, 1);
    const good = `${D},+100,3201,BR-OK,`;
    const bad = await refused(
      { fileName: 'bad.csv', csv: csv(good, `${D},12.50,3201,BR-X,`) },
      400,
      'invalid-request',
      'csv[3].amount',
    );
    assert.match(bad.body.error.message, /line 3, amount/);
    await refused(
      { fileName: 'bad.csv', csv: csv(`2030-02-30,100,3201,BR-X,`) },
      400,
      'invalid-request',
      'csv[2].valueDate',
    );
    await refused(
      { fileName: 'bad.csv', csv: csv(good, good, `${D},100,ABC,BR-X,`) },
      400,
      'invalid-request',
      'csv[4].counterparty',
    );
    // a year PostgreSQL does not have, and a control character in a kept text
    await refused(
      { fileName: 'bad.csv', csv: csv(`0000-01-01,100,3201,BR-X,`) },
      400,
      'invalid-request',
      'csv[2].valueDate',
    );
    await refused(
      { fileName: 'bad.csv', csv: csv(`${D},100,3201,BR\tX,`) },
      400,
      'invalid-request',
      'csv[2].bankReference',
    );
    await refused({ fileName: 'bad.csv', csv: csv(`${D},0,3201,BR-X,`) }, 400, 'invalid-request', 'csv[2].amount');
    await refused({ fileName: 'bad.csv', csv: csv(`${D},100,3201,,`) }, 400, 'invalid-request', 'csv[2].bankReference');
    await refused({ fileName: 'bad.csv', csv: csv(`${D},100,3201,BR-X`) }, 400, 'invalid-request', 'csv[2]');
    await refused({ fileName: 'bad.csv', csv: csv(`${D},100,3201,"BR-X,`) }, 400, 'invalid-request', 'csv[2]');
    await refused(
      { fileName: 'bad.csv', csv: 'valueDate,amount,counterparty,bankReference\r\n' },
      400,
      'invalid-request',
      'csv[1].header',
    );
    await refused({ fileName: 'bad.csv', csv: csv() }, 400, 'invalid-request', 'csv');
    await refused({ fileName: 'bad.csv', csv: csv(good), extra: 1 }, 400, 'invalid-request', 'extra');
    await refused({ fileName: 'dir/bad.csv', csv: csv(good) }, 400, 'invalid-request', 'fileName');
    await refused({ fileName: 'x.csv', csv: csv(good) }, 403, 'forbidden', undefined, (await loginAs('auditor')).auth);
    await refused({ fileName: 'x.csv', csv: csv(good) }, 403, 'forbidden', undefined, (await loginAs('clerk')).auth);
  });

  let statementId: number;
  let text: string;

  it('imports a statement and reconciles it: matched, amount-mismatch, extra and missing, each non-match a finance exception', async () => {
    const h = await harness();
    const d = (n: number) => plusDays(day.date, n);
    text = csv(
      `${d(1)},+40000,3201,BANK-0001,settlement:${day.date}:3201`, // line 2: matched by our reference
      `${d(1)},-7000,3601,${refs['3601']},`, // line 3: matched by the bank reference
      `${d(2)},19990,4101,BANK-0003,settlement:${day.date}:4101`, // line 4: 10 fen short
      `${d(2)},-33000,${op.paid},BANK-0004,payout:${day.date}:${op.paid}`, // line 5: matched
      `${d(3)},-8000,${op.late},BANK-0005,payout:${day.date}:${op.late}`, // line 6: its payout is not paid yet: extra
      `${d(5)},777,3201,"BANK,0006",`, // line 7: pays nothing
      `${d(5)},40000,3201,BANK-0007,settlement:${day.date}:3201`, // line 8: the settlement was paid by line 2: extra
    );
    const res = await post({ fileName: 'clearing-bank-statement.csv', csv: text });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.duplicate, false);
    statementId = res.body.import.id;
    assert.deepEqual(
      [res.body.import.lineCount, res.body.import.firstValueDate, res.body.import.lastValueDate],
      [7, d(1), d(5)],
    );
    assert.deepEqual(res.body.import.outcomes, { matched: 3, amountMismatch: 1, extra: 3, pending: 0 });
    assert.ok(res.body.reconciliation.missing >= 2, JSON.stringify(res.body.reconciliation));

    const shown = await staffGet(finance, `/api/v1/bank-statements/${statementId}`);
    assert.equal(shown.status, 200);
    assert.deepEqual(
      shown.body.lines.map((l: any) => [
        l.line.lineNo,
        l.outcome,
        l.kind,
        l.key,
        l.expectedAmount,
        l.actualAmount,
        l.exception?.kind ?? null,
      ]),
      [
        [2, 'matched', 'settlement', `${day.date}:3201`, 40000, 40000, null],
        [3, 'matched', 'settlement', `${day.date}:3601`, -7000, -7000, null],
        [4, 'amount-mismatch', 'settlement', `${day.date}:4101`, 20000, 19990, 'reconciliation-statement-mismatch'],
        [5, 'matched', 'payout', `${day.date}:${op.paid}`, -33000, -33000, null],
        [6, 'extra', null, null, null, -8000, 'reconciliation-statement-extra'],
        [7, 'extra', null, null, null, 777, 'reconciliation-statement-extra'],
        [8, 'extra', null, null, null, 40000, 'reconciliation-statement-extra'],
      ],
    );
    assert.equal(shown.body.lines[5].line.bankReference, 'BANK,0006');

    const missing = (await staffGet(finance, '/api/v1/reconciliation?outcome=missing&limit=500')).body.items.filter(
      (i: any) => i.key?.startsWith(day.date),
    );
    assert.deepEqual(missing.map((i: any) => [i.kind, i.key, i.expectedAmount, i.line, i.exception.reference]).sort(), [
      ['payout', `${day.date}:${op.missing}`, -40000, null, `payout:${day.date}:${op.missing}`],
      ['settlement', `${day.date}:4201`, 8000, null, `settlement:${day.date}:4201`],
    ]);

    const open = await h.app
      .db('finance_exceptions')
      .where('kind', 'like', 'reconciliation-statement-%')
      .whereIn('reference', [
        `settlement:${day.date}:4101`,
        `settlement:${day.date}:4201`,
        `payout:${day.date}:${op.missing}`,
        ...shown.body.lines.slice(4).map((l: any) => `statement-line:${l.line.id}`),
      ])
      .orderBy('id');
    assert.deepEqual(open.map((e) => [e.kind, e.status, e.owner]).sort(), [
      ['reconciliation-statement-extra', 'open', 'finance'],
      ['reconciliation-statement-extra', 'open', 'finance'],
      ['reconciliation-statement-extra', 'open', 'finance'],
      ['reconciliation-statement-mismatch', 'open', 'finance'],
      ['reconciliation-statement-missing', 'open', 'finance'],
      ['reconciliation-statement-missing', 'open', 'finance'],
    ]);
    const mismatch = open.find((e) => e.kind === 'reconciliation-statement-mismatch');
    assert.deepEqual(
      [mismatch.amount, mismatch.detail.expected, mismatch.detail.actual, mismatch.source],
      [20000n, '20000', '19990', `bank-statement:${statementId}`],
    );
    const trail = await h.app
      .db('audit_log')
      .where({ entity: 'bank_statement_import', entity_id: String(statementId) })
      .pluck('action');
    assert.deepEqual(trail, ['bank-statement.import']);
    const listed = await staffGet((await loginAs('auditor')).auth, '/api/v1/bank-statements');
    assert.equal(listed.body.imports.find((i: any) => i.id === statementId).fileName, 'clearing-bank-statement.csv');
  });

  it('the same file again answers with the first import and adds nothing; re-running reconciliation changes nothing', async () => {
    const before = await fingerprint();
    const again = await post({ fileName: 'renamed.csv', csv: text });
    assert.deepEqual(
      [again.status, again.body.duplicate, again.body.import.id, again.body.import.fileName, again.body.reconciliation],
      [200, true, statementId, 'clearing-bank-statement.csv', null],
    );
    assert.deepEqual(await fingerprint(), before);
    const run = await staffPost(finance, '/api/v1/reconciliation/run');
    assert.equal(run.status, 200, JSON.stringify(run.body));
    assert.deepEqual(run.body.reconciliation, {
      matched: 0,
      amountMismatch: 0,
      extra: 0,
      missing: 0,
      found: 0,
      exceptions: 0,
    });
    assert.deepEqual(await fingerprint(), before);
  });

  it('takes in later facts: a payout paid after its line turns the extra line into a match; a late line finds a missing payout', async () => {
    const h = await harness();
    h.clock.set(onDay(plusDays(day.date, 6)));
    finance = (await loginAs('finance')).auth; // sessions last hours, not days
    const pay = await staffPost(
      finance,
      `/api/v1/payouts/${day.date}/${op.late}/pay`,
      { bankReference: 'BANK-0005' },
      'pay-late-once',
    );
    assert.equal(pay.status, 200, JSON.stringify(pay.body));
    const run = await staffPost(finance, '/api/v1/reconciliation/run');
    assert.equal(run.body.reconciliation.matched, 1, JSON.stringify(run.body));
    const line6 = (await staffGet(finance, `/api/v1/bank-statements/${statementId}`)).body.lines[4];
    // the extra exception raised before stays (open) for a person to close; the item points at it
    assert.deepEqual(
      [line6.outcome, line6.key, line6.exception],
      [
        'matched',
        `${day.date}:${op.late}`,
        { kind: 'reconciliation-statement-extra', reference: `statement-line:${line6.line.id}` },
      ],
    );

    const late = await post({
      fileName: 'next.csv',
      csv: csv(`${plusDays(day.date, 6)},-40000,${op.missing},BANK-0008,payout:${day.date}:${op.missing}`),
    });
    assert.equal(late.status, 201, JSON.stringify(late.body));
    assert.deepEqual([late.body.import.outcomes.matched, late.body.reconciliation.found], [1, 1]);
    const missing = (
      await staffGet(finance, '/api/v1/reconciliation?outcome=missing&kind=payout&limit=500')
    ).body.items.filter((i: any) => i.key === `${day.date}:${op.missing}`);
    assert.deepEqual(missing, []);

    // the open exception is resolved through finance's own endpoint
    const ex = await h.app
      .db('finance_exceptions')
      .where({ kind: 'reconciliation-statement-missing', reference: `payout:${day.date}:${op.missing}` })
      .first();
    const resolved = await staffPost(finance, `/api/v1/finance/exceptions/${ex.id}/resolve`, {
      note: 'paid late, line of the next statement',
    });
    assert.deepEqual([resolved.status, resolved.body.exception.status], [200, 'resolved']);
    const before = await fingerprint();
    assert.deepEqual((await staffPost(finance, '/api/v1/reconciliation/run')).body.reconciliation.exceptions, 0);
    assert.deepEqual(await fingerprint(), before);
  });
});
