/**
 * What a deployment shows to the world beyond its API: metrics on the public port, pages on other
 * sites calling it from a browser (CORS, cross-site WebSocket hijacking, cross-site POSTs), and
 * introspection in production.
 */
import { WebSocket } from 'ws';
import type { Attack, AttackResult } from '../attack.js';
import { looksLikeProduction } from '../target-mode.js';

/** No deployment lists this origin: `.invalid` never resolves. */
export const FOREIGN_ORIGIN = 'https://attacker.invalid';
const WAIT_MS = 5000;

const withTimeout = (init: RequestInit = {}): RequestInit => ({ ...init, signal: AbortSignal.timeout(WAIT_MS) });

/** A failed exchange in a few words, for `observed`. */
const failure = (error: unknown) => `no answer: ${(error as Error).name === 'TimeoutError' ? `timed out after ${WAIT_MS} ms` : (error as Error).message}`;

/** Whether the answer lets a page on `origin` read it. */
const grantsTo = (res: Response, origin: string) => {
  const allowed = res.headers.get('access-control-allow-origin');
  return allowed === '*' || allowed === origin;
};

export const attacks: Attack[] = [
  {
    name: 'metrics on the public port',
    expected: 'GET /metrics on the API port: 404, no Prometheus text',
    async run(target) {
      const url = new URL('/metrics', target.httpUrl);
      try {
        const res = await fetch(url, withTimeout());
        const body = await res.text();
        const metrics = /^# (HELP|TYPE) /m.test(body);
        return { passed: res.status === 404 && !metrics, observed: `${res.status}${metrics ? ', Prometheus text' : ''}` };
      } catch (error) {
        return { passed: false, observed: failure(error) };
      }
    },
  },
  {
    name: 'CORS preflight from an unlisted origin',
    expected: 'no Access-Control-Allow-Origin for it',
    async run(target) {
      try {
        const res = await fetch(
          target.httpUrl,
          withTimeout({
            method: 'OPTIONS',
            headers: { origin: FOREIGN_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
          }),
        );
        await res.body?.cancel();
        const allowed = res.headers.get('access-control-allow-origin');
        return { passed: !grantsTo(res, FOREIGN_ORIGIN), observed: `${res.status}, allow-origin ${allowed ?? 'absent'}` };
      } catch (error) {
        return { passed: false, observed: failure(error) };
      }
    },
  },
  {
    name: 'cross-site read from an unlisted origin',
    expected: 'the answer carries no Access-Control-Allow-Origin for it',
    async run(target) {
      try {
        const res = await fetch(
          target.httpUrl,
          withTimeout({
            method: 'POST',
            headers: { origin: FOREIGN_ORIGIN, 'content-type': 'application/json' },
            body: JSON.stringify({ query: '{ __typename }' }),
          }),
        );
        await res.body?.cancel();
        const allowed = res.headers.get('access-control-allow-origin');
        return { passed: !grantsTo(res, FOREIGN_ORIGIN), observed: `${res.status}, allow-origin ${allowed ?? 'absent'}` };
      } catch (error) {
        return { passed: false, observed: failure(error) };
      }
    },
  },
  {
    name: 'cross-site form POST of a mutation',
    expected: 'refused before execution (CSRF prevention): 400, no data',
    async run(target) {
      // A page elsewhere may send text/plain without a preflight; it must not run.
      const email = `probe-${Date.now()}@attacker.invalid`;
      try {
        const res = await fetch(
          target.httpUrl,
          withTimeout({
            method: 'POST',
            headers: { origin: FOREIGN_ORIGIN, 'content-type': 'text/plain' },
            body: JSON.stringify({ query: `mutation { registerCustomer(input: { name: "Probe", email: "${email}", password: "probe password" }) { customer { id } } }` }),
          }),
        );
        const text = await res.text();
        const ran = /"registerCustomer"\s*:\s*\{/.test(text);
        return { passed: res.status >= 400 && !ran, observed: `${res.status}${ran ? ', the mutation ran' : ''}` };
      } catch (error) {
        return { passed: false, observed: failure(error) };
      }
    },
  },
  {
    name: 'WebSocket from an unlisted origin (cross-site WebSocket hijacking)',
    expected: 'upgrade refused (403)',
    run: (target) =>
      new Promise<AttackResult>((resolve) => {
        const ws = new WebSocket(target.wsUrl, 'graphql-transport-ws', { origin: FOREIGN_ORIGIN, handshakeTimeout: WAIT_MS });
        const done = (result: AttackResult) => {
          ws.removeAllListeners();
          ws.on('error', () => {});
          ws.terminate();
          resolve(result);
        };
        ws.once('open', () => done({ passed: false, observed: 'upgraded (101): a page anywhere can subscribe' }));
        ws.once('unexpected-response', (_req, res) => {
          res.resume();
          done({ passed: true, observed: `refused (${res.statusCode})` });
        });
        ws.once('error', (error) => done({ passed: false, observed: failure(error) }));
      }),
  },
  {
    name: 'introspection in production',
    expected: 'refused with an error, no schema (skipped on a development gateway)',
    async run(target) {
      try {
        const mode = await looksLikeProduction(target);
        if (!mode.production) return { passed: true, skipped: true, observed: `not production: ${mode.why}` };
        const res = await fetch(
          target.httpUrl,
          withTimeout({
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query: '{ __schema { types { name } } }' }),
          }),
        );
        const body = (await res.json().catch(() => ({}))) as { data?: { __schema?: unknown }; errors?: Array<{ extensions?: { code?: string } }> };
        const code = body.errors?.[0]?.extensions?.code;
        const exposed = Boolean(body.data?.__schema);
        return { passed: !exposed && Boolean(body.errors?.length), observed: `${res.status}, ${exposed ? 'schema served' : `error ${code ?? 'none'}`} (${mode.why})` };
      } catch (error) {
        return { passed: false, observed: failure(error) };
      }
    },
  },
];
