/**
 * The gateway's `/.well-known/jwks.json`: the keys it verifies tokens with, fetched from the JWKS URL
 * it was given (the account service's, or an identity provider's) and kept a minute, so that clients
 * and other services need to know one address only.
 */
import type { ServerResponse } from 'node:http';
import type { Logger } from '@distribution/logging';

export const JWKS_PATH = '/.well-known/jwks.json';
const KEEP_MS = 60_000;
const FETCH_TIMEOUT_MS = 5_000;
const MAX_JWKS_BYTES = 256 * 1024;

/** `http://host:4004/graphql` → `http://host:4004/.well-known/jwks.json`. */
export const jwksUrlOf = (serviceUrl: string) => new URL(JWKS_PATH, serviceUrl).toString();

export class PublishedKeys {
  private kept?: { body: string; until: number };
  private inflight?: Promise<string>;

  constructor(
    private readonly jwksUrl: string,
    private readonly logger: Logger,
  ) {}

  /** Answers with the key set, or 503 while its source cannot be reached. */
  async serve(res: ServerResponse): Promise<void> {
    try {
      const body = await this.keySet();
      res.writeHead(200, { 'content-type': 'application/jwk-set+json', 'cache-control': 'public, max-age=60' });
      res.end(body);
    } catch (error) {
      this.logger.warn({ err: error, jwksUrl: this.jwksUrl }, 'the signing keys could not be fetched');
      res.writeHead(503, { 'content-type': 'application/json', 'cache-control': 'no-store', 'retry-after': '5' });
      res.end(JSON.stringify({ error: 'The signing keys are not available right now; try again shortly' }));
    }
  }

  private async keySet(): Promise<string> {
    if (this.kept && this.kept.until > Date.now()) return this.kept.body;
    this.inflight ??= this.fetchKeySet().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async fetchKeySet(): Promise<string> {
    const response = await fetch(this.jwksUrl, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`${this.jwksUrl} answered ${response.status}`);
    const text = await response.text();
    if (text.length > MAX_JWKS_BYTES) throw new Error(`${this.jwksUrl} sent more than ${MAX_JWKS_BYTES} bytes`);
    const parsed = JSON.parse(text) as { keys?: unknown };
    if (!Array.isArray(parsed.keys)) throw new Error(`${this.jwksUrl} sent no key set`);
    // Only public members go out again, whatever the source sent.
    const keys = parsed.keys.map((key) => publicMembers(key as Record<string, unknown>));
    const body = JSON.stringify({ keys });
    this.kept = { body, until: Date.now() + KEEP_MS };
    return body;
  }
}

const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);
function publicMembers(key: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(key).filter(([name]) => !PRIVATE_MEMBERS.has(name)));
}
