/**
 * The transport attacks of the security probe (scripts/probe/attacks/transport.ts) against the whole
 * network, with limits turned down so that each shows in a few requests.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNetwork, manufacturerIdentity, type TestNetwork } from '../e2e/network.js';
import type { Attack, ProbeTarget } from '../../scripts/probe/attack.js';
import { transportAttacks } from '../../scripts/probe/attacks/transport.js';

const ACCOUNT_LIMIT = 3;
const attacks = transportAttacks({ burst: 10, aliases: ACCOUNT_LIMIT + 2, connections: 30 });
const named = (prefix: string): Attack => attacks.find((attack) => attack.name.startsWith(prefix))!;

describe('transport attacks', () => {
  let net: TestNetwork;
  let target: ProbeTarget;
  const customers = async () => Number((await net.sql<{ n: string }>("SELECT count(*) AS n FROM account.account WHERE role = 'CUSTOMER'"))[0]!.n);

  beforeAll(async () => {
    net = await startTestNetwork({
      rateLimits: {
        accountPerAddress: { points: ACCOUNT_LIMIT, durationSeconds: 600 },
        accountPerIdentity: { points: ACCOUNT_LIMIT, durationSeconds: 600 },
        connectionsPerAddress: { points: 20, durationSeconds: 600 },
      },
      maxConnectionsPerAddress: 5,
    });
    target = {
      httpUrl: net.gatewayUrl,
      wsUrl: net.gatewayUrl.replace(/^http/, 'ws'),
      tokens: {},
      subgraphUrls: Object.fromEntries(Object.entries(net.services).map(([name, service]) => [name, service.url])),
    };
  });
  afterAll(async () => {
    await net?.close();
  });

  const expectPassed = async (attack: Attack, on: ProbeTarget = target) => {
    const result = await attack.run(on);
    expect(result, `${attack.name}: expected ${attack.expected}`).toMatchObject({ passed: true });
    expect(result.skipped).toBeFalsy();
    return result;
  };

  it('refuses registerCustomer past the per-address limit, aliases included, and creates nothing past it', async () => {
    const before = await customers();
    await expectPassed(named('registerCustomer x'));
    // Refused as a whole: the aliases would have been more than the quota holds.
    expect(await customers()).toBe(before);
    await expectPassed(named('registerCustomer burst'));
    expect((await customers()) - before).toBeLessThanOrEqual(ACCOUNT_LIMIT);
  });

  it('closes a socket sending a 6 MB frame with 1009, at the gateway', async () => {
    expect((await expectPassed(named('6 MB WebSocket frame to the gateway'))).observed).toMatch(/^closed 1009/);
  });

  it('refuses a subgraph WebSocket upgrade without the internal credential, before any frame', async () => {
    const { observed } = await expectPassed(named('6 MB WebSocket frame to a subgraph'));
    expect(observed).toBe('manufacturer: HTTP 403; inventory: HTTP 403; order: HTTP 403; account: HTTP 403');
  });

  it('closes a subscription when its token expires, with nothing delivered after', async () => {
    const token = await net.tokenFor(manufacturerIdentity(randomUUID()), '2s');
    const { observed } = await expectPassed(named('subscription outliving its token'), { ...target, tokens: { manufacturer: token } });
    // Closed by the expiry itself, not refused at connection_init: it was open before the token ran out.
    expect(observed).toMatch(/^closed 4403 "Token expired: connect again with a fresh token" \d+ ms after expiry; 0 events after expiry$/);
  });

  it('refuses WebSocket connections past the per-address cap with HTTP 429', async () => {
    expect((await expectPassed(named('30 WebSocket connections'))).observed).toMatch(/^connection 6: HTTP 429 \(5 open\)$/);
  });
});
