// The bodies of the online load's init and confirm (ICD §1): the zod schemas, which word every
// refusal and document the API, and the compiled checks the pipeline tries first (RouteDef.fastBody).
// A compiled check accepts only what its schema accepts, with the same output; anything else it
// leaves to the schema. test/unit/load-bodies-fast.test.ts holds the two to that.
import { z } from 'zod';
import { CARD_NO, hexBytes, isRecord, isUint, onlyKeys } from '../../platform/http/fast-check.ts';
import { cardNo, CONTROL_CHARACTER, hex, loadPaymentMethod, plainText, uint } from '../../platform/http/schemas.ts';

// amounts arrive as integers; their range is a business refusal (422 amount-out-of-range), not a 400
const anyFen = z
  .number()
  .int('must be an integer number of fen')
  .refine(Number.isSafeInteger, 'out of range')
  .transform((v) => BigInt(v));
const U32 = 4_294_967_295;

const cardState = z.strictObject({
  balance: uint(U32).transform((v) => BigInt(v)),
  onlineSeq: uint(65535),
  keyVersion: uint(255),
  algId: uint(255),
  random: hex(4),
  mac1: hex(4),
});
const payment = z.strictObject({
  method: loadPaymentMethod,
  reference: plainText(64).optional(),
});
export const initBody = z.strictObject({
  cardNo,
  amount: anyFen,
  terminalId: hex(6),
  card: cardState,
  payment,
});
export const confirmBody = z.strictObject({ tac: hex(4) });

const HEX4 = hexBytes(4);
const HEX6 = hexBytes(6);
const INIT_KEYS = new Set(Object.keys(initBody.shape));
const CARD_KEYS = new Set(Object.keys(cardState.shape));
const PAYMENT_KEYS = new Set(Object.keys(payment.shape));
const METHODS = new Set<string>(loadPaymentMethod.options);

const hex4 = (v: unknown): string | undefined => (typeof v === 'string' && HEX4.test(v) ? v.toUpperCase() : undefined);

export function fastInitBody(v: unknown): z.output<typeof initBody> | undefined {
  if (!isRecord(v) || !onlyKeys(v, INIT_KEYS)) return undefined;
  const { cardNo: no, amount, terminalId, card: c, payment: p } = v;
  if (typeof no !== 'string' || !CARD_NO.test(no)) return undefined;
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) return undefined;
  if (typeof terminalId !== 'string' || !HEX6.test(terminalId)) return undefined;
  if (!isRecord(c) || !onlyKeys(c, CARD_KEYS) || !isRecord(p) || !onlyKeys(p, PAYMENT_KEYS)) return undefined;
  if (!isUint(c.balance, U32) || !isUint(c.onlineSeq, 65535)) return undefined;
  if (!isUint(c.keyVersion, 255) || !isUint(c.algId, 255)) return undefined;
  const random = hex4(c.random);
  const mac1 = hex4(c.mac1);
  if (random === undefined || mac1 === undefined) return undefined;
  if (typeof p.method !== 'string' || !METHODS.has(p.method)) return undefined;
  const method = p.method as z.output<typeof loadPaymentMethod>;
  let reference: string | undefined;
  if ('reference' in p) {
    if (typeof p.reference !== 'string') return undefined;
    reference = p.reference.trim();
    if (reference.length < 1 || reference.length > 64 || CONTROL_CHARACTER.test(reference)) return undefined;
  }
  return {
    cardNo: no,
    amount: BigInt(amount),
    terminalId: terminalId.toUpperCase(),
    card: {
      balance: BigInt(c.balance),
      onlineSeq: c.onlineSeq,
      keyVersion: c.keyVersion,
      algId: c.algId,
      random,
      mac1,
    },
    payment: reference === undefined ? { method } : { method, reference },
  };
}

export function fastConfirmBody(v: unknown): z.output<typeof confirmBody> | undefined {
  if (!isRecord(v)) return undefined;
  for (const k in v) if (k !== 'tac') return undefined;
  const tac = hex4(v.tac);
  return tac === undefined ? undefined : { tac };
}
