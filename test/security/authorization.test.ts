/**
 * The authorization attacks of the security probe (scripts/probe/attacks/authorization.ts), run
 * against the whole network: each must pass, none may be skipped, and none may change the orders,
 * the rounds or the settlements it went for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attacks } from '../../scripts/probe/attacks/authorization.js';
import type { ProbeTarget } from '../../scripts/probe/attack.js';
import { startTestNetwork } from '../e2e/network.js';
import { buildWorld, type World } from '../e2e/authorization-world.js';

describe('authorization attacks of the probe', () => {
  let world: World;
  let target: ProbeTarget;

  beforeAll(async () => {
    world = await buildWorld(await startTestNetwork({ placeOrderWaitMs: 10_000 }));
    const { net, tokens } = world;
    target = {
      httpUrl: net.gatewayUrl,
      wsUrl: net.gatewayUrl.replace(/^http/, 'ws'),
      // B attacks A's orders; X attacks Y's settlements and notices.
      tokens: { customer: tokens.customerB, manufacturer: tokens.manufacturerX, operator: tokens.operator },
      subgraphUrls: Object.fromEntries(Object.entries(net.services).map(([name, service]) => [name, service.url])),
    };
  }, 120_000);
  afterAll(async () => world?.net.close());

  /** What the attacks could try to change. */
  const state = async () => ({
    orders: await world.net.sql('SELECT id, status, cancellation_requested FROM orders.customer_order ORDER BY id'),
    rounds: await world.net.sql('SELECT number, status, closed_at FROM inventory.distribution_round ORDER BY number'),
    settlements: await world.net.sql('SELECT count(*)::int AS n FROM manufacturer.settlement'),
  });

  it('has attacks to run', () => {
    expect(attacks.length).toBeGreaterThan(10);
  });

  for (const attack of attacks) {
    it(`${attack.name}: ${attack.expected}`, async () => {
      const before = await state();
      const result = await attack.run(target);
      expect(result.skipped, result.observed).toBeFalsy();
      expect(result.passed, result.observed).toBe(true);
      expect(await state()).toEqual(before);
    });
  }

  it("a manufacturer's roundChanged, once the round closed, holds its own sales lines and no other's", async () => {
    const attack = attacks.find((a) => a.name.startsWith("a manufacturer's roundChanged"))!;
    // The open round has no lines to filter; once closed, X's and Y's goods both sold in it.
    expect((await world.http('operator')('mutation { closeRound { status } }')).errors).toBeUndefined();
    const result = await attack.run(target);
    expect(result.passed, result.observed).toBe(true);
    expect(result.observed).toMatch(/: [1-9]\d* own lines, 0 of others$/);
  });
});
