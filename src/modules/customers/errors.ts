// The customers module's error codes and their HTTP statuses: registered when the module loads (its
// index.ts imports this file) and added to the platform's ErrorCodes so AppError checks them.
import { registerErrorCodes } from '../../platform/http/errors.ts';

export const CUSTOMERS_ERRORS = {
  'customer-not-found': 404,
  'vehicle-not-found': 404,
  'account-not-found': 404,
  'duplicate-id-number': 409,
  'duplicate-plate': 409,
  'duplicate-registration-number': 409,
  'customer-has-active-media': 409,
  'customer-closed': 409,
  'vehicle-in-use': 409,
  'vehicle-removed': 409,
  'account-closed': 409,
  'account-not-debit': 409,
  'deposit-not-found': 404,
  'deposit-reversal-not-found': 404,
  'deposit-state-conflict': 409,
  'deposit-reversal-exists': 409,
  'deposit-reversal-too-late': 409,
  'deposit-already-spent': 409,
  'statement-too-long': 422,
} as const;

type Codes = typeof CUSTOMERS_ERRORS;
declare module '../../platform/http/errors.ts' {
  interface ErrorCodes extends Codes {}
}

registerErrorCodes('customers', CUSTOMERS_ERRORS);
