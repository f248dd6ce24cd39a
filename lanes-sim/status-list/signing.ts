// Signed machine requests as a lane controller makes them (ICD §0): HMAC-SHA256 over method, path
// with query, timestamp and the SHA-256 of the body. Written here from the ICD, not imported from
// the service, so the simulator checks the contract rather than sharing the centre's code.
import { createHash, createHmac } from 'node:crypto';

export type Credentials = { clientId: string; secret: string };

export function signatureHeaders(
  c: Credentials,
  method: string,
  pathWithQuery: string,
  body: string,
  timestampMs: number,
): Record<string, string> {
  const ts = String(timestampMs);
  const digest = createHash('sha256').update(body, 'utf8').digest('hex');
  const signature = createHmac('sha256', c.secret)
    .update(`${method.toUpperCase()}\n${pathWithQuery}\n${ts}\n${digest}`)
    .digest('hex');
  return { 'X-Client-Id': c.clientId, 'X-Timestamp': ts, 'X-Signature': signature };
}
