// Refunds of card cancellations owed by bank transfer are paid in batches: finance records each
// payee, makes a batch, someone else approves it, the payment file opens the account numbers (audited),
// someone other than the approver marks it paid (one entry refunds-payable → clearing-bank), and the
// statement line paying it out is reconciled. Every refusal changes nothing.
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { customerWithVehicle } from '../helpers/fixtures.ts';
import { fingerprint, harness, loginAs, unique } from '../helpers/harness.ts';
import { assertLedgerHolds, journal } from '../helpers/ledger.ts';
import { staffGet, staffPost } from '../helpers/settlement.ts';

describe('refund payment batches', () => {
  let clerk: string;
  let supervisor: string;
  let maker: string;
  let approver: string;
  before(async () => {
    clerk = (await loginAs('clerk')).auth;
    supervisor = (await loginAs('supervisor')).auth;
    maker = (await loginAs('finance')).auth;
    approver = (await loginAs('finance')).auth;
  });
  afterEach(assertLedgerHolds);
  const cardOf = new Map<string, string>();

  // a debit-account card cancelled with its account funds refunded by bank transfer
  async function refundOwed(amount: number): Promise<string> {
    const h = await harness();
    const f = await customerWithVehicle(clerk);
    const card = await request(h.http)
      .post('/api/v1/cards')
      .set('Authorization', clerk)
      .send({ customerId: f.customerId, vehicleId: f.vehicleId, cardType: 23, payment: { method: 'cash' } })
      .expect(201);
    await request(h.http)
      .post(`/api/v1/accounts/${f.accountId}/deposits`)
      .set('Authorization', clerk)
      .set('Idempotency-Key', unique('deposit'))
      .send({ amount, method: 'cash' })
      .expect(201);
    const req = await request(h.http)
      .post(`/api/v1/cards/${card.body.card.cardNo}/cancellation-requests`)
      .set('Authorization', clerk)
      .send({ reason: 'sold the car', refundMethod: 'bank-account' })
      .expect(201);
    await request(h.http)
      .post(`/api/v1/card-cancellations/${req.body.request.id}/approve`)
      .set('Idempotency-Key', unique('approve'))
      .set('Authorization', supervisor)
      .send({ note: 'ok' })
      .expect(200);
    cardOf.set(String(req.body.request.id), card.body.card.cardNo);
    return String(req.body.request.id);
  }
  const payee = (n: string) => ({
    accountName: '王五',
    accountNumber: `6222 0212 0000 ${n}`,
    bankName: '工商银行合肥分行',
  });

  async function refused(call: () => Promise<{ status: number; body: any }>, status: number, code: string) {
    const before = await fingerprint();
    const res = await call();
    assert.deepEqual([res.status, res.body.error?.code], [status, code], JSON.stringify(res.body));
    assert.deepEqual(await fingerprint(), before, `${code} changed nothing`);
  }

  it('pays a batch: payee, make, approve by another, payment file, paid by another, reconciled', async () => {
    const h = await harness();
    const a = await refundOwed(30_000);
    const b = await refundOwed(12_345);
    const open = await staffGet(maker, '/api/v1/refunds?filter=open');
    assert.deepEqual(
      open.body.refunds.filter((r: any) => [a, b].includes(String(r.cancellationId))).map((r: any) => r.amount),
      [30000, 12345],
    );

    // no payee yet: refused
    await refused(
      () => staffPost(maker, '/api/v1/refund-batches', { cancellationIds: [a, b] }),
      409,
      'refund-not-payable',
    );
    for (const [id, n] of [
      [a, '1111'],
      [b, '2222'],
    ] as const) {
      const p = await staffPost(maker, `/api/v1/refunds/${id}/payee`, payee(n));
      assert.equal(p.status, 200, JSON.stringify(p.body));
      assert.equal(p.body.payee.accountNumberMask, `622*********${n}`);
    }
    const sealed = await h.app.db('refund_payees').where({ cancellation_id: a }).first();
    assert.ok(!sealed.account_number_sealed.toString('latin1').includes('62220212'), 'the number is sealed');

    const made = await staffPost(maker, '/api/v1/refund-batches', { cancellationIds: [a, b] });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const id = made.body.batch.id;
    assert.deepEqual([made.body.batch.state, made.body.batch.total, made.body.batch.refundCount], ['draft', 42345, 2]);

    // a refund in a live batch cannot go in another, nor change payee
    await refused(
      () => staffPost(approver, '/api/v1/refund-batches', { cancellationIds: [a] }),
      409,
      'refund-not-payable',
    );
    await refused(() => staffPost(maker, `/api/v1/refunds/${a}/payee`, payee('9999')), 409, 'refund-not-payable');
    // four eyes: the maker does not approve; no file and no payment before approval
    await refused(() => staffPost(maker, `/api/v1/refund-batches/${id}/approve`), 409, 'four-eyes-required');
    await refused(() => staffGet(maker, `/api/v1/refund-batches/${id}/payment-file`), 409, 'refund-batch-not-approved');
    await refused(
      () => staffPost(maker, `/api/v1/refund-batches/${id}/paid`, { bankReference: 'ICBC-1' }, unique('pay')),
      409,
      'refund-batch-not-approved',
    );

    const approved = await staffPost(approver, `/api/v1/refund-batches/${id}/approve`);
    assert.equal(approved.body.batch.state, 'approved', JSON.stringify(approved.body));
    await refused(
      () => staffPost(supervisor, `/api/v1/refund-batches/${id}/approve`),
      409,
      'refund-batch-already-approved',
    );

    // the payment file: the account numbers in full, the amounts in yuan; opening it is audited
    const file = await request(h.http)
      .get(`/api/v1/refund-batches/${id}/payment-file?format=xlsx`)
      .set('Authorization', maker)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    assert.equal(file.status, 200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file.body);
    const rows = (book.worksheets[0]!.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1));
    assert.deepEqual(rows.slice(1), [
      [
        '1',
        '王五',
        '6222021200001111',
        '工商银行合肥分行',
        '300.00',
        `ETC卡销户退款 ${cardOf.get(a)}`,
        `refund-batch:${id}:${a}`,
      ],
      [
        '2',
        '王五',
        '6222021200002222',
        '工商银行合肥分行',
        '123.45',
        `ETC卡销户退款 ${cardOf.get(b)}`,
        `refund-batch:${id}:${b}`,
      ],
    ]);
    const trail = await h.app
      .db('audit_log')
      .where({ entity: 'refund-batch', entity_id: String(id) })
      .orderBy('id')
      .pluck('action');
    assert.deepEqual(trail, ['refund-batch.create', 'refund-batch.approve', 'refund-batch.payment-file']);

    // the approver does not pay; someone else does, once
    await refused(
      () => staffPost(approver, `/api/v1/refund-batches/${id}/paid`, { bankReference: 'ICBC-1' }, unique('pay')),
      409,
      'four-eyes-required',
    );
    const paid = await staffPost(
      maker,
      `/api/v1/refund-batches/${id}/paid`,
      { bankReference: 'ICBC-RF-1' },
      unique('pay'),
    );
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    assert.equal(paid.body.batch.state, 'paid');
    assert.deepEqual(await journal('refund-batch-payment', `refund-batch:${id}`), {
      'refunds-payable': 42_345n,
      'clearing-bank': -42_345n,
    });
    await refused(
      () => staffPost(maker, `/api/v1/refund-batches/${id}/paid`, { bankReference: 'ICBC-RF-2' }, unique('pay')),
      409,
      'refund-batch-already-paid',
    );
    await refused(
      () => staffPost(approver, `/api/v1/refund-batches/${id}/reject`, { note: 'too late' }),
      409,
      'refund-batch-already-paid',
    );

    // the statement line paying it out is matched
    const paidOn = new Date(h.clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    const csv = `valueDate,amount,counterparty,bankReference,reference\n${paidOn},-42345,REFUND,ICBC-RF-1,refund-batch:${id}\n`;
    const imported = await staffPost(maker, '/api/v1/bank-statements', { fileName: `refunds-${id}.csv`, csv });
    assert.equal(imported.status, 201, JSON.stringify(imported.body));
    const item = await h.app
      .db('reconciliation_items')
      .where({ kind: 'refund-batch', item_key: String(id) })
      .first();
    assert.deepEqual(
      [item.outcome, String(item.expected_amount), String(item.actual_amount)],
      ['matched', '-42345', '-42345'],
    );
  });

  it('a rejected batch frees its refunds for another batch; unknown ids and other roles are refused', async () => {
    const c = await refundOwed(5_000);
    await staffPost(maker, `/api/v1/refunds/${c}/payee`, payee('3333'));
    const first = await staffPost(maker, '/api/v1/refund-batches', { cancellationIds: [c] });
    const rejected = await staffPost(supervisor, `/api/v1/refund-batches/${first.body.batch.id}/reject`, {
      note: 'wrong bank branch',
    });
    assert.equal(rejected.body.batch.state, 'rejected', JSON.stringify(rejected.body));
    await refused(
      () => staffPost(approver, `/api/v1/refund-batches/${first.body.batch.id}/approve`),
      409,
      'refund-batch-rejected',
    );
    const second = await staffPost(maker, '/api/v1/refund-batches', { cancellationIds: [c] });
    assert.equal(second.status, 201, JSON.stringify(second.body));
    const listed = await staffGet(maker, '/api/v1/refunds?filter=batched');
    assert.equal(listed.body.refunds.find((r: any) => String(r.cancellationId) === c).batchId, second.body.batch.id);

    await refused(
      () => staffPost(maker, '/api/v1/refund-batches', { cancellationIds: ['999999999'] }),
      404,
      'refund-not-found',
    );
    await refused(() => staffPost(maker, '/api/v1/refund-batches/999999999/approve'), 404, 'refund-batch-not-found');
    await refused(
      () => staffGet(maker, '/api/v1/refund-batches/999999999/payment-file'),
      404,
      'refund-batch-not-found',
    );
    await refused(() => staffPost(maker, '/api/v1/refunds/999999999/payee', payee('4444')), 404, 'refund-not-found');
    await refused(() => staffPost(maker, '/api/v1/refund-batches', { cancellationIds: [] }), 400, 'invalid-request');
    await refused(() => staffPost(clerk, '/api/v1/refund-batches', { cancellationIds: [c] }), 403, 'forbidden');
    await refused(
      () => staffPost(maker, `/api/v1/refunds/${c}/payee`, { ...payee('1'), accountNumber: 'abc' }),
      400,
      'invalid-request',
    );
  });
});
