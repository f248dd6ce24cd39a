// The banks module's error codes and their HTTP statuses (registered when the module loads).
import { registerErrorCodes } from '../../platform/http/errors.ts';

export const BANK_ERRORS = {
  'bank-settlement-not-found': 404,
  'bank-settlement-already-approved': 409,
  'bank-settlement-not-approved': 409,
  'bank-settlement-already-settled': 409,
} as const;

type Codes = typeof BANK_ERRORS;
declare module '../../platform/http/errors.ts' {
  interface ErrorCodes extends Codes {}
}

registerErrorCodes('banks', BANK_ERRORS);
