/**
 * Transport attacks: account mutations in bulk, a flood of WebSocket connections from one address,
 * oversized frames (to the gateway, and to a subgraph without the internal credential), and a
 * subscription that outlives its token. The flood and the bursts spend this address's quotas for a
 * while (a minute by default): run these attacks after the others.
 */
import { randomUUID } from 'node:crypto';
import type { Attack, AttackResult } from '../attack.js';
import { closedWithin, messageWithin, openSocket, postGraphQL, sendHugeFrame, tokenExpiry, toWebSocketUrl, type Opened } from '../transport-sockets.js';

export interface TransportAttackOptions {
  /** registerCustomer requests sent one after another; a safe deployment refuses some of them. */
  burst: number;
  /** registerCustomer aliases in one request. */
  aliases: number;
  /** Sockets opened from this address, one after another, until one is refused. */
  connections: number;
  /** A token expiring later than this from now is not waited for (the attack skips). */
  longestExpiryWaitMs: number;
  /** How long after its token's expiry a connection may still be open. */
  expiryGraceMs: number;
}

const WAIT_MS = 10_000;
const FRAME_BYTES = 6 * 1024 * 1024;
const MESSAGE_TOO_BIG = 1009;
const TOKEN_EXPIRED = 4403;

const DEFAULTS: TransportAttackOptions = { burst: 30, aliases: 20, connections: 150, longestExpiryWaitMs: 30_000, expiryGraceMs: 2000 };

const REGISTER = 'mutation ($input: RegisterCustomerInput!) { registerCustomer(input: $input) { customer { id } } }';
const probeEmail = (tag: string) => `probe-${randomUUID().slice(0, 8)}-${tag}@probe.invalid`;
const ok = (observed: string): AttackResult => ({ passed: true, observed });
const failed = (observed: string): AttackResult => ({ passed: false, observed });
const describe = (opened: Opened) =>
  opened.kind === 'refused' ? `upgrade refused with HTTP ${opened.status}` : opened.kind === 'failed' ? `connection failed (${opened.reason})` : 'open';

