// The centre's error codes a bank adapter can meet on the channel API (ICD §0–1), plus the ways a
// call can fail without any code from the centre. Each bank maps every one of these to a native
// response code; the list is the contract the mapping tests iterate over.

/** Codes the ICD documents for the channel endpoints. */
export const CHANNEL_ERROR_CODES = [
  'card-not-found',
  'card-not-loadable',
  'load-in-flight',
  'mac1-invalid',
  'amount-out-of-range',
  'invalid-request',
  'bad-signature',
  'stale-timestamp',
  'unknown-client',
  'forbidden',
  'idempotency-conflict',
  'tac-invalid',
  'load-reversed',
  'load-confirmed',
  'card-credited',
  'load-not-found',
] as const;

/** Codes the centre's common request pipeline may answer on any endpoint (ICD §0). */
export const PIPELINE_ERROR_CODES = [
  'unauthenticated',
  'idempotency-key-required',
  'unsupported-media-type',
  'payload-too-large',
  'rate-limited',
  'not-found',
  'internal',
  'unavailable',
] as const;

/** Not from the centre: the call itself failed, or the answer could not be understood. */
export const TRANSPORT_ERROR_CODES = ['network-error', 'bad-response'] as const;

export const CENTRE_ERROR_CODES = [...CHANNEL_ERROR_CODES, ...PIPELINE_ERROR_CODES, ...TRANSPORT_ERROR_CODES] as const;
export type CentreErrorCode = (typeof CENTRE_ERROR_CODES)[number];

export function isKnownCentreCode(code: string): code is CentreErrorCode {
  return (CENTRE_ERROR_CODES as readonly string[]).includes(code);
}

export type CentreFailure = { ok: false; status: number; code: string; message: string };

/**
 * A bank's table must name a native code for every centre code (the type makes a missing one a
 * compile error); codes the centre may add later fall back by HTTP class so that nothing is ever
 * answered as success or left without a code.
 */
export type NativeCodeTable<N extends string> = { table: Record<CentreErrorCode, N>; otherRefusal: N; otherFailure: N };

export function nativeCodeFor<N extends string>(t: NativeCodeTable<N>, failure: CentreFailure): N {
  if (isKnownCentreCode(failure.code)) return t.table[failure.code];
  // 5xx or no status: the centre may or may not have acted, which the bank must treat differently
  // from a refusal (query or resend the same serial rather than give up)
  return failure.status >= 500 || failure.status === 0 ? t.otherFailure : t.otherRefusal;
}
