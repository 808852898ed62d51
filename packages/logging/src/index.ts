/** Structured logs (one JSON object a line) that carry the request id across services. */
import { pino, type Logger } from 'pino';
import { randomUUID } from 'node:crypto';

export type { Logger };

/** The header the gateway sets and every subgraph logs with. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** Credentials never reach a log line, at whatever depth a logged object carries them. */
const SECRET_FIELDS = ['password', 'currentPassword', 'newPassword', 'refreshToken', 'accessToken', 'token', 'authorization'];
export const REDACTED_PATHS = SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`, `*.*.*.${field}`]);

export function createLogger(
  service: string,
  level = process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' || process.env.VITEST ? 'silent' : 'info'),
  destination?: pino.DestinationStream,
): Logger {
  const options = { level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

/** The incoming request id, or a fresh one when this is where the request started. */
export function requestIdFrom(headerValue: string | string[] | undefined): string {
  const value = Array.isArray(headerValue) ? headerValue[0] : headerValue;
  return value && /^[\w-]{1,100}$/.test(value) ? value : randomUUID();
}
