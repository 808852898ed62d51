/**
 * No order waits for ever, and the order book and inventory still agree: an order whose OrderPlaced
 * was parked on purpose is rejected (TIMED_OUT) within the bound, through inventory's decision; orders
 * placed while inventory is down end as inventory decides once it is back. Parked events are listed,
 * retried and discarded through the gateway and `npm run bus`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_DEFAULTS } from '@distribution/config';
import { formatSigningKeys, generateSigningKey } from '@distribution/auth';
import { createLogger } from '@distribution/logging';
import { startInventoryService } from '@distribution/inventory';
import type { RunningService } from '@distribution/server';
import { busCommand } from '../../scripts/bus.js';
import { startTestNetwork, operator, eventually, type TestNetwork } from './network.js';
import { createProduct, openRound, placeOrder, registerCustomer, registerManufacturer, inFlight } from './scenario.js';
import { gatewayLiveClient } from './live-client.js';
import { parkOnPurpose } from './bus-world.js';

/** ORDER_RESOLUTION_TIMEOUT_MS of this network. */
const TIMEOUT_MS = 1500;
/** The network's token key, which npm run bus is given too. */
const signingKey = await generateSigningKey();
/** Every order leaves PENDING well within this (the timeout, a parking's retries, a batch). */
const BOUND_MS = 20_000;

