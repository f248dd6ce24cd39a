// The settlement module's error codes and their HTTP statuses: registered when the module loads (its
// index.ts imports this file) and added to the platform's ErrorCodes so AppError checks them.
import { registerErrorCodes } from '../../platform/http/errors.ts';

export const SETTLEMENT_ERRORS = {
  'settlement-not-found': 404,
  'payout-not-found': 404,
  'bank-statement-not-found': 404,
  'settlement-already-approved': 409,
  'settlement-not-approved': 409,
  'settlement-already-settled': 409,
  'payout-already-approved': 409,
  'payout-not-approved': 409,
  'payout-already-paid': 409,
} as const;

type Codes = typeof SETTLEMENT_ERRORS;
declare module '../../platform/http/errors.ts' {
  interface ErrorCodes extends Codes {}
}

registerErrorCodes('settlement', SETTLEMENT_ERRORS);
