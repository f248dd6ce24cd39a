// Reusable validation pieces. Every object schema is strict: unknown fields are refused.
import { z } from 'zod';
import { CARD_NO, hexBytes, NETWORK_ID, OBU_NO } from './fast-check.ts';
import { w } from './wire.ts';

// database ids travel as decimal strings in paths and as numbers in bodies
export const idParam = z
  .string()
  .regex(/^[1-9]\d{0,17}$/, 'must be a positive integer id')
  .transform((s) => BigInt(s));
export const idBody = z
  .union([z.number().int().positive().refine(Number.isSafeInteger), z.string().regex(/^[1-9]\d{0,17}$/)])
  .transform((v) => BigInt(v));

// integer fen: a JSON integer within the exactly representable range, as bigint in code
export const fen = z
  .number()
  .int('must be an integer number of fen')
  .refine(Number.isSafeInteger, 'out of range')
  .transform((v) => BigInt(v));
export const positiveFen = z
  .number()
  .int('must be an integer number of fen')
  .positive()
  .refine(Number.isSafeInteger, 'out of range')
  .transform((v) => BigInt(v));

// an integer 0…max
export const uint = (max: number) => z.number().int().min(0).max(max);

export const network = z.string().regex(NETWORK_ID, 'must be a 4-digit network id');
export const cardNo = z.string().regex(CARD_NO, 'must be a 20-digit card number');
export const obuNo = z.string().regex(OBU_NO, 'must be a 16-digit OBU number');
export const hex = (bytes: number) =>
  z
    .string()
    .regex(hexBytes(bytes), `must be ${bytes} bytes of hex`)
    .transform((s) => s.toUpperCase());
// a C0 control character or DEL: no part of a name, a reference or a purpose (and NUL is one
// PostgreSQL's text cannot hold). CONTROL_CHARACTER is for texts read from files, where neither the
// body schemas nor the router's NUL check reach; plainText is the body schemas' form of the rule.
const CONTROL_CLASS = '\\u0000-\\u001f\\u007f';
export const CONTROL_CHARACTER = new RegExp(`[${CONTROL_CLASS}]`);
/** A short text a person typed (a bank reference, a purpose): trimmed, not empty, no control character. */
export const plainText = (max: number, emptyMessage?: string) =>
  z
    .string()
    .trim()
    .min(1, emptyMessage)
    .max(max)
    .regex(new RegExp(`^[^${CONTROL_CLASS}]+$`), 'control characters are not allowed');

// An instant the centre can store and give back as it was written: its year in UTC is 0001 to 9999
// (9999-12-31T23:00:00-12:00 is in year 10000, which ISO 8601 writes with six digits; PostgreSQL
// has no year 0000 and none before 4713 BC).
export function storableInstant(d: Date): boolean {
  const year = d.getUTCFullYear();
  return year >= 1 && year <= 9999;
}
// a time a machine sends: ISO 8601 with an offset (ICD §0), one the centre can store
export const isoInstant = z.iso
  .datetime({ offset: true })
  .refine((s) => storableInstant(new Date(s)), 'must be a time of the years 0001 to 9999 (UTC)');

// a calendar date of the same years (year 0000 is a date to JavaScript, none to PostgreSQL)
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(s + 'T00:00:00Z');
    return storableInstant(d) && d.toISOString().startsWith(s);
  }, 'not a calendar date');
// a reason is recorded in the audit trail: long enough to say something, short enough to read
export const REASON_MIN_LENGTH = 2;
export const REASON_MAX_LENGTH = 500;
export const reason = z
  .string()
  .trim()
  .min(REASON_MIN_LENGTH, `must be at least ${REASON_MIN_LENGTH} characters (after trimming spaces)`)
  .max(REASON_MAX_LENGTH, `must be at most ${REASON_MAX_LENGTH} characters`);
export const limit = z.coerce.number().int().min(1).max(500).default(50);
export const offset = z.coerce.number().int().min(0).max(1_000_000).default(0);
// How money is paid in or out, one word per instrument on every endpoint (docs/PAYMENT-METHODS.md):
// cash (the counter's till), pos (the counter's card terminal), bank-account (through a bank: a bank
// branch's settlement account, or a transfer to the customer's bank account; the ICD's word for the
// bank channel), carry-over (a card's carried balance), allocation (a corporate vehicle's allocation). Each endpoint admits the ones it can take.
export const PAYMENT_METHODS = ['cash', 'pos', 'bank-account', 'carry-over', 'allocation'] as const;
export type PaymentMethodName = (typeof PAYMENT_METHODS)[number];
const methods = <M extends PaymentMethodName>(...m: [M, ...M[]]) => z.enum(m);
// fees at issuance: the counter takes cash or pos, a bank branch pays through its account
export const paymentMethod = methods('cash', 'pos', 'bank-account');
// money paid into a prepaid account at the counter
export const depositMethod = methods('cash', 'pos');
// a cancellation's refund: cash from the till, or a transfer to the customer's bank account
export const refundMethod = methods('cash', 'bank-account');
// an online load's payment (ICD §1: a bank pays by bank-account)
export const loadPaymentMethod = methods('bank-account', 'cash', 'pos', 'carry-over', 'allocation');

// Success bodies as they are on the wire: the primitives of wire.ts under the names the console's
// read routes use (amounts and ids JSON integers, instants ISO 8601, calendar dates YYYY-MM-DD).
export const fenOut = w.int;
export const idOut = w.int.positive();
export const instantOut = w.dateTime;
export const dateOut = w.date;
// offset pages: hasMore says whether a further page has rows (one row more is read to know)
export const pageOut = z.strictObject({ limit: w.int, offset: w.int, hasMore: z.boolean() });
// merged histories read offset + limit rows from each source, so their offset is capped lower
export const mergedOffset = z.coerce.number().int().min(0).max(10_000).default(0);
