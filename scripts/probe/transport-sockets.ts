/** WebSocket and HTTP moves of the transport attacks (transport.ts), each bounded by a timeout. */
import { WebSocket } from 'ws';

export const GRAPHQL_WS_PROTOCOL = 'graphql-transport-ws';

/** How a socket attempt went: open, refused at the upgrade (HTTP status), or failed to connect. */
export type Opened =
  { kind: 'open'; ws: WebSocket; closed: Promise<Closed>; messages: Received[] } | { kind: 'refused'; status: number; retryAfter?: string } | { kind: 'failed'; reason: string };

export interface Closed {
  code: number;
  reason: string;
  at: number;
}

export interface Received {
  at: number;
  message: { type?: string; id?: string; payload?: unknown };
}

/** Opens a graphql-transport-ws socket (with `headers` on the upgrade), within `timeoutMs`. */
export function openSocket(url: string, timeoutMs: number, headers: Record<string, string> = {}): Promise<Opened> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, GRAPHQL_WS_PROTOCOL, { headers, handshakeTimeout: timeoutMs });
    const messages: Received[] = [];
    const closed = new Promise<Closed>((done) => ws.once('close', (code, reason) => done({ code, reason: reason.toString(), at: Date.now() })));
    ws.on('message', (data) => {
      try {
        messages.push({ at: Date.now(), message: JSON.parse(String(data)) });
      } catch {
        messages.push({ at: Date.now(), message: { type: 'unparsable' } });
      }
    });
    ws.once('unexpected-response', (_request, response) => {
      resolve({ kind: 'refused', status: response.statusCode ?? 0, retryAfter: header(response.headers['retry-after']) });
      response.resume();
      ws.terminate();
    });
    ws.once('open', () => resolve({ kind: 'open', ws, closed, messages }));
    ws.on('error', (error) => resolve({ kind: 'failed', reason: error.message }));
  });
}

/** The close event, or undefined when the socket stays open past `timeoutMs`. */
export function closedWithin(closed: Promise<Closed>, timeoutMs: number): Promise<Closed | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    closed,
    new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Resolves with the first message `accept` takes, or undefined at close or after `timeoutMs`. */
export async function messageWithin(opened: Extract<Opened, { kind: 'open' }>, accept: (received: Received) => boolean, timeoutMs: number): Promise<Received | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = opened.messages.find(accept);
    if (found) return found;
    if (opened.ws.readyState !== WebSocket.OPEN || Date.now() >= deadline) return undefined;
    // A short poll keeps this free of listeners that would outlive the attack.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sends one text frame of about `bytes` bytes that looks like a subscribe message. */
export function sendHugeFrame(ws: WebSocket, bytes: number): void {
  const head = '{"id":"1","type":"subscribe","payload":{"query":"';
  ws.send(`${head}${'a'.repeat(Math.max(0, bytes - head.length - 3))}"}}`, () => {});
}

/** A GraphQL POST within `timeoutMs`: status, parsed body (or null), Retry-After. */
export async function postGraphQL(url: string, body: unknown, timeoutMs: number, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let json: { data?: Record<string, unknown> | null; errors?: Array<{ message?: string; extensions?: Record<string, unknown> }> } | null = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, json, retryAfter: response.headers.get('retry-after') ?? undefined };
}

/** The `exp` of a JWT in epoch ms, read without verifying (the deployment verifies it). */
export function tokenExpiry(token: string): number | undefined {
  try {
    const exp = (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export function toWebSocketUrl(httpUrl: string): string {
  return httpUrl.replace(/^http/, 'ws');
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
