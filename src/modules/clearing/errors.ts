// The clearing module's error codes and their HTTP statuses: registered when the module loads (its
// index.ts imports this file) and added to the platform's ErrorCodes so AppError checks them.
import { registerErrorCodes } from '../../platform/http/errors.ts';

export const CLEARING_ERRORS = {
  'clearing-day-not-over': 409,
} as const;

type Codes = typeof CLEARING_ERRORS;
declare module '../../platform/http/errors.ts' {
  interface ErrorCodes extends Codes {}
}

registerErrorCodes('clearing', CLEARING_ERRORS);
