// The statuslist module's error codes and their HTTP statuses: registered when the module loads (its
// index.ts imports this file) and added to the platform's ErrorCodes so AppError checks them.
import { registerErrorCodes } from '../../platform/http/errors.ts';

export const STATUSLIST_ERRORS = {
  'list-change-not-found': 404,
  'list-change-decided': 409,
  'list-state-conflict': 409,
  'list-version-gap': 409,
  'list-version-stale': 409,
  'list-signature-invalid': 422,
} as const;

type Codes = typeof STATUSLIST_ERRORS;
declare module '../../platform/http/errors.ts' {
  interface ErrorCodes extends Codes {}
}

registerErrorCodes('statuslist', STATUSLIST_ERRORS);
