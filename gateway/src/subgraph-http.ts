/**
 * POSTs to subgraphs over kept-alive connections. The gateway's default fetcher (make-fetch-happen)
 * spends more time per request than the subgraph call itself: caching layers, a stack trace per
 * request to decide on TLS, node-fetch Request objects. This is a plain pooled node:http client.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface SubgraphHttpResponse {
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  text: string;
  json(): Promise<unknown>;
}

/** How long the gateway waits for a subgraph's whole answer when nothing else is said (SUBGRAPH_TIMEOUT_MS). */
export const DEFAULT_SUBGRAPH_TIMEOUT_MS = 10_000;

/** A subgraph took longer than the bound to answer; its socket was closed, never to be reused. */
export class SubgraphTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`No answer within ${timeoutMs} ms`);
    this.name = 'SubgraphTimeoutError';
  }
}

/**
 * Sockets are reused across requests; a generous cap, since a slow subgraph should not queue the
 * gateway. keepAliveMsecs: the TCP keepalive probe delay on pooled sockets, so that one whose peer
 * vanished without a FIN is found out rather than handed to the next request.
 */
const agentOptions = { keepAlive: true, keepAliveMsecs: 10_000, maxSockets: 256, maxFreeSockets: 256, scheduling: 'lifo' } as const;
const httpAgent = new HttpAgent(agentOptions);
const httpsAgent = new HttpsAgent(agentOptions);

function headerGetter(headers: IncomingHttpHeaders) {
  return {
    get(name: string): string | null {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/** POSTs `body` and reads the whole answer; rejects with SubgraphTimeoutError when that takes longer than `timeoutMs`. */
export function postToSubgraph(url: URL, headers: Record<string, string>, body: string, timeoutMs = DEFAULT_SUBGRAPH_TIMEOUT_MS): Promise<SubgraphHttpResponse> {
  const secure = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    // One deadline for connecting, sending and the whole answer: a subgraph that accepts and never
    // answers, or answers a byte at a time, costs the caller no more than this.
    const timer = setTimeout(() => {
      reject(new SubgraphTimeoutError(timeoutMs));
      req.destroy();
    }, timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    const req = (secure ? httpsRequest : httpRequest)(
      url,
      {
        method: 'POST',
        agent: secure ? httpsAgent : httpAgent,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: headerGetter(res.headers),
            text,
            json: async () => JSON.parse(text),
          });
        });
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}
