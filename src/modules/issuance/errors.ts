// The issuance module's error codes and their HTTP statuses: registered when the module loads (its
// index.ts imports this file) and added to the platform's ErrorCodes so AppError checks them.
import { registerErrorCodes } from '../../platform/http/errors.ts';

export const ISSUANCE_ERRORS = {
  'card-not-found': 404,
  'obu-not-found': 404,
  'request-not-found': 404,
  'vehicle-has-active-card': 409,
  'vehicle-has-active-obu': 409,
  'card-state-conflict': 409,
  'obu-state-conflict': 409,
  'request-state-conflict': 409,
  'four-eyes-required': 409,
  'carry-not-available': 409,
  'credit-limit-required': 409,
  'fee-date-passed': 422,
  'stock-number-unknown': 422,
  'stock-number-used': 409,
} as const;

type Codes = typeof ISSUANCE_ERRORS;
declare module '../../platform/http/errors.ts' {
  interface ErrorCodes extends Codes {}
}

registerErrorCodes('issuance', ISSUANCE_ERRORS);
