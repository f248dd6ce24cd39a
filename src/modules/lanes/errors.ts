// The lanes module's error codes and their HTTP statuses: registered when the module loads (its
// index.ts imports this file) and added to the platform's ErrorCodes so AppError checks them.
import { registerErrorCodes } from '../../platform/http/errors.ts';

export const LANES_ERRORS = {
  'lane-not-found': 404,
  'tariff-version-exists': 409,
  'tariff-date-passed': 422,
} as const;

type Codes = typeof LANES_ERRORS;
declare module '../../platform/http/errors.ts' {
  interface ErrorCodes extends Codes {}
}

registerErrorCodes('lanes', LANES_ERRORS);
