// The access module's error codes and their HTTP statuses: registered when the module loads (its
// index.ts imports this file) and added to the platform's ErrorCodes so AppError checks them.
import { registerErrorCodes } from '../../platform/http/errors.ts';

export const ACCESS_ERRORS = {
  'bad-credentials': 401,
  'session-expired': 401,
  'unknown-client': 401,
} as const;

type Codes = typeof ACCESS_ERRORS;
declare module '../../platform/http/errors.ts' {
  interface ErrorCodes extends Codes {}
}

registerErrorCodes('access', ACCESS_ERRORS);
