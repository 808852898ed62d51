/**
 * The plain clients the authorization attacks use: one GraphQL POST, and the first answer to one
 * graphql-transport-ws subscription. Every wait is bounded; nothing throws (a failure is an answer).
 */
import { WebSocket } from 'ws';
import type { ProbeTarget } from './attack.js';

export const HTTP_TIMEOUT_MS = 10_000;
export const LIVE_TIMEOUT_MS = 5_000;

export interface GraphQLError {
  message: string;
  extensions?: { code?: string };
}

export interface HttpAnswer {
  status: number;
  data?: any;
  errors?: GraphQLError[];
}

/** Sends one GraphQL request over HTTP as the bearer of `token` (anonymous without). */
export async function postGraphQL(target: ProbeTarget, token: string | undefined, query: string, variables: Record<string, unknown> = {}): Promise<HttpAnswer> {
  try {
    const response = await fetch(target.httpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    const text = await response.text();
    try {
      const body = JSON.parse(text) as { data?: unknown; errors?: GraphQLError[] };
      return { status: response.status, data: body.data ?? undefined, errors: body.errors };
    } catch {
      return { status: response.status, errors: [{ message: `not JSON: ${text.slice(0, 80)}` }] };
    }
  } catch (error) {
    return { status: 0, errors: [{ message: `no answer: ${(error as Error).message}` }] };
  }
}

export type LiveAnswer =
  | { kind: 'next'; data?: any; errors?: GraphQLError[] }
  | { kind: 'error'; errors: GraphQLError[] }
  | { kind: 'complete' }
  | { kind: 'closed'; code: number; reason: string }
  | { kind: 'timeout' };

/** Subscribes once over graphql-ws as the bearer of `token` and returns the first answer (an event, a refusal, a close, or none in time). */
export function firstLiveAnswer(
  target: ProbeTarget,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
  timeoutMs = LIVE_TIMEOUT_MS,
): Promise<LiveAnswer> {
  return new Promise((resolve) => {
    let settled = false;
    const socket = new WebSocket(target.wsUrl, 'graphql-transport-ws');
    const finish = (answer: LiveAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Leave cleanly: a subscription still running is completed first.
      if (answer.kind === 'next' && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ id: '1', type: 'complete' }));
      socket.close(1000);
      resolve(answer);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: token ? { authorization: `Bearer ${token}` } : {} })));
    socket.on('message', (raw) => {
      let message: { type?: string; id?: string; payload?: any };
      try {
        message = JSON.parse(String(raw));
      } catch {
        return;
      }
      if (message.type === 'connection_ack') socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
      else if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
      else if (message.id === '1' && message.type === 'next') finish({ kind: 'next', data: message.payload?.data, errors: message.payload?.errors });
      else if (message.id === '1' && message.type === 'error') finish({ kind: 'error', errors: Array.isArray(message.payload) ? message.payload : [] });
      else if (message.id === '1' && message.type === 'complete') finish({ kind: 'complete' });
    });
    socket.on('close', (code, reason) => finish({ kind: 'closed', code, reason: String(reason) }));
    socket.on('error', (error) => finish({ kind: 'closed', code: 0, reason: error.message }));
  });
}

/** The error codes of an answer, in order. */
export const codesOf = (errors: readonly GraphQLError[] | undefined): string[] => (errors ?? []).map((e) => String(e.extensions?.code ?? 'no code'));

/** The subject (`sub`) a JWT names, read without verifying it (the deployment verifies it). */
export function subjectOf(token: string | undefined): string | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const sub = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')).sub;
    return typeof sub === 'string' ? sub.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/** One line on a live answer, for `observed`. */
export function describeLive(answer: LiveAnswer): string {
  switch (answer.kind) {
    case 'next':
      return answer.errors?.length ? `an event with errors ${codesOf(answer.errors).join(', ')}` : 'an event';
    case 'error':
      return `refused: ${codesOf(answer.errors).join(', ') || 'no code'}`;
    case 'complete':
      return 'completed without a word';
    case 'closed':
      return `connection closed (${answer.code}${answer.reason ? ` ${answer.reason.slice(0, 60)}` : ''})`;
    case 'timeout':
      return 'nothing within the time allowed';
  }
}

/** One line on an HTTP answer, for `observed`. */
export function describeHttp(answer: HttpAnswer): string {
  const codes = codesOf(answer.errors);
  return `HTTP ${answer.status}${codes.length ? `, ${codes.join(', ')}` : ', no error'}`;
}
