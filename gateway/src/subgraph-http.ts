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

/** Sockets are reused across requests; a generous cap, since a slow subgraph should not queue the gateway. */
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256, scheduling: 'lifo' });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256, scheduling: 'lifo' });

function headerGetter(headers: IncomingHttpHeaders) {
  return {
    get(name: string): string | null {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

export function postToSubgraph(url: URL, headers: Record<string, string>, body: string): Promise<SubgraphHttpResponse> {
  const secure = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(url, {
      method: 'POST',
      agent: secure ? httpsAgent : httpAgent,
      headers: { ...headers, 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: headerGetter(res.headers),
          text,
          json: async () => JSON.parse(text),
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
