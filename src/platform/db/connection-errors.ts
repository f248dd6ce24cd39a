// Failures of reaching a database, as distinct from a statement it refused: what a caller may answer
// with "try again" or route to another server, where any other error is a fault.

/** Every connection of the pool stayed busy for knex's acquire timeout: the statement never left.
 *  (knex names a query's own timeout the same way; this service sets none, and the message tells.) */
export function poolTimedOut(err: unknown): boolean {
  return err instanceof Error && err.name === 'KnexTimeoutError' && /acquiring a connection/.test(err.message);
}

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT']);

/** The server could not be reached or would not serve: refused, reset or unknown host; SQLSTATE class
 *  08 (connection exception) or 57P (shutting down, starting up); or no connection in time. */
export function databaseUnreachable(err: unknown): boolean {
  if (poolTimedOut(err)) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (SOCKET_CODES.has(code) || /^(08|57P)/.test(code));
}
