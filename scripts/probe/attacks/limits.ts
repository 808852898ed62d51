/**
 * Attacks on the operation limits (gateway/src/limits): documents that nest, alias, repeat or
 * multiply until one request would cost the gateway and the subgraphs seconds. A safe deployment
 * refuses each with OPERATION_LIMIT_EXCEEDED before it runs, over HTTP and over graphql-ws alike,
 * and never spells out schema names in "Did you mean" hints.
 */
import { WebSocket } from 'ws';
import { looksLikeProduction } from '../target-mode.js';
import type { Attack, AttackResult, ProbeTarget } from '../attack.js';

/** Every wait of these attacks ends by then. */
const TIMEOUT_MS = 15_000;
const LIMIT_CODE = 'OPERATION_LIMIT_EXCEEDED';
const SUGGESTION = /Did you mean/;

interface GraphQLErrorBody {
  message?: string;
  extensions?: { code?: string; limit?: string; max?: number; actual?: number };
}
interface GraphQLBody {
  data?: unknown;
  errors?: GraphQLErrorBody[];
}
interface HttpAnswer {
  status: number;
  body: GraphQLBody | undefined;
  ms: number;
}

async function post(target: ProbeTarget, query: string, variables?: Record<string, unknown>): Promise<HttpAnswer> {
  const started = performance.now();
  const res = await fetch(target.httpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  let body: GraphQLBody | undefined;
  try {
    body = JSON.parse(text) as GraphQLBody;
  } catch {
    body = undefined;
  }
  return { status: res.status, body, ms: Math.round(performance.now() - started) };
}

/** "OPERATION_LIMIT_EXCEEDED (depth 25 > 15)", or the first error's code, or what came instead. */
function firstError(errors: GraphQLErrorBody[] | undefined): string {
  const error = errors?.[0];
  if (!error) return 'no error';
  const { code, limit, max, actual } = error.extensions ?? {};
  return limit ? `${code} (${limit} ${actual ?? '?'} > ${max})` : `${code ?? 'no code'}: ${String(error.message).slice(0, 80)}`;
}

function describeHttp({ status, body, ms }: HttpAnswer): string {
  if (!body) return `HTTP ${status}, not JSON, ${ms} ms`;
  return `HTTP ${status}, ${body.data != null ? 'data and ' : ''}${firstError(body.errors)}, ${ms} ms`;
}

/** Refused before it ran: no data, a limit error, not a server failure. */
function refusedOverHttp(answer: HttpAnswer): AttackResult {
  const passed = answer.status < 500 && answer.body !== undefined && answer.body.data == null && (answer.body.errors ?? []).some((error) => error.extensions?.code === LIMIT_CODE);
  return { passed, observed: describeHttp(answer) };
}

type WsAnswer = { kind: 'next' | 'error' | 'complete' | 'closed' | 'timeout'; payload?: unknown; detail?: string; ms: number };

/** Subscribes once over graphql-transport-ws and reports the first answer to it (or the close, or the timeout). */
function subscribeOnce(target: ProbeTarget, query: string): Promise<WsAnswer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const ws = new WebSocket(target.wsUrl, 'graphql-transport-ws');
    const done = (answer: Omit<WsAnswer, 'ms'>) => {
      clearTimeout(timer);
      resolve({ ...answer, ms: Math.round(performance.now() - started) });
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
    };
    const timer = setTimeout(() => done({ kind: 'timeout' }), TIMEOUT_MS);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    ws.on('message', (data) => {
      let message: { type?: string; id?: string; payload?: unknown };
      try {
        message = JSON.parse(String(data)) as typeof message;
      } catch {
        return done({ kind: 'closed', detail: 'a message that is not JSON' });
      }
      if (message.type === 'connection_ack') ws.send(JSON.stringify({ id: 'probe', type: 'subscribe', payload: { query } }));
      else if (message.id === 'probe' && (message.type === 'next' || message.type === 'error' || message.type === 'complete'))
        done({ kind: message.type, payload: message.payload });
    });
    ws.on('close', (code, reason) => done({ kind: 'closed', detail: `close ${code} ${reason.toString()}` }));
    ws.on('error', (error) => done({ kind: 'closed', detail: error.message }));
  });
}

function describeWs(answer: WsAnswer): string {
  const errors = answer.kind === 'error' ? (answer.payload as GraphQLErrorBody[]) : undefined;
  return `${answer.kind}${errors ? `, ${firstError(errors)}` : answer.detail ? `, ${answer.detail}` : ''}, ${answer.ms} ms`;
}

function refusedOverWs(answer: WsAnswer): AttackResult {
  const passed = answer.kind === 'error' && Array.isArray(answer.payload) && (answer.payload as GraphQLErrorBody[]).some((e) => e.extensions?.code === LIMIT_CODE);
  return { passed, observed: describeWs(answer) };
}

// The documents. `products → manufacturer → products` is what the catalog allows to nest.

/** `levels` of products(first) → edges → node → manufacturer, ending in a product's name. */
function nestedProducts(levels: number, first: number | string): string {
  let selection = 'name';
  for (let level = 0; level < levels; level++) {
    const inner = level === 0 ? selection : `name manufacturer { ${selection} }`;
    selection = `products(first: ${first}) { edges { node { ${inner} } } }`;
  }
  return selection;
}

/** A selection exactly `depth` fields deep from a Product, through manufacturer → products → edges → node. */
function deepFromProduct(depth: number): string {
  const cycle = ['manufacturer', 'products(first: 1)', 'edges', 'node'];
  const fields: string[] = [];
  while (fields.length < depth - 1) fields.push(cycle[fields.length % cycle.length]!);
  return fields.reduceRight((inner, field) => `${field} { ${inner} }`, '__typename');
}

