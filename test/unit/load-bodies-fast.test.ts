import assert from 'node:assert/strict';
import { confirmBody, fastConfirmBody, fastInitBody, initBody } from '../../src/modules/topup/load-bodies.ts';

// The compiled checks of the load's init and confirm bodies must accept exactly what the zod schemas
// accept, with the same output; anything else goes to zod, which words the refusal.
const card = {
  balance: 4_294_967_295,
  onlineSeq: 65535,
  keyVersion: 1,
  algId: 0,
  random: 'a1b2c3d4',
  mac1: 'FFEEDDCC',
};
const base = {
  cardNo: '34010000000000001234',
  amount: 10_000,
  terminalId: '0a1b2c3d4e5f',
  card,
  payment: { method: 'bank-account', reference: 'R-1' },
};

const accepted: Array<[string, unknown]> = [
  ['as sent', base],
  ['without a reference', { ...base, payment: { method: 'cash' } }],
  ['a reference trimmed to 64', { ...base, payment: { method: 'pos', reference: `  ${'x'.repeat(64)}\t` } }],
  ['a zero amount', { ...base, amount: 0 }],
  ['a negative amount (refused later, as a business rule)', { ...base, amount: -5 }],
  ['the largest safe amount', { ...base, amount: Number.MAX_SAFE_INTEGER }],
  ['zero balance and sequence', { ...base, card: { ...card, balance: 0, onlineSeq: 0 } }],
  ['every payment method', { ...base, payment: { method: 'allocation' } }],
  ['carry-over', { ...base, payment: { method: 'carry-over', reference: 'C' } }],
];

const refusals: Array<[string, unknown]> = [
  ['unknown field', { ...base, extra: 1 }],
  ['unknown card field', { ...base, card: { ...card, x: 1 } }],
  ['unknown payment field', { ...base, payment: { method: 'cash', x: 1 } }],
  ['prototype key', JSON.parse('{"__proto__":{"x":1},"cardNo":"34010000000000001234"}')],
  ['short card number', { ...base, cardNo: '3401' }],
  ['card number with letters', { ...base, cardNo: '3401000000000000123A' }],
  ['fractional amount', { ...base, amount: 1.5 }],
  ['unsafe amount', { ...base, amount: 2 ** 53 }],
  ['amount as a string', { ...base, amount: '100' }],
  ['terminal id length', { ...base, terminalId: '0A1B2C3D4E' }],
  ['terminal id not hex', { ...base, terminalId: '0A1B2C3D4E5G' }],
  ['balance above u32', { ...base, card: { ...card, balance: 2 ** 32 } }],
  ['negative balance', { ...base, card: { ...card, balance: -1 } }],
  ['online sequence above u16', { ...base, card: { ...card, onlineSeq: 65536 } }],
  ['key version above a byte', { ...base, card: { ...card, keyVersion: 256 } }],
  ['alg id fractional', { ...base, card: { ...card, algId: 0.5 } }],
  ['random too short', { ...base, card: { ...card, random: 'a1b2c3' } }],
  ['mac1 not hex', { ...base, card: { ...card, mac1: 'XXXXXXXX' } }],
  ['card missing a field', { ...base, card: { ...card, mac1: undefined } }],
  ['card not an object', { ...base, card: [card] }],
  ['unknown payment method', { ...base, payment: { method: 'cheque' } }],
  ['empty reference', { ...base, payment: { method: 'cash', reference: '   ' } }],
  ['reference too long', { ...base, payment: { method: 'cash', reference: 'x'.repeat(65) } }],
  ['reference not a string', { ...base, payment: { method: 'cash', reference: 5 } }],
  ['null reference', { ...base, payment: { method: 'cash', reference: null } }],
  ['a line break in the reference', { ...base, payment: { method: 'pos', reference: 'R\n1' } }],
  ['a tab inside the reference', { ...base, payment: { method: 'pos', reference: 'R\t1' } }],
  ['payment missing', { ...base, payment: undefined }],
  ['an array', [base]],
  ['null', null],
];

// through JSON, as the pipeline sees a body (an undefined member is absent)
const wire = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

describe('load bodies: the compiled checks agree with the schemas', () => {
  it('init: accepts what the schema accepts, with the same output', () => {
    for (const [what, body] of accepted) {
      const want = initBody.safeParse(wire(body));
      assert.ok(want.success, what);
      assert.deepEqual(fastInitBody(wire(body)), want.data, what);
    }
  });

  it('init: leaves to the schema everything the schema refuses', () => {
    for (const [what, body] of refusals) {
      assert.equal(initBody.safeParse(wire(body)).success, false, what);
      assert.equal(fastInitBody(wire(body)), undefined, what);
    }
  });

  it('confirm: the same output for a TAC, the schema for everything else', () => {
    for (const tac of ['a1b2c3d4', 'A1B2C3D4', '00000000']) {
      const want = confirmBody.safeParse({ tac });
      assert.ok(want.success);
      assert.deepEqual(fastConfirmBody({ tac }), want.data);
      assert.equal(fastConfirmBody({ tac })?.tac, tac.toUpperCase());
    }
    for (const body of [{}, { tac: 'a1b2c3' }, { tac: 'a1b2c3d4', x: 1 }, { tac: 12345678 }, [], null, 'a1b2c3d4']) {
      assert.equal(confirmBody.safeParse(body).success, false, JSON.stringify(body));
      assert.equal(fastConfirmBody(body), undefined, JSON.stringify(body));
    }
  });
});
