// Which database failures count as "could not reach it" (the replica's fallback, the 503 of a busy
// pool) and which are faults to raise: a statement the server refused is never the former.
import assert from 'node:assert/strict';
import { databaseUnreachable, poolTimedOut } from '../../src/platform/db/connection-errors.ts';

const withCode = (code: string) => Object.assign(new Error(`failed (${code})`), { code });
const knexTimeout = (message: string) => Object.assign(new Error(message), { name: 'KnexTimeoutError' });

describe('connection errors', () => {
  it('counts refused, reset and unknown hosts, SQLSTATE 08 and 57P, and a pool out of time as unreachable', () => {
    for (const code of [
      'ECONNREFUSED',
      'ECONNRESET',
      'ENOTFOUND',
      'EHOSTUNREACH',
      'ETIMEDOUT',
      '08006',
      '08001',
      '57P01',
      '57P03',
    ])
      assert.ok(databaseUnreachable(withCode(code)), code);
    const acquire = knexTimeout('Knex: Timeout acquiring a connection. The pool is probably full.');
    assert.ok(poolTimedOut(acquire));
    assert.ok(databaseUnreachable(acquire));
  });

  it('raises a statement the server refused, a query timeout and anything without a code', () => {
    for (const code of ['23505', '40001', '25006', '57014', '42P01'])
      assert.equal(databaseUnreachable(withCode(code)), false, code);
    const query = knexTimeout('Defined query timeout of 1000ms exceeded when running query.');
    assert.equal(poolTimedOut(query), false);
    assert.equal(databaseUnreachable(query), false);
    for (const e of [new Error('boom'), null, undefined, 'ECONNREFUSED', { code: 8006 }])
      assert.equal(databaseUnreachable(e), false, String(e));
  });
});
