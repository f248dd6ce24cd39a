// What a bank owes for its branches' day is stated when its day file is reconciled, approved by
// finance, settled by someone other than the approver when the money arrives (bank-settlement:<bank> →
// clearing-bank), and the statement line paying it is reconciled; a short payment is an exception.
import assert from 'node:assert/strict';
import { bankSettlementCode, postEntry } from '../../src/modules/ledger/index.ts';
import { fingerprint, harness, loginAs, newClient, signed, unique } from '../helpers/harness.ts';
import { assertLedgerHolds, journal } from '../helpers/ledger.ts';
import { staffGet, staffPost } from '../helpers/settlement.ts';

describe("banks' daily settlement statements", () => {
  afterEach(assertLedgerHolds);

  async function refused(call: () => Promise<{ status: number; body: any }>, status: number, code: string) {
    const before = await fingerprint();
    const res = await call();
    assert.deepEqual([res.status, res.body.error?.code], [status, code], JSON.stringify(res.body));
    assert.deepEqual(await fingerprint(), before, `${code} changed nothing`);
  }

  // money the bank's branches took today, as its loads and fees post it: the bank owes it
  async function bankDay(amounts: bigint[]) {
    const h = await harness();
    const bank = await newClient('bank');
    for (const amount of amounts)
      await h.app.db.transaction((trx) =>
        postEntry(trx, {
          kind: 'test-bank-load',
          reference: unique('load'),
          actor: `client:${bank.id}`,
          postings: [
            { account: bankSettlementCode(bank.id), amount },
            { account: 'purse-float', amount: -amount },
          ],
        }),
      );
    const date = new Date(h.clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    const rec = await signed(
      bank,
      'post',
      `/api/v1/channel/reconciliation/${date}`,
      { lines: [] },
      { idempotencyKey: unique('rec') },
    );
    assert.equal(rec.status, 200, JSON.stringify(rec.body));
    return { bank, date };
  }

  it('drafts the day when the bank reconciles, approves, settles with four eyes, reconciles the payment', async () => {
    const h = await harness();
    const finance = await loginAs('finance');
    const finance2 = await loginAs('finance');
    const { bank, date } = await bankDay([10_000n, 2_345n]);
    const listed = await staffGet(finance.auth, `/api/v1/bank-settlements?bank=${bank.id}`);
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    const [statement] = listed.body.statements;
    assert.deepEqual(
      [statement.businessDate, statement.amount, statement.entries, statement.state],
      [date, 12345, 2, 'draft'],
    );
    // the same day file again drafts nothing new
    await signed(
      bank,
      'post',
      `/api/v1/channel/reconciliation/${date}`,
      { lines: [] },
      { idempotencyKey: unique('rec') },
    );
    assert.equal((await staffGet(finance.auth, `/api/v1/bank-settlements?bank=${bank.id}`)).body.statements.length, 1);

    const id = statement.id;
    await refused(
      () => staffPost(finance.auth, `/api/v1/bank-settlements/${id}/settle`, { bankReference: 'X' }, unique('s')),
      409,
      'bank-settlement-not-approved',
    );
    const approved = await staffPost(finance.auth, `/api/v1/bank-settlements/${id}/approve`);
    assert.equal(approved.body.statement.state, 'approved', JSON.stringify(approved.body));
    await refused(
      () => staffPost(finance2.auth, `/api/v1/bank-settlements/${id}/approve`),
      409,
      'bank-settlement-already-approved',
    );
    await refused(
      () => staffPost(finance.auth, `/api/v1/bank-settlements/${id}/settle`, { bankReference: 'X' }, unique('s')),
      409,
      'four-eyes-required',
    );
    const settled = await staffPost(
      finance2.auth,
      `/api/v1/bank-settlements/${id}/settle`,
      { bankReference: `BS-${bank.id}` },
      unique('s'),
    );
    assert.equal(settled.body.statement.state, 'settled', JSON.stringify(settled.body));
    assert.deepEqual(await journal('bank-settlement', `bank-settlement:${date}:${bank.id}`), {
      'clearing-bank': 12_345n,
      [bankSettlementCode(bank.id)]: -12_345n,
    });
    await refused(
      () => staffPost(finance.auth, `/api/v1/bank-settlements/${id}/settle`, { bankReference: 'Y' }, unique('s')),
      409,
      'bank-settlement-already-settled',
    );

    // the bank paid 1 fen short: an amount mismatch, raised as an exception
    const csv = `valueDate,amount,counterparty,bankReference,reference\n${date},12344,BANK:${bank.id},BS-${bank.id},bank-settlement:${date}:${bank.id}\n`;
    const imported = await staffPost(finance.auth, '/api/v1/bank-statements', { fileName: `bank-${bank.id}.csv`, csv });
    assert.equal(imported.status, 201, JSON.stringify(imported.body));
    const item = await h.app
      .db('reconciliation_items')
      .where({ kind: 'bank-settlement', item_key: `${date}:${bank.id}` })
      .first();
    assert.deepEqual(
      [item.outcome, String(item.expected_amount), String(item.actual_amount)],
      ['amount-mismatch', '12345', '12344'],
    );
    const exception = await h.app
      .db('finance_exceptions')
      .where({ kind: 'reconciliation-statement-mismatch', reference: `bank-settlement:${date}:${bank.id}` })
      .first();
    assert.ok(exception, 'the short payment is a finance exception');
  });

  it('refuses other roles and unknown statements, changing nothing', async () => {
    const clerk = await loginAs('clerk');
    const finance = await loginAs('finance');
    await refused(() => staffGet(clerk.auth, '/api/v1/bank-settlements'), 403, 'forbidden');
    await refused(
      () => staffPost(finance.auth, '/api/v1/bank-settlements/999999999/approve'),
      404,
      'bank-settlement-not-found',
    );
    await refused(
      () => staffPost(finance.auth, '/api/v1/bank-settlements/999999999/settle', { bankReference: '' }, unique('s')),
      400,
      'invalid-request',
    );
  });
});
