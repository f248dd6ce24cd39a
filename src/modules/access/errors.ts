// The access module's error codes and their HTTP statuses: registered when the module loads (its
// index.ts imports this file) and added to the platform's ErrorCodes so AppError checks them.
import { registerErrorCodes } from '../../platform/http/errors.ts';

export const ACCESS_ERRORS = {
  'bad-credentials': 401,
  'session-expired': 401,
  'unknown-client': 401,
  'account-locked': 403,
  'password-change-required': 403,
  'wrong-password': 403,
  'user-not-locked': 409,
  'weak-password': 422,
  'user-not-found': 404,
} as const;

type Codes = typeof ACCESS_ERRORS;
declare module '../../platform/http/errors.ts' {
  interface ErrorCodes extends Codes {}
}

registerErrorCodes('access', ACCESS_ERRORS);
