/** Translates between node:http and Apollo Server's framework-neutral executeHTTPGraphQLRequest. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphQLFormattedError } from 'graphql';
import { HeaderMap, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';

/** GraphQL documents are small; anything this large is a mistake or an attack. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** A request the adapter refuses before Apollo sees it (body too large, malformed JSON). */
export class BadHttpRequest extends Error {
  constructor(
    public readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BadHttpRequest(413, `The request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function isJson(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' || (type?.endsWith('+json') ?? false);
}

/**
 * The parsed body of a request, read once for both the fast path and Apollo. Only JSON bodies are
 * parsed: Apollo answers any other POST with a 400 (after CSRF prevention has had its say), so there
 * is nothing to gain from more. GET and HEAD have no body.
 */
export async function readRequestBody(req: IncomingMessage, method: string): Promise<unknown> {
  if (method === 'GET' || method === 'HEAD') return undefined;
  const text = await readBody(req);
  if (text.length === 0 || !isJson(req.headers['content-type'])) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new BadHttpRequest(400, 'The request body is not valid JSON');
  }
}

/** Builds Apollo's request from node's, with the body already read (readRequestBody). */
export function toHTTPGraphQLRequest(req: IncomingMessage, url: URL, method: string, body: unknown): HTTPGraphQLRequest {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    // Joined like the Fetch API's Headers does; node already lower-cases the names.
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return { method, headers, search: url.search, body };
}

/** Writes Apollo's response, streaming chunked bodies (incremental delivery) as they come. */
export async function writeHTTPGraphQLResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  const iterator = response.body.asyncIterator;
  // If the client goes away mid-stream, stop producing chunks for nobody.
  const onClose = () => void iterator.return?.();
  res.once('close', onClose);
  try {
    for await (const chunk of iterator) {
      if (res.destroyed) break;
      res.write(chunk);
    }
  } finally {
    res.off('close', onClose);
    res.end();
  }
}

/** A GraphQL-shaped error body for requests refused before Apollo ran. */
export function writeError(res: ServerResponse, status: number, message: string, code = 'BAD_REQUEST'): void {
  writeErrors(res, status, [{ message, extensions: { code } }]);
}

/** Errors, already shaped for clients, as the whole response. */
export function writeErrors(res: ServerResponse, status: number, errors: readonly GraphQLFormattedError[]): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ errors }));
}