describe('orders that inventory cannot answer in time', () => {
  let net: TestNetwork;
  let maker: string;
  beforeAll(async () => {
    net = await startTestNetwork({ orderResolutionTimeoutMs: TIMEOUT_MS, placeOrderWaitMs: 500, signingKeys: [signingKey] });
    maker = await registerManufacturer(net);
  });
  afterAll(async () => net?.close());

  /** Confirmed order lines and inventory's reserved units, per product: they must be equal. */
  async function bookAndStock() {
    const confirmed = await net.sql<{ product_id: string; units: number }>(
      `SELECT l.product_id, sum(l.quantity)::int AS units FROM orders.order_line l JOIN orders.customer_order o ON o.id = l.order_id
       WHERE o.status = 'CONFIRMED' GROUP BY 1 ORDER BY 1`,
    );
    const reserved = await net.sql<{ product_id: string; units: number }>('SELECT product_id, reserved AS units FROM inventory.stock_item WHERE reserved > 0 ORDER BY 1');
    return { confirmed, reserved };
  }

  it('rejects an order whose OrderPlaced was parked (TIMED_OUT), tells its customer, and a retry of the parked event reserves nothing', async () => {
    const poisoned = await createProduct(net, maker, { supply: 10, category: 'poisoned' });
    await openRound(net);
    const customer = await registerCustomer(net, 'parked');
    // Inventory's batches fail on this product, as a bug would: the OrderPlaced is retried, then parked.
    await net.sql(`CREATE FUNCTION inventory.refuse_poisoned() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'test: reservations of this product are refused'; END $$`);
    await net.sql(`CREATE TRIGGER refuse_poisoned BEFORE INSERT ON inventory.reservation FOR EACH ROW
      WHEN (NEW.product_id = '${poisoned}') EXECUTE FUNCTION inventory.refuse_poisoned()`);

    const placed = (await placeOrder(net, customer, [{ productId: poisoned, quantity: 2 }])).data.placeOrder;
    expect(placed).toMatchObject({ __typename: 'Order', status: 'PENDING' });
    const live = gatewayLiveClient(net.gatewayUrl, customer.token);
    try {
      const watch = live.watch('subscription($id: ID!) { orderStatusChanged(orderId: $id) { status rejectionReason } }', { id: placed.id });
      expect(await watch.next('orderStatusChanged')).toEqual({ status: 'PENDING', rejectionReason: null });
      expect(await watch.next('orderStatusChanged', BOUND_MS)).toEqual({ status: 'REJECTED', rejectionReason: 'TIMED_OUT' });
    } finally {
      await live.close();
    }

    // The operator sees the parked event, with its error, through the gateway.
    const health = (await net.as(operator)('{ inventoryBus { consumers { consumer parked } parkedEvents(first: 20) { edges { node { id eventType error attempts payload } } } } }'))
      .data.inventoryBus;
    expect(health.consumers).toContainEqual({ consumer: 'inventory.orders', parked: 1 });
    const parked = health.parkedEvents.edges.map((e: any) => e.node).find((p: any) => JSON.parse(p.payload).orderId === placed.id);
    expect(parked).toMatchObject({ eventType: 'OrderPlaced', attempts: 5, error: expect.stringContaining('reservations of this product are refused') });

    // The cause is fixed and the event retried: inventory answers with the decision it made, and reserves nothing.
    await net.sql('DROP TRIGGER refuse_poisoned ON inventory.reservation');
    const retried = await net.as(operator)('mutation($id: ID!) { retryParkedInventoryEvent(id: $id) { id outcome error } }', { id: parked.id });
    expect(retried.data.retryParkedInventoryEvent).toEqual({ id: parked.id, outcome: 'APPLIED', error: null });
    // Its answers: to the OrderOverdue (once or more), then to the retried OrderPlaced: the same each time.
    const answers = await eventually(async () => {
      const rows = await net.sql(`SELECT version, payload->>'reason' AS reason FROM bus.events WHERE type = 'StockRejected' AND payload->>'orderId' = $1`, [placed.id]);
      return rows.length >= 2 ? rows : null;
    });
    expect(new Set(answers.map((a: any) => `v${a.version} ${a.reason}`))).toEqual(new Set(['v2 TIMED_OUT']));
    expect(await net.sql('SELECT 1 FROM inventory.reservation WHERE order_id = $1', [placed.id])).toEqual([]);
    expect((await net.as(customer.token)('query($id: ID!) { order(id: $id) { status rejectionReason } }', { id: placed.id })).data.order).toEqual({
      status: 'REJECTED',
      rejectionReason: 'TIMED_OUT',
    });
    const { confirmed, reserved } = await bookAndStock();
    expect(reserved).toEqual(confirmed);
    const repairs = (await net.as(operator)('{ inventoryBus { repairs(first: 1) { parkedEventId action by } } }')).data.inventoryBus.repairs;
    expect(repairs).toEqual([{ parkedEventId: parked.id, action: 'RETRIED', by: operator.sub }]);
  });

  it('lists, retries and discards parked events from a terminal with npm run bus, audited under the operator it names', async () => {
    // npm run bus signs its development token with the key ACCOUNT_SIGNING_KEYS names: the network's.
    const env = { ACCOUNT_SIGNING_KEYS: formatSigningKeys([signingKey]) };
    const id = await parkOnPurpose(net, 'order');
    const status = await busCommand(['status', '--url', net.gatewayUrl], env);
    expect(status).toMatch(/order\s+order\.outcomes\s+0\s+\d/);
    expect(status).toContain(id);
    expect(await busCommand(['retry', id, '--url', net.gatewayUrl, '--as', 'ops-terminal'], env)).toMatch(`${id}: refused again, still parked: StockReleased v99`);
    expect(await busCommand(['discard', id, '--url', net.gatewayUrl, '--as', 'ops-terminal', '--reason', 'a test made it'], env)).toBe(`${id}: discarded`);
    expect(await busCommand(['status', '--url', net.gatewayUrl], env)).not.toContain(id);
    const repairs = (await net.as(operator)('{ orderBus { repairs(first: 2) { parkedEventId action by reason } } }')).data.orderBus.repairs;
    expect(repairs).toEqual([
      { parkedEventId: id, action: 'DISCARDED', by: 'ops-terminal', reason: 'a test made it' },
      { parkedEventId: id, action: 'RETRY_FAILED', by: 'ops-terminal', reason: null },
    ]);
    await expect(busCommand(['discard', id, '--url', net.gatewayUrl], env)).rejects.toThrow(/--reason/);
    await expect(busCommand(['retry', id, '--url', net.gatewayUrl], env)).rejects.toThrow(/NOT_FOUND/);
  });

  it('ends every order placed while inventory was down as inventory decides once it is back: none times out behind its own OrderPlaced', async () => {
    const scarce = await createProduct(net, maker, { supply: 5, category: 'scarce' });
    await net.as(operator)('mutation { closeRound { number } }');
    await eventually(async () => (await net.as()('{ currentRound { status } }')).data?.currentRound.status === 'SETTLED', { timeoutMs: BOUND_MS });
    await openRound(net);
    const customers = await Promise.all(Array.from({ length: 6 }, (_, i) => registerCustomer(net, `down-${i}`)));

    await net.services.inventory.stop();
    let inventory: RunningService | null = null;
    try {
      const placed = await inFlight(
        6,
        customers.map((c) => () => placeOrder(net, c, [{ productId: scarce, quantity: 2 }])),
      );
      const ids: string[] = placed.map((p) => p.data.placeOrder.id);
      expect(placed.map((p) => p.data.placeOrder.status)).toEqual(Array(6).fill('PENDING'));
      // Each is overdue and asked about: the asks wait on the bus behind the orders themselves.
      await eventually(
        async () =>
          (await net.sql(`SELECT count(DISTINCT payload->>'orderId')::int AS n FROM bus.events WHERE type = 'OrderOverdue' AND payload->>'orderId' = ANY($1)`, [ids]))[0].n === 6,
        { timeoutMs: BOUND_MS },
      );

      inventory = await startInventoryService({
        databaseUrl: net.databaseUrl,
        port: 0,
        internalCredential: DEVELOPMENT_DEFAULTS.internalCredential,
        logger: createLogger('inventory', process.env.TEST_LOG_LEVEL ?? 'silent'),
        eventPollIntervalMs: 200,
      });
      const decided = await eventually(
        async () => {
          const rows = await net.sql<{ status: string; rejection_reason: string | null }>('SELECT status, rejection_reason FROM orders.customer_order WHERE id = ANY($1)', [ids]);
          return rows.every((r) => r.status !== 'PENDING') ? rows : null;
        },
        { timeoutMs: BOUND_MS },
      );
      const outcomes = decided.map((r) => `${r.status}${r.rejection_reason ? ` ${r.rejection_reason}` : ''}`).sort();
      expect(outcomes).toEqual([...Array(2).fill('CONFIRMED'), ...Array(4).fill('REJECTED INSUFFICIENT_STOCK')]);
      const { confirmed, reserved } = await bookAndStock();
      expect(reserved).toEqual(confirmed);
      expect(reserved).toContainEqual({ product_id: scarce, units: 4 });
    } finally {
      await inventory?.stop();
    }
  });
});
