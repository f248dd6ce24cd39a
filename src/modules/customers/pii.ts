// ID numbers and phone numbers: normalisation, validation, masks and sealing. The plain value
// exists only in a request, in a full view, and in the sealed column after opening it.
import type { SoftwareHsm } from '../keys/index.ts';
import { invalid } from '../../platform/http/errors.ts';
import { RESIDENT_ID } from './codes.ts';

export const normaliseIdNumber = (s: string): string => s.trim().toUpperCase();
export const normalisePhone = (s: string): string => s.trim().replace(/[\s-]/g, '').toUpperCase();

// ISO 7064 MOD 11-2 as GB 11643 applies it: weight of position i (from the left, 0-based) is
// 2^(17-i) mod 11; the check character is 12 - (Σ mod 11) mod 11, with 10 written as X.
const WEIGHTS = Array.from({ length: 17 }, (_, i) => 2 ** (17 - i) % 11);
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  const c = (12 - (sum % 11)) % 11;
  return c === 10 ? 'X' : String(c);
}

function isCalendarDay(yyyymmdd: string): boolean {
  const iso = `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
  const d = new Date(iso + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(iso) && yyyymmdd >= '18900101';
}

// Returns the normalised number or throws a 400 naming the field.
export function checkIdNumber(idType: number, raw: string, field = 'idNumber'): string {
  const v = normaliseIdNumber(raw);
  if (idType === RESIDENT_ID) {
    if (!/^\d{17}[\dX]$/.test(v))
      throw invalid(field, 'a resident ID number is 17 digits and a check digit (0-9 or X)');
    if (!isCalendarDay(v.slice(6, 14))) throw invalid(field, 'the birth date in the ID number is not a calendar day');
    if (residentIdCheckChar(v) !== v[17]) throw invalid(field, 'the check digit of the ID number is wrong');
    return v;
  }
  // other documents: the 32 ASCII characters that card file 0016 can hold
  if (!/^[A-Z0-9()-]{5,32}$/.test(v)) throw invalid(field, 'must be 5-32 letters, digits, ( ) or -');
  return v;
}

// Mobile: 11 digits starting with 1. Landline: 0 + area code (2-3 digits) + 7-8 digits,
// written with or without a dash, which normalisation removes.
export function checkPhone(raw: string, field = 'phone'): string {
  const v = normalisePhone(raw);
  if (/^1\d{10}$/.test(v) || /^0\d{2,3}\d{7,8}$/.test(v)) return v;
  throw invalid(field, 'must be an 11-digit mobile number starting with 1 or a landline with its area code');
}

export const REGISTRATION_NUMBER = /^[0-9A-Z]{18}$/;
export function checkRegistrationNumber(raw: string, field = 'registrationNumber'): string {
  const v = raw.trim().toUpperCase();
  if (!REGISTRATION_NUMBER.test(v)) throw invalid(field, 'must be the 18-character unified social credit code');
  return v;
}

// First 3 and last 4 shown, the rest starred (340***********1234, 138****5678). A value too
// short for that would show most of itself, so short ones keep only the first and last character.
export function mask(v: string): string {
  if (v.length >= 11) return v.slice(0, 3) + '*'.repeat(v.length - 7) + v.slice(-4);
  return v.slice(0, 1) + '*'.repeat(Math.max(v.length - 2, 1)) + v.slice(-1);
}

export type SealedPii = { sealed: Buffer; index: Buffer; mask: string };

// normalised → the three stored columns: sealed value, keyed search index, mask
export function sealPii(hsm: SoftwareHsm, normalised: string): SealedPii {
  return {
    sealed: hsm.seal('pii', Buffer.from(normalised, 'utf8')),
    index: hsm.piiIndex(normalised),
    mask: mask(normalised),
  };
}

export function openPii(hsm: SoftwareHsm, sealed: Buffer | null): string | null {
  return sealed ? hsm.open('pii', Buffer.from(sealed)).toString('utf8') : null;
}

// Fields that carry personal data wherever they appear in a recorded detail (audit rows, events):
// ID and phone numbers by the mask above, names and contact persons by their first character,
// addresses by their first three. A value already masked is left as it is.
const PII_FIELDS = new Set(['idNumber', 'phone', 'contactPhone', 'name', 'contactPerson', 'address']);

function maskField(field: string, v: string): string {
  if (v.includes('*')) return v;
  const chars = [...v];
  if (field === 'name' || field === 'contactPerson') return chars[0] + '*'.repeat(Math.max(chars.length - 1, 1));
  if (field === 'address') return chars.slice(0, 3).join('') + '***';
  return mask(v);
}

/** A copy of a JSON value with every string under a personal-data field masked (at any depth:
 *  `{"changes": {"phone": {"from": …, "to": …}}}` masks both). */
export function maskPiiFields(value: unknown, field?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => maskPiiFields(v, field));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, maskPiiFields(v, PII_FIELDS.has(k) ? k : field)]),
    );
  return typeof value === 'string' && field ? maskField(field, value) : value;
}
