/**
 * Which web pages may use the API from a browser: CORS on HTTP, and the same list for WebSocket
 * upgrades, which browsers send cross-site without asking (cross-site WebSocket hijacking).
 * Tokens travel in headers and connectionParams, never cookies, so no credentials are allowed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** Request headers a listed page may send: the token, JSON, Apollo's CSRF header, our request id, Apollo Client's names. */
export const ALLOWED_HEADERS: readonly string[] = [
  'authorization',
  'content-type',
  'apollo-require-preflight',
  'x-request-id',
  'apollographql-client-name',
  'apollographql-client-version',
];
const ALLOWED_METHODS = 'GET, POST, OPTIONS';
/** Browsers cache a granted preflight this long (Chromium caps it at 2 hours). */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

export class CorsPolicy {
  private readonly origins: ReadonlySet<string>;

  /** `origins` as browsers send them (scheme://host[:port]); env.origins() normalises CORS_ORIGINS so. */
  constructor(origins: readonly string[]) {
    this.origins = new Set(origins);
  }

  /**
   * Gives a request from a listed origin the headers that let its page read the answer, and answers
   * preflights: 204 for a listed origin, 403 for any other. True when the response is complete.
   * Requests themselves are never refused here: without the headers the browser keeps the answer from the page.
   */
  answerHttp(req: IncomingMessage, res: ServerResponse): boolean {
    // Caches must keep one answer per origin, the refused ones included.
    res.setHeader('vary', 'Origin');
    const origin = req.headers.origin;
    if (origin === undefined) return false;
    const listed = this.origins.has(origin);
    if (listed) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', 'x-request-id');
    }
    if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) return false;
    res.setHeader('cache-control', 'no-store');
    if (!listed) {
      res.statusCode = 403;
      res.end();
      return true;
    }
    res.statusCode = 204;
    res.setHeader('access-control-allow-methods', ALLOWED_METHODS);
    res.setHeader('access-control-allow-headers', ALLOWED_HEADERS.join(', '));
    res.setHeader('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS));
    res.end();
    return true;
  }

  /**
   * Lets a WebSocket upgrade go on when it carries no Origin (not a browser), a listed one, or the
   * gateway's own (Apollo Sandbox's page); otherwise answers 403 on the socket and returns false.
   */
  acceptUpgrade(req: IncomingMessage, socket: Duplex): boolean {
    const origin = req.headers.origin;
    if (origin === undefined || this.origins.has(origin) || isSameOrigin(origin, req.headers.host)) return true;
    socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 19\r\n\r\nOrigin not allowed\n');
    return false;
  }
}

/**
 * The page was served by this host: the browser sets both headers, a page elsewhere cannot make them
 * agree. The scheme is not compared: behind a TLS terminator the page is https and this hop http.
 */
function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
