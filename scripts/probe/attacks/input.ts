/**
 * Probe attacks on input hygiene: texts a client should never get past the API's first wall (NUL
 * bytes, other control characters, malformed Unicode, megabyte strings, an over-long email). A safe
 * deployment refuses each with BAD_USER_INPUT, and no message it sends carries database text.
 */
import { WebSocket } from 'ws';
import type { Attack, AttackResult, ProbeTarget } from '../attack.js';

/** Every wait of an attack ends by then. */
const WAIT_MS = 10_000;
/** What a database's or driver's own message looks like; none may reach a client. */
const DATABASE_TEXT = /invalid byte sequence|encoding "?UTF8|QueryFailedError|duplicate key|violates .* constraint|relation "|column "|syntax error at|postgres|pg_|SQLSTATE/i;

interface GraphQLAnswer {
  status: number;
  errors: Array<{ message?: string; extensions?: { code?: string; rule?: string } }>;
  data?: unknown;
  ms: number;
}

async function post(target: ProbeTarget, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphQLAnswer> {
  const started = Date.now();
  const res = await fetch(target.httpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(WAIT_MS),
  });
  const text = await res.text();
  let body: { errors?: GraphQLAnswer['errors']; data?: unknown } = {};
  try {
    body = JSON.parse(text);
  } catch {
    body = { errors: [{ message: text.slice(0, 200) }] };
  }
  return { status: res.status, errors: body.errors ?? [], data: body.data, ms: Date.now() - started };
}

/** Safe: refused with BAD_USER_INPUT, nothing done, and no database text anywhere in the answer. */
function judge(answer: GraphQLAnswer, { tooLargeIsFine = false } = {}): AttackResult {
  const codes = answer.errors.map((error) => error.extensions?.code ?? 'none');
  const leaked = answer.errors.some((error) => DATABASE_TEXT.test(error.message ?? ''));
  const rule = answer.errors[0]?.extensions?.rule;
  const observed = `${answer.status} ${codes.join(',') || 'no error'}${rule ? ` (${rule})` : ''}${leaked ? ', database text in the message' : ''}, ${answer.ms} ms`;
  const refused = codes.includes('BAD_USER_INPUT') || (tooLargeIsFine && answer.status === 413);
  // The rate limit on account mutations answered first (an earlier run used this address's quota):
  // safe, but the input rule was not reached, so it says nothing about it.
  if (!refused && codes.length === 1 && codes[0] === 'RATE_LIMITED' && !leaked) {
    return { passed: true, skipped: true, observed: `${observed}: rate-limited before the input rule; run again after the window` };
  }
  return { passed: refused && !leaked && !hasData(answer.data), observed };
}

/** Whether the operation did anything (a refused one has no data, or only nulls). */
function hasData(data: unknown): boolean {
  if (data === null || data === undefined) return false;
  return Object.values(data as Record<string, unknown>).some((value) => value !== null);
}

/** A graphql-transport-ws subscription: the first message about it (error, next or complete), within WAIT_MS. */
function subscribeOnce(target: ProbeTarget, query: string, variables: Record<string, unknown>): Promise<GraphQLAnswer> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = new WebSocket(target.wsUrl, 'graphql-transport-ws', { handshakeTimeout: WAIT_MS });
    const finish = (answer: Omit<GraphQLAnswer, 'ms'>) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.close();
      resolve({ ...answer, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish({ status: 0, errors: [{ message: `no answer within ${WAIT_MS} ms` }] }), WAIT_MS);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as { type: string; id?: string; payload?: any };
      if (message.type === 'connection_ack') socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
      else if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
      else if (message.type === 'error') finish({ status: 101, errors: message.payload ?? [] });
      else if (message.type === 'next') finish({ status: 101, errors: message.payload?.errors ?? [], data: message.payload?.data });
      else if (message.type === 'complete') finish({ status: 101, errors: [] });
    });
    socket.on('close', (code) => finish({ status: 0, errors: [{ message: `socket closed (${code})` }] }));
    socket.on('error', (error) => finish({ status: 0, errors: [{ message: error.message }] }));
  });
}

