// One payment-method vocabulary on every endpoint (docs/PAYMENT-METHODS.md): whatever an endpoint
// calls the way money is paid in or out is one of the same few words, and the old words are gone.
import assert from 'node:assert/strict';
import request from 'supertest';
import { PAYMENT_METHODS } from '../../src/platform/http/schemas.ts';
import { harness, loginAs } from '../helpers/harness.ts';

// every enum under a property named method or refundMethod, with where it was found
function methodEnums(node: unknown, where: string, out: Array<{ where: string; values: string[] }>): void {
  if (!node || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    const here = `${where}/${k}`;
    if ((k === 'method' || k === 'refundMethod') && v && typeof v === 'object' && Array.isArray((v as any).enum))
      out.push({ where: here, values: (v as any).enum });
    methodEnums(v, here, out);
  }
}

describe('payment methods', () => {
  it('every endpoint names payment methods from one vocabulary (cash, pos, bank-account, carry-over)', async () => {
    const h = await harness();
    const doc = await request(h.http)
      .get('/api/v1/openapi.json')
      .set('Authorization', (await loginAs('auditor')).auth)
      .expect(200);
    const found: Array<{ where: string; values: string[] }> = [];
    methodEnums(doc.body.paths, '', found);
    const where = found.map((f) => f.where).join('\n');
    for (const path of [
      '/api/v1/cards',
      '/api/v1/obus',
      '/api/v1/channel/loads',
      '/api/v1/accounts/{accountId}/deposits',
      '/api/v1/cards/{cardNo}/cancellation-requests',
    ])
      assert.ok(where.includes(`/${path}/`) || where.includes(path), `${path} declares a payment method:\n${where}`);
    for (const f of found)
      for (const v of f.values)
        assert.ok((PAYMENT_METHODS as readonly string[]).includes(v), `${f.where}: ${v} is not in the vocabulary`);
    const all = new Set(found.flatMap((f) => f.values));
    assert.ok(!all.has('bank') && !all.has('bank-transfer'), 'the old words are gone');
    assert.ok(all.has('bank-account'), 'the bank word is the ICD one');
  });

  it('refuses the old words with 400 naming the field', async () => {
    const h = await harness();
    const clerk = (await loginAs('clerk')).auth;
    const res = await request(h.http)
      .post('/api/v1/cards/34010000000000000001/cancellation-requests')
      .set('Authorization', clerk)
      .send({ reason: 'sold the car', refundMethod: 'bank-transfer' });
    assert.deepEqual([res.status, res.body.error.code, res.body.error.field], [400, 'invalid-request', 'refundMethod']);
  });
});