/** The transport attacks, with their sizes (tests turn them down). */
export function transportAttacks(overrides: Partial<TransportAttackOptions> = {}): Attack[] {
  const o = { ...DEFAULTS, ...overrides };
  return [
    {
      name: `registerCustomer x${o.aliases} aliases in one request`,
      expected: 'RATE_LIMITED (HTTP 429, retryAfterSeconds), no customer created',
      async run({ httpUrl }) {
        const fields = Array.from(
          { length: o.aliases },
          (_, i) => `a${i}: registerCustomer(input: { name: "Probe", email: "${probeEmail(`alias${i}`)}", password: "probe password" }) { customer { id } }`,
        );
        const { status, json } = await postGraphQL(httpUrl, { query: `mutation { ${fields.join(' ')} }` }, WAIT_MS);
        const created = Object.values(json?.data ?? {}).filter(Boolean).length;
        const code = json?.errors?.[0]?.extensions?.code;
        const observed = `HTTP ${status}, ${String(code ?? 'no error')}, ${created} created`;
        return code === 'RATE_LIMITED' && created === 0 && status < 500 ? ok(observed) : failed(observed);
      },
    },
    {
      name: `registerCustomer burst of ${o.burst}`,
      expected: 'RATE_LIMITED (HTTP 429, Retry-After, retryAfterSeconds) before the burst ends',
      async run({ httpUrl }) {
        for (let i = 1; i <= o.burst; i += 1) {
          const { status, json, retryAfter } = await postGraphQL(
            httpUrl,
            { query: REGISTER, variables: { input: { name: 'Probe', email: probeEmail(`burst${i}`), password: 'probe password' } } },
            WAIT_MS,
          );
          if (status >= 500) return failed(`HTTP ${status} at request ${i}`);
          const error = json?.errors?.[0];
          if (error?.extensions?.code !== 'RATE_LIMITED') continue;
          const seconds = error.extensions.retryAfterSeconds;
          const observed = `request ${i}: HTTP ${status}, RATE_LIMITED, retryAfterSeconds ${String(seconds)}, Retry-After ${retryAfter ?? 'absent'}`;
          return typeof seconds === 'number' && seconds > 0 ? ok(observed) : failed(observed);
        }
        return failed(`all ${o.burst} registrations accepted`);
      },
    },
    {
      name: '6 MB WebSocket frame to the gateway',
      expected: `closed with ${MESSAGE_TOO_BIG} (message too big) before the frame is read`,
      async run({ wsUrl }) {
        const opened = await openSocket(wsUrl, WAIT_MS);
        if (opened.kind !== 'open') return failed(describe(opened));
        const sentAt = Date.now();
        sendHugeFrame(opened.ws, FRAME_BYTES);
        const closed = await closedWithin(opened.closed, WAIT_MS);
        if (!closed) {
          opened.ws.terminate();
          return failed(`still open ${WAIT_MS} ms after the frame`);
        }
        const observed = `closed ${closed.code} after ${closed.at - sentAt} ms`;
        return closed.code === MESSAGE_TOO_BIG ? ok(observed) : failed(observed);
      },
    },
    {
      name: '6 MB WebSocket frame to a subgraph without the internal credential',
      expected: 'upgrade refused (HTTP 401/403) before any frame is read',
      async run({ subgraphUrls }) {
        const urls = Object.entries(subgraphUrls ?? {});
        if (urls.length === 0) return { passed: false, skipped: true, observed: 'no subgraph URL given' };
        const seen: string[] = [];
        let passed = true;
        for (const [name, url] of urls) {
          const opened = await openSocket(toWebSocketUrl(url), WAIT_MS);
          if (opened.kind === 'refused' && (opened.status === 401 || opened.status === 403)) {
            seen.push(`${name}: HTTP ${opened.status}`);
            continue;
          }
          passed = false;
          if (opened.kind !== 'open') {
            seen.push(`${name}: ${describe(opened)}`);
            continue;
          }
          sendHugeFrame(opened.ws, FRAME_BYTES);
          const closed = await closedWithin(opened.closed, WAIT_MS);
          opened.ws.terminate();
          seen.push(`${name}: upgrade accepted, then ${closed ? `closed ${closed.code}` : 'still open'}`);
        }
        return { passed, observed: seen.join('; ') };
      },
    },
    {
      name: 'subscription outliving its token',
      expected: `closed with ${TOKEN_EXPIRED} when the token expires; no event after`,
      async run({ wsUrl, tokens }) {
        const candidates = [
          { token: tokens.manufacturer, query: 'subscription { manufacturerNotices { __typename } }' },
          { token: tokens.customer, query: `subscription { orderStatusChanged(orderId: "${randomUUID()}") { id status } }` },
        ];
        const chosen = candidates.find((c) => c.token && (tokenExpiry(c.token) ?? Infinity) - Date.now() <= o.longestExpiryWaitMs);
        if (!chosen) return { passed: false, skipped: true, observed: `needs a manufacturer or customer token expiring within ${o.longestExpiryWaitMs / 1000} s` };
        const expiresAt = tokenExpiry(chosen.token!)!;
        const opened = await openSocket(wsUrl, WAIT_MS);
        if (opened.kind !== 'open') return failed(describe(opened));
        opened.ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${chosen.token}` } }));
        const acked = await messageWithin(opened, (r) => r.message.type === 'connection_ack', WAIT_MS);
        if (acked) opened.ws.send(JSON.stringify({ id: 'private', type: 'subscribe', payload: { query: chosen.query } }));
        const closed = await closedWithin(opened.closed, Math.max(0, expiresAt - Date.now()) + o.expiryGraceMs);
        if (!closed) {
          opened.ws.terminate();
          return failed(`still open ${o.expiryGraceMs} ms after the token expired`);
        }
        const late = opened.messages.filter((r) => r.message.type === 'next' && r.at > expiresAt).length;
        const observed = `closed ${closed.code} "${closed.reason}" ${closed.at - expiresAt} ms after expiry; ${late} events after expiry`;
        return closed.code === TOKEN_EXPIRED && late === 0 ? ok(observed) : failed(observed);
      },
    },
    {
      name: `${o.connections} WebSocket connections from one address`,
      expected: 'refused (HTTP 429, or closed 1013) before all are open',
      async run({ wsUrl }) {
        const open: Array<Extract<Opened, { kind: 'open' }>> = [];
        // The total cap answers after the upgrade, with a close: noticed whenever it arrives.
        let closedEarly: string | undefined;
        try {
          for (let i = 1; i <= o.connections && !closedEarly; i += 1) {
            const opened = await openSocket(wsUrl, WAIT_MS);
            if (opened.kind === 'refused') {
              const observed = `connection ${i}: HTTP ${opened.status}${opened.retryAfter ? `, Retry-After ${opened.retryAfter}` : ''} (${open.length} open)`;
              return opened.status === 429 ? ok(observed) : failed(observed);
            }
            if (opened.kind === 'failed') return failed(`connection ${i}: ${opened.reason}`);
            open.push(opened);
            void opened.closed.then((closed) => {
              closedEarly ??= `connection ${i}: closed ${closed.code}`;
            });
          }
          if (!closedEarly) await Promise.race(open.map((o) => closedWithin(o.closed, 1000)));
          if (closedEarly) return closedEarly.endsWith('1013') ? ok(closedEarly) : failed(closedEarly);
          return failed(`all ${o.connections} connections open`);
        } finally {
          for (const { ws } of open) ws.terminate();
        }
      },
    },
  ];
}

export const attacks: Attack[] = transportAttacks();
