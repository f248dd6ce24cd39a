// One error type for the whole service. Codes are stable kebab-case strings that clients
// (banks, lanes, provinces, the console) may branch on; the HTTP status follows from the code
// in exactly one place: httpResponseFromError.

export const ERROR_STATUS = {
  'invalid-request': 400,
  unauthenticated: 401,
  'bad-credentials': 401,
  'session-expired': 401,
  'bad-signature': 401,
  'stale-timestamp': 401,
  'unknown-client': 401,
  forbidden: 403,
  'not-found': 404,
  'customer-not-found': 404,
  'package-not-found': 404,
  'dispute-not-found': 404,
  'vehicle-not-found': 404,
  'account-not-found': 404,
  'card-not-found': 404,
  'obu-not-found': 404,
  'request-not-found': 404,
  'load-not-found': 404,
  'exception-not-found': 404,
  'lane-not-found': 404,
  'list-change-not-found': 404,
  'settlement-not-found': 404,
  'payout-not-found': 404,
  'bank-statement-not-found': 404,
  'user-not-found': 404,
  conflict: 409,
  'idempotency-conflict': 409,
  'idempotency-key-required': 400,
  'duplicate-id-number': 409,
  'duplicate-plate': 409,
  'duplicate-registration-number': 409,
  'vehicle-has-active-card': 409,
  'vehicle-has-active-obu': 409,
  'card-state-conflict': 409,
  'obu-state-conflict': 409,
  'request-state-conflict': 409,
  'four-eyes-required': 409,
  'customer-has-active-media': 409,
  'card-not-loadable': 409,
  'load-in-flight': 409,
  'load-confirmed': 409,
  'load-reversed': 409,
  'card-credited': 409,
  'carry-not-available': 409,
  'exception-resolved': 409,
  'customer-closed': 409,
  'vehicle-in-use': 409,
  'vehicle-removed': 409,
  'account-closed': 409,
  'account-not-prepaid': 409,
  'list-change-decided': 409,
  'list-state-conflict': 409,
  'list-version-gap': 409,
  'list-version-stale': 409,
  'tariff-version-exists': 409,
  'clearing-day-not-over': 409,
  'dispute-resolved': 409,
  'dispute-not-ours': 409,
  'settlement-already-approved': 409,
  'settlement-not-approved': 409,
  'settlement-already-settled': 409,
  'payout-already-approved': 409,
  'payout-not-approved': 409,
  'payout-already-paid': 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'business-rule': 422,
  'amount-out-of-range': 422,
  'mac1-invalid': 422,
  'tac-invalid': 422,
  'tariff-date-passed': 422,
  'list-signature-invalid': 422,
  'peer-certificate-missing': 422,
  'document-signature-invalid': 422,
  'statement-too-long': 422,
  'demo-mode-required': 409,
  'stock-number-unknown': 422,
  'stock-number-used': 409,
  'rate-limited': 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  // A refusal that must still leave a trace (e.g. a load whose TAC failed is flagged for review):
  // the request's transaction is rolled back as for any refusal, then this runs on its own.
  afterRollback: ((db: import('knex').Knex) => Promise<void>) | undefined;
  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.field = field;
  }
}

export const invalid = (field: string, message: string) =>
  new AppError('invalid-request', `${field}: ${message}`, field);

export type ErrorBody = { error: { code: string; message: string; field?: string } };

// Anything that is not an AppError is an internal fault: the client gets a generic message
// (never SQL, stack or key material), the log gets the detail.
export function httpResponseFromError(err: unknown): { status: number; body: ErrorBody; internal: boolean } {
  if (err instanceof AppError) {
    const body: ErrorBody = { error: { code: err.code, message: err.message } };
    if (err.field) body.error.field = err.field;
    return { status: ERROR_STATUS[err.code], body, internal: false };
  }
  const e = err as { type?: string; status?: number };
  // body-parser failures arrive as plain errors with a type; map them without echoing input
  if (e && e.type === 'entity.too.large') {
    return {
      status: 413,
      body: { error: { code: 'payload-too-large', message: 'request body too large' } },
      internal: false,
    };
  }
  if (e && e.type === 'entity.parse.failed') {
    return {
      status: 400,
      body: { error: { code: 'invalid-request', message: 'body: malformed JSON' } },
      internal: false,
    };
  }
  if ((e && typeof e.type === 'string' && e.type.startsWith('charset')) || e?.type === 'encoding.unsupported') {
    return {
      status: 415,
      body: { error: { code: 'unsupported-media-type', message: 'unsupported body encoding' } },
      internal: false,
    };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'internal error' } }, internal: true };
}
