// The portfolio module's error codes.
import { registerErrorCodes } from '../../platform/http/errors.ts';

export const PORTFOLIO_ERRORS = {
  'manager-not-found': 404,
  'not-in-portfolio': 403,
} as const;

type Codes = typeof PORTFOLIO_ERRORS;
declare module '../../platform/http/errors.ts' {
  interface ErrorCodes extends Codes {}
}

registerErrorCodes('portfolio', PORTFOLIO_ERRORS);
