// The topup module's error codes and their HTTP statuses: registered when the module loads (its
// index.ts imports this file) and added to the platform's ErrorCodes so AppError checks them.
import { registerErrorCodes } from '../../platform/http/errors.ts';

export const TOPUP_ERRORS = {
  'load-not-found': 404,
  'card-not-loadable': 409,
  'load-in-flight': 409,
  'load-confirmed': 409,
  'load-reversed': 409,
  'card-credited': 409,
  'mac1-invalid': 422,
  'tac-invalid': 422,
} as const;

type Codes = typeof TOPUP_ERRORS;
declare module '../../platform/http/errors.ts' {
  interface ErrorCodes extends Codes {}
}

registerErrorCodes('topup', TOPUP_ERRORS);