const deepNesting = `{ ${nestedProducts(6, 20)} }`;
const fiftyTwoLevels = `{ product(id: "probe") { ${deepFromProduct(51)} } }`;
/** Three levels of 100: a few hundred bytes, 12 fields deep, a million products if it ran. */
const amplified = (first: number | string) => `{ ${nestedProducts(3, first)} }`;
const amplifiedByVariables = `query Amplified($n: Int) ${amplified('$n')}`;
const thousandAliases = `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: products(first: 20) { edges { node { id name stock { available status } } } }`).join(' ')} }`;
const hugeDocument = `{ __typename }\n#${'x'.repeat(1024 * 1024)}`;
/** ~5,000 tokens in ~10 kB: a list literal of single digits. */
const manyTokens = `query Tokens($v: [Int] = [${'0 '.repeat(5000)}]) { __typename }`;
const manyDirectives = `{ ${'categories @skip(if: false) '.repeat(40)}}`;
const aliasedMutations = `mutation { ${Array.from({ length: 60 }, (_, i) => `r${i}: registerCustomer(input: { name: "Probe ${i}", email: "probe-${i}@limits.probe.invalid", password: "probe password ${i}" }) { customer { id } }`).join(' ')} }`;
/** 20 fragments, each spreading the next twice: a million selections in under 1 kB. */
const fragmentBomb = `{ ...F0 } ${Array.from({ length: 20 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(' ')} fragment F20 on Query { categories }`;
const deepSubscription = `subscription { availabilityChanged { product { ${deepFromProduct(50)} } } }`;
const costlySubscription = `subscription { availabilityChanged { product { manufacturer { ${nestedProducts(3, 100)} } } } }`;

/** An attack refused over HTTP as soon as the deployment reads it. */
function httpAttack(name: string, query: string, variables?: Record<string, unknown>): Attack {
  return {
    name,
    expected: `refused with ${LIMIT_CODE}, no data`,
    run: async (target) => refusedOverHttp(await post(target, query, variables)),
  };
}

/** A deployment that does not answer in time, or drops the connection, has not refused the attack: a failure, reported. */
function answered(attack: Attack): Attack {
  return {
    ...attack,
    async run(target) {
      try {
        return await attack.run(target);
      } catch (error) {
        const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : `no answer: ${(error as Error).message}`;
        return { passed: false, observed: reason };
      }
    },
  };
}

export const attacks: Attack[] = (
  [
    httpAttack('nesting products → manufacturer → products 6 levels deep', deepNesting),
    httpAttack('a query 52 levels deep', fiftyTwoLevels),
    httpAttack('1,000 aliases of products(first: 20) with stock', thousandAliases),
    httpAttack('a 1 MiB document', hugeDocument),
    httpAttack('5,000 tokens in 10 kB', manyTokens),
    httpAttack('40 directives', manyDirectives),
    httpAttack('cost amplification: 3 levels of products(first: 100), 12 fields deep', amplified(100)),
    httpAttack('60 aliased registerCustomer mutations in one request', aliasedMutations),
    httpAttack('a fragment bomb: 20 fragments spreading the next twice, 2^20 selections in 1 kB', fragmentBomb),
    {
      name: 'a cheap query made costly by its variables (first: $n, 1 then 100)',
      expected: `n: 1 answered; n: 100 refused with ${LIMIT_CODE}`,
      async run(target) {
        const cheap = await post(target, amplifiedByVariables, { n: 1 });
        const costly = await post(target, amplifiedByVariables, { n: 100 });
        const cheapAnswered = cheap.status === 200 && cheap.body?.data != null && !(cheap.body.errors ?? []).some((e) => e.extensions?.code === LIMIT_CODE);
        const refused = refusedOverHttp(costly);
        return { passed: cheapAnswered && refused.passed, observed: `n: 1 → ${describeHttp(cheap)}; n: 100 → ${refused.observed}` };
      },
    },
    {
      name: 'a subscription 52 levels deep over graphql-ws',
      expected: `error message with ${LIMIT_CODE}`,
      run: async (target) => refusedOverWs(await subscribeOnce(target, deepSubscription)),
    },
    {
      name: 'a subscription costing a million products per event over graphql-ws',
      expected: `error message with ${LIMIT_CODE}`,
      run: async (target) => refusedOverWs(await subscribeOnce(target, costlySubscription)),
    },
    {
      name: 'a misspelled field over HTTP: no "Did you mean" hint',
      expected: 'a validation error naming no other field',
      async run(target) {
        // Development gateways give hints on purpose (Sandbox users want them).
        const mode = await looksLikeProduction(target);
        if (!mode.production) return { passed: true, skipped: true, observed: `not production: ${mode.why}` };
        const answer = await post(target, '{ prodcts(first: 1) { edges { node { id } } } }');
        const errors = answer.body?.errors ?? [];
        return { passed: errors.length > 0 && !errors.some((e) => SUGGESTION.test(String(e.message))), observed: describeHttp(answer) };
      },
    },
    {
      name: 'a misspelled subscription field over graphql-ws: no "Did you mean" hint',
      expected: 'an error naming no other field',
      async run(target) {
        const mode = await looksLikeProduction(target);
        if (!mode.production) return { passed: true, skipped: true, observed: `not production: ${mode.why}` };
        const answer = await subscribeOnce(target, 'subscription { availabilityChangd { available } }');
        const errors = answer.kind === 'error' ? (answer.payload as GraphQLErrorBody[]) : [];
        return { passed: errors.length > 0 && !errors.some((e) => SUGGESTION.test(String(e.message))), observed: describeWs(answer) };
      },
    },
  ] satisfies Attack[]
).map(answered);
