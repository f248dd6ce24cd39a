// The interchange module's error codes and their HTTP statuses: registered when the module loads (its
// index.ts imports this file) and added to the platform's ErrorCodes so AppError checks them.
import { registerErrorCodes } from '../../platform/http/errors.ts';

export const INTERCHANGE_ERRORS = {
  'package-not-found': 404,
  'dispute-not-found': 404,
  'dispute-resolved': 409,
  'dispute-not-ours': 409,
  'dispute-transaction-not-found': 404,
  'dispute-not-issuer': 409,
  'dispute-not-interchange': 409,
  'dispute-exists': 409,
  'package-confirmed': 409,
  'confirmation-not-found': 404,
  'confirmation-delivered': 409,
  'confirmation-not-held': 409,
  'peer-certificate-missing': 422,
  'document-signature-invalid': 422,
} as const;

type Codes = typeof INTERCHANGE_ERRORS;
declare module '../../platform/http/errors.ts' {
  interface ErrorCodes extends Codes {}
}

registerErrorCodes('interchange', INTERCHANGE_ERRORS);
