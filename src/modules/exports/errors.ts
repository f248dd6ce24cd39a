// The exports module's error codes and their HTTP statuses: registered when the module loads (its
// index.ts imports this file) and added to the platform's ErrorCodes so AppError checks them.
import { registerErrorCodes } from '../../platform/http/errors.ts';

export const EXPORT_ERRORS = {
  'export-not-approved': 409,
  'export-expired': 410,
} as const;

type Codes = typeof EXPORT_ERRORS;
declare module '../../platform/http/errors.ts' {
  interface ErrorCodes extends Codes {}
}

registerErrorCodes('exports', EXPORT_ERRORS);
