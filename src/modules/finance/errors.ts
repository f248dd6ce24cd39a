// The finance module's error codes and their HTTP statuses: registered when the module loads (its
// index.ts imports this file) and added to the platform's ErrorCodes so AppError checks them.
import { registerErrorCodes } from '../../platform/http/errors.ts';

export const FINANCE_ERRORS = {
  'exception-not-found': 404,
  'exception-resolved': 409,
} as const;

type Codes = typeof FINANCE_ERRORS;
declare module '../../platform/http/errors.ts' {
  interface ErrorCodes extends Codes {}
}

registerErrorCodes('finance', FINANCE_ERRORS);
