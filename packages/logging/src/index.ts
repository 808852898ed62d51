/** Structured logs (one JSON object a line) that carry the request id across services. */
import { pino, type Logger } from 'pino';
import { randomUUID } from 'node:crypto';

export type { Logger };

/** The header the gateway sets and every subgraph logs with. */
export const REQUEST_ID_HEADER = 'x-request-id';

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' || process.env.VITEST ? 'silent' : 'info')): Logger {
  return pino({ level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}

/** The incoming request id, or a fresh one when this is where the request started. */
export function requestIdFrom(headerValue: string | string[] | undefined): string {
  const value = Array.isArray(headerValue) ? headerValue[0] : headerValue;
  return value && /^[\w-]{1,100}$/.test(value) ? value : randomUUID();
}
