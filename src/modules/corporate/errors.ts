// The corporate module's error codes and their HTTP statuses (registered when index.ts loads).
import { registerErrorCodes } from '../../platform/http/errors.ts';

export const CORPORATE_ERRORS = {
  'statement-malformed': 422,
  'statement-line-not-found': 404,
  'statement-line-not-in-suspense': 409,
  'not-a-corporate-customer': 409,
  'payment-reference-not-found': 404,
  'allocation-file-malformed': 422,
  'allocation-exceeds-pool': 409,
  'allocation-insufficient': 409,
  'allocation-not-found': 404,
  'allocation-request-conflict': 409,
  'replenishment-rule-not-found': 404,
} as const;

type Codes = typeof CORPORATE_ERRORS;
declare module '../../platform/http/errors.ts' {
  interface ErrorCodes extends Codes {}
}

registerErrorCodes('corporate', CORPORATE_ERRORS);
