// The payments module's error codes and their HTTP statuses (registered when the module loads).
import { registerErrorCodes } from '../../platform/http/errors.ts';

export const PAYMENT_ERRORS = {
  'refund-not-found': 404,
  'refund-batch-not-found': 404,
  'refund-not-payable': 409,
  'refund-batch-already-approved': 409,
  'refund-batch-not-approved': 409,
  'refund-batch-already-paid': 409,
  'refund-batch-rejected': 409,
} as const;

type Codes = typeof PAYMENT_ERRORS;
declare module '../../platform/http/errors.ts' {
  interface ErrorCodes extends Codes {}
}

registerErrorCodes('payments', PAYMENT_ERRORS);
