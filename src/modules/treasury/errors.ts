// The treasury module's error codes and their HTTP statuses (registered when the module loads).
import { registerErrorCodes } from '../../platform/http/errors.ts';

export const TREASURY_ERRORS = {
  'till-close-not-found': 404,
  'till-already-closed': 409,
  'till-close-confirmed': 409,
  'deposit-slip-not-found': 404,
  'deposit-slip-exists': 409,
  'deposit-slip-empty': 409,
  'deposit-slip-already-approved': 409,
  'deposit-slip-not-approved': 409,
  'deposit-slip-already-banked': 409,
} as const;

type Codes = typeof TREASURY_ERRORS;
declare module '../../platform/http/errors.ts' {
  interface ErrorCodes extends Codes {}
}

registerErrorCodes('treasury', TREASURY_ERRORS);
