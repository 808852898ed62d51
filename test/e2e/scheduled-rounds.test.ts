import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSampleData } from '../../scripts/seed.js';
import { SAMPLE_MANUFACTURERS } from '../../scripts/sample-data.js';
import { roundSettings, DEMO_ROUND_PERIOD, DEMO_ROUND_SCHEDULE } from '../../scripts/round-settings.js';
import { startTestNetwork, eventually, type TestNetwork } from './network.js';
import { placeOrder, registerCustomer, type Customer } from './scenario.js';

describe("npm start's round settings", () => {
  it('run monthly unless a demo is asked for, and let ROUND_PERIOD and ROUND_SCHEDULE win', () => {
    expect(roundSettings([], {})).toMatchObject({ demo: false, roundPeriod: undefined, roundSchedule: 'monthly' });
    expect(roundSettings(['--demo-rounds'], {})).toMatchObject({ demo: true, roundPeriod: DEMO_ROUND_PERIOD, roundSchedule: DEMO_ROUND_SCHEDULE });
    expect(roundSettings([], { DEMO_ROUNDS: 'true' })).toMatchObject({ demo: true, roundSchedule: DEMO_ROUND_SCHEDULE });
    expect(roundSettings(['--demo-rounds'], { ROUND_PERIOD: 'PT5S', ROUND_SCHEDULE: 'PT9S' })).toMatchObject({ roundPeriod: 'PT5S', roundSchedule: 'PT9S' });
    expect(roundSettings([], { ROUND_SCHEDULE: 'manual' }).description).toMatch(/opened by hand/);
  });
});

describe('a stack started with a demo schedule', () => {
  let net: TestNetwork;
  // Each round sells for a second; one opens every two seconds once the last is settled.
  beforeAll(async () => {
    net = await startTestNetwork({ roundPeriod: 'PT1S', roundSchedule: 'PT2S' });
  });
  afterAll(async () => net?.close());

  it('runs round after round with no operator action, each closed, settled and booked exactly once', async () => {
    // What npm start does on a first start: the sample data, and round 1.
    const seeded = await seedSampleData(net.gatewayUrl, net.signToken);
    expect(seeded.roundOpened).toBe(1);
    const products = await net.sql<{ id: string; sku: string; supply: number }>('SELECT id, sku, supply FROM manufacturer.product');
    const flour = products.find((p) => p.sku === 'NW-FLOUR-1KG')!;
    const eggs = products.find((p) => p.sku === 'SF-EGGS-10')!;
    const customer: Customer = await registerCustomer(net, 'rounds');

    // From here on only customers act: one order whenever a round is open, until round 4 opens.
    const confirmed = new Map<number, string[]>();
    await eventually(
      async () => {
        const round = (await net.as()('{ currentRound { number status } }')).data?.currentRound;
        if (round?.number >= 4) return true;
        if (round?.status === 'OPEN' && !confirmed.has(round.number)) {
          const placed = (
            await placeOrder(net, customer, [
              { productId: flour.id, quantity: 2 },
              { productId: eggs.id, quantity: 1 },
            ])
          ).data?.placeOrder;
          // The round may end between the read and the order: then there is nothing to reserve in.
          if (placed?.__typename === 'Order' && placed.roundNumber != null) confirmed.set(placed.roundNumber, [...(confirmed.get(placed.roundNumber) ?? []), placed.id]);
        }
        return false;
      },
      { timeoutMs: 40_000, intervalMs: 50 },
    );
    expect([...confirmed.keys()].filter((n) => n <= 3).length).toBeGreaterThanOrEqual(1);

    const rounds = await net.sql<{ number: number; status: string; close_reason: string }>(
      'SELECT number, status, close_reason FROM inventory.distribution_round WHERE number <= 3 ORDER BY number',
    );
    expect(rounds).toEqual([1, 2, 3].map((number) => ({ number, status: 'SETTLED', close_reason: 'PERIOD_ENDED' })));
    // Each round opened, closed and settled once on the bus.
    const announced = await net.sql<{ type: string; round: number; times: number }>(
      `SELECT type, (payload->>'roundNumber')::int AS round, count(*)::int AS times FROM bus.events
       WHERE type IN ('RoundOpened', 'RoundClosed', 'RoundSettled') AND (payload->>'roundNumber')::int <= 3 GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(announced).toEqual(['RoundClosed', 'RoundOpened', 'RoundSettled'].flatMap((type) => [1, 2, 3].map((round) => ({ type, round, times: 1 }))));

    // Every manufacturer that sold in a round booked it once, exactly what its orders bought.
    const settlements = await net.sql<{ round_number: number; sku: string; units: number; bookings: number }>(
      `SELECT s.round_number, p.sku, sum(l.units_sold)::int AS units, count(DISTINCT s.id)::int AS bookings
       FROM manufacturer.settlement s JOIN manufacturer.settlement_line l ON l.settlement_id = s.id JOIN manufacturer.product p ON p.id = l.product_id
       WHERE s.round_number <= 3 GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    const expected = [...confirmed]
      .filter(([n]) => n <= 3)
      .sort(([a], [b]) => a - b)
      .flatMap(([round, orders]) => [
        { round_number: round, sku: 'NW-FLOUR-1KG', units: 2 * orders.length, bookings: 1 },
        { round_number: round, sku: 'SF-EGGS-10', units: orders.length, bookings: 1 },
      ]);
    expect(settlements).toEqual(expected);
    const soldFlour = expected.filter((e) => e.sku === 'NW-FLOUR-1KG').reduce((n, e) => n + e.units, 0);
    const initialFlour = SAMPLE_MANUFACTURERS.flatMap((m) => m.products).find((p) => p.sku === 'NW-FLOUR-1KG')!.supply;
    expect((await net.sql('SELECT supply FROM manufacturer.product WHERE id = $1', [flour.id]))[0].supply).toBe(initialFlour - soldFlour);

    // The customer's orders of those rounds were fulfilled.
    const ordered = [...confirmed].filter(([n]) => n <= 3).flatMap(([, ids]) => ids);
    const statuses = await net.sql<{ status: string }>('SELECT DISTINCT status FROM orders.customer_order WHERE id = ANY($1::uuid[])', [ordered]);
    expect(statuses).toEqual([{ status: 'FULFILLED' }]);
  });
});
