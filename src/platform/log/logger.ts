// Structured logs. Redaction is by path so that a secret or PII field never reaches a
// log line even when a whole object is logged by mistake.
import { pino, type Logger } from 'pino';

export const REDACT_PATHS = [
  'password',
  '*.password',
  'currentPassword',
  '*.currentPassword',
  'newPassword',
  '*.newPassword',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'req.headers.authorization',
  'req.headers["x-signature"]',
  'headers.authorization',
  'idNumber',
  '*.idNumber',
  'phone',
  '*.phone',
  'contactPhone',
  '*.contactPhone',
  'key',
  '*.key',
  'kek',
  '*.kek',
  'sessionKey',
  '*.sessionKey',
  'value',
  'keys[*].value',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { svc: 'etc' } },
    destination as never,
  );
}

export type { Logger };