const REGISTER = 'mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token customer { id } } }';
const SEARCH = 'query($s: String) { products(filter: { search: $s }, first: 5) { edges { node { id } } } }';
const OFFERS = 'query($c: String!) { offers(category: $c) { id } }';
const PLACE_ORDER = `mutation($input: PlaceOrderInput!) {
  placeOrder(input: $input) { __typename ... on Order { id } }
}`;
const unique = () => Math.random().toString(36).slice(2, 10);
const REFUSED = 'BAD_USER_INPUT, nothing written, no database text';

/** A well-formed order line: only the idempotency key is wrong. */
const ORDER_LINE = { productId: '00000000-0000-4000-8000-000000000000', quantity: 1 };

export const attacks: Attack[] = [
  {
    name: 'NUL byte in registerCustomer name',
    expected: REFUSED,
    run: async (target) => judge(await post(target, REGISTER, { i: { name: 'Mallory\u0000', email: `nul-${unique()}@example.com`, password: 'a long enough password' } })),
  },
  {
    name: 'NUL byte in placeOrder idempotencyKey',
    expected: REFUSED,
    run: async (target) => {
      if (!target.tokens.customer) return { passed: false, skipped: true, observed: 'needs a customer token' };
      return judge(await post(target, PLACE_ORDER, { input: { lines: [ORDER_LINE], idempotencyKey: `key-${unique()}\u0000` } }, target.tokens.customer));
    },
  },
  {
    name: 'NUL byte in products(filter: {search})',
    expected: REFUSED,
    run: async (target) => judge(await post(target, SEARCH, { s: 'coffee\u0000' })),
  },
  {
    name: 'NUL byte in offers(category)',
    expected: REFUSED,
    run: async (target) => judge(await post(target, OFFERS, { c: 'coffee\u0000' })),
  },
  {
    name: 'NUL byte written inline in the query text',
    expected: REFUSED,
    run: async (target) => judge(await post(target, '{ offers(category: "coffee\\u0000") { id } }')),
  },
  {
    name: 'NUL byte in a subscription argument (graphql-ws)',
    expected: REFUSED,
    run: async (target) => judge(await subscribeOnce(target, 'subscription($c: String) { availabilityChanged(category: $c) { available } }', { c: 'coffee\u0000' })),
  },
  {
    name: 'control characters (ESC, newline, DEL) in a customer name',
    expected: REFUSED,
    run: async (target) => {
      const names = ['Mallory\u001B[31m', 'Mallory\nAdmin', 'Mallory\u007F', 'Mallory\u0085'];
      const answers = await Promise.all(names.map((name) => post(target, REGISTER, { i: { name, email: `ctl-${unique()}@example.com`, password: 'a long enough password' } })));
      const judged = answers.map((answer) => judge(answer));
      return { passed: judged.every((result) => result.passed), observed: judged.map((result) => result.observed).join('; ') };
    },
  },
  {
    name: 'lone surrogate (malformed Unicode) in a search term',
    expected: REFUSED,
    run: async (target) => judge(await post(target, SEARCH, { s: 'coffee\uD800' })),
  },
  {
    name: '1 MB string argument',
    expected: 'BAD_USER_INPUT (or 413 for the body), no database text',
    run: async (target) => judge(await post(target, SEARCH, { s: 'x'.repeat(1024 * 1024) }), { tooLargeIsFine: true }),
  },
  {
    name: 'over-long email in registerCustomer',
    expected: REFUSED,
    run: async (target) =>
      judge(await post(target, REGISTER, { i: { name: 'Long Email', email: `${'a'.repeat(300)}-${unique()}@example.com`, password: 'a long enough password' } })),
  },
];
