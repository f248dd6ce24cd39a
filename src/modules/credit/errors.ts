// The credit module's error codes and their HTTP statuses (registered when the module loads).
import { registerErrorCodes } from '../../platform/http/errors.ts';

export const CREDIT_ERRORS = {
  'bill-not-found': 404,
  'write-off-not-found': 404,
  'write-off-state-conflict': 409,
  'write-off-exceeds-outstanding': 422,
  'write-off-open': 409,
  'bill-settled': 409,
  'grade-not-found': 404,
  'upgrade-not-allowed': 409,
  'write-off-four-eyes': 409,
} as const;

type Codes = typeof CREDIT_ERRORS;
declare module '../../platform/http/errors.ts' {
  interface ErrorCodes extends Codes {}
}
registerErrorCodes('credit', CREDIT_ERRORS);
