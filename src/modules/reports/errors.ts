// The reports module's error codes and their HTTP statuses (registered when index.ts loads).
import { registerErrorCodes } from '../../platform/http/errors.ts';

export const REPORTS_ERRORS = {
  'report-not-found': 404,
} as const;

type Codes = typeof REPORTS_ERRORS;
declare module '../../platform/http/errors.ts' {
  interface ErrorCodes extends Codes {}
}

registerErrorCodes('reports', REPORTS_ERRORS);
