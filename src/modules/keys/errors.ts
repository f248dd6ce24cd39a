// The keys module's error codes and their HTTP statuses: registered when the module loads (its
// index.ts imports this file) and added to the platform's ErrorCodes so AppError checks them.
import { registerErrorCodes } from '../../platform/http/errors.ts';

export const KEYS_ERRORS = {
  // a card stock holds card keys: made only in demo mode (docs/CARD-READER.md)
  'demo-mode-required': 409,
} as const;

type Codes = typeof KEYS_ERRORS;
declare module '../../platform/http/errors.ts' {
  interface ErrorCodes extends Codes {}
}

registerErrorCodes('keys', KEYS_ERRORS);
