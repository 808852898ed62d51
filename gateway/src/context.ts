/** What the gateway knows about one incoming GraphQL request. */
import type { Identity } from '@distribution/auth';

export interface GatewayContext {
  requestId: string;
  /** Null for an anonymous caller; a bad token never gets this far (context creation fails). */
  identity: Identity | null;
  /** Who is calling, as rate limits count it (rate-limits/client-address.ts); unset outside HTTP. */
  clientAddress?: string;
  /**
   * Filled in by the request-log plugin so the HTTP layer can log one line per request. A nested
   * object because Apollo hands plugins a shallow copy of the context: only shared objects carry back.
   */
  requestLog: { operationName?: string | null; errorCodes?: string[] };
}
