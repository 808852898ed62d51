import { describe, expect, it } from 'vitest';
import { operationNames } from '../../../client-examples/operations/index.js';
import { KNOWN_OPERATIONS, METRIC_FAMILIES, METRIC_NAMES, createServiceMetrics, operationLabel, requestOutcome } from '../src/metrics/index.js';

describe('the metric catalog', () => {
  it('names every family once, in Prometheus conventions: snake case, counters in _total, durations in _seconds', () => {
    expect(new Set(METRIC_NAMES).size).toBe(METRIC_NAMES.length);
    for (const family of METRIC_FAMILIES) {
      expect(family.name, family.name).toMatch(/^[a-z][a-z0-9_]*[a-z0-9]$/);
      expect(family.name.endsWith('_total'), family.name).toBe(family.type === 'counter');
      // Base units: seconds, never milliseconds.
      expect(family.name, family.name).not.toMatch(/_(ms|milliseconds|minutes)(_|$)/);
      for (const label of family.labels) expect(label, family.name).toMatch(/^[a-z][a-z_]*$/);
    }
  });

  it('keeps the operation safelist equal to the client operations in client-examples/operations', () => {
    expect([...KNOWN_OPERATIONS].sort()).toEqual(operationNames());
  });

  it('registers exactly the subgraph families it lists, and inventory and order families only where asked', async () => {
    const typesOf = async (metrics: ReturnType<typeof createServiceMetrics>) =>
      new Set((await metrics.registry!.getMetricsAsJSON()).map((metric) => metric.name).filter((name) => METRIC_NAMES.includes(name as never)));
    // The gauges read when scraped are registered by watch(); the families recorded as they happen are there from the start.
    const plain = await typesOf(createServiceMetrics());
    const inventory = await typesOf(createServiceMetrics(['inventory']));
    expect(plain.has('graphql_request_duration_seconds')).toBe(true);
    expect(plain.has('event_consumer_batch_size')).toBe(true);
    expect(plain.has('inventory_reservation_outcomes_total')).toBe(false);
    expect(inventory.has('inventory_reservation_outcomes_total')).toBe(true);
    expect(inventory.has('order_place_order_wait_seconds')).toBe(false);
  });
});

describe('bounded labels', () => {
  it('keeps the names of client operations and counts any other name as "other"', () => {
    expect(operationLabel('PlaceOrder')).toBe('PlaceOrder');
    expect(operationLabel('Whatever1234')).toBe('other');
    expect(operationLabel('placeorder')).toBe('other');
    expect(operationLabel(null)).toBe('anonymous');
    expect(operationLabel('')).toBe('anonymous');
  });

  it("counts a subgraph's part of a plan under the client's operation", () => {
    expect(operationLabel('PlaceOrder__order__0')).toBe('PlaceOrder');
    expect(operationLabel('MyCart__inventory__12')).toBe('MyCart');
    expect(operationLabel('Sneaky__order__0')).toBe('other');
    expect(operationLabel('PlaceOrder__order__x')).toBe('other');
  });

  it("tells the caller's mistakes (refused) from the service's failures (error)", () => {
    expect(requestOutcome(undefined)).toBe('ok');
    expect(requestOutcome([])).toBe('ok');
    expect(requestOutcome(['BAD_USER_INPUT', 'FORBIDDEN'])).toBe('refused');
    expect(requestOutcome(['GRAPHQL_VALIDATION_FAILED'], 400)).toBe('refused');
    expect(requestOutcome(['BAD_USER_INPUT', 'SUBGRAPH_TIMEOUT'])).toBe('error');
    expect(requestOutcome(['INTERNAL_SERVER_ERROR'])).toBe('error');
    expect(requestOutcome(undefined, 503)).toBe('error');
    expect(requestOutcome(undefined, 413)).toBe('refused');
  });
});
