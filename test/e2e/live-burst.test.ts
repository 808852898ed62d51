/**
 * A burst through the gateway while many clients watch: K subscribers, each on its own graphql-ws
 * connection with availabilityChanged and stockDepleted, and M orders and cancellations at once.
 * What the live feed promises (subgraphs/inventory/src/live/live-feed.ts): changes in commit order,
 * a snapshot first and never an older state of a product after a newer one; a depletion announced
 * once per crossing to zero. Checked against inventory's own ledger and stock rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveWatch } from '@distribution/testkit';
import { startTestNetwork, eventually, type TestNetwork } from './network.js';
import { createProduct, inFlight, openRound, placeOrder, registerCustomer, registerManufacturer, type Customer } from './scenario.js';
import { gatewayLiveClient, type LiveClient } from './live-client.js';

const SUBSCRIBERS = 20;
const HOT_SUPPLY = 8;
/** Orders of one unit per hot product: more than there are, so each sells out exactly once. */
const HOT_ORDERS = 12;
const CHURN_ORDERS = 12;
const CHURN_CANCELLED = 12;

const AVAILABILITY = 'subscription($ids: [ID!]) { availabilityChanged(productIds: $ids) { onHand reserved available product { id } } }';
const DEPLETIONS = 'subscription { stockDepleted { roundNumber product { id } } }';
const CANCEL = 'mutation($id: ID!) { cancelOrder(id: $id) { id status } }';

interface State {
  onHand: number;
  reserved: number;
}
const key = (s: State) => `${s.onHand}/${s.reserved}`;

/** How each ledger kind moves (on hand, reserved), as ARCHITECTURE.md describes the ledger. */
const EFFECT: Record<string, [number, number]> = {
  ROUND_OPENED_SUPPLY: [1, 0],
  SUPPLY_IN: [1, 0],
  RESERVE: [0, 1],
  RELEASE: [0, -1],
  SALE: [-1, -1],
  WITHDRAWN: [-1, 0],
};

/** Is `seen` a subsequence of `history` (every state in an order the stock row went through)? */
function inHistoryOrder(seen: string[], history: string[]): boolean {
  let at = 0;
  for (const state of seen) {
    while (at < history.length && history[at] !== state) at += 1;
    if (at === history.length) return false;
  }
  return true;
}

describe('a burst of orders and cancellations while 20 clients watch', () => {
  let net: TestNetwork;
  let maker: string;
  let hot: string[];
  let churn: string;
  let customers: Customer[];
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    // A machine shared with other work can be slow: the gateway waits long enough for placeOrder's own bound.
    net = await startTestNetwork({ placeOrderWaitMs: 10_000, subgraphTimeoutMs: 30_000 });
    maker = await registerManufacturer(net);
    // Plenty of something else, so selling out the hot products does not close the round (all depleted).
    await createProduct(net, maker, { supply: 1_000_000, category: 'burst-filler' });
    hot = await Promise.all([0, 1, 2].map(() => createProduct(net, maker, { supply: HOT_SUPPLY, category: 'burst-hot' })));
    churn = await createProduct(net, maker, { supply: 1000, category: 'burst-churn' });
    await openRound(net);
    customers = await Promise.all(Array.from({ length: 12 }, (_, i) => registerCustomer(net, `burst${i}`)));
  }, 120_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await net?.close();
  });

  /** Sells out a product of one unit and waits until every subscriber has heard it: all earlier notices have arrived then too. */
  async function allHeardDepletionOf(depletions: LiveWatch[]) {
    const probe = await createProduct(net, maker, { supply: 1, category: 'burst-probe' });
    await eventually(async () => (await net.sql('SELECT 1 FROM inventory.stock_item WHERE product_id = $1 AND on_hand = 1', [probe])).length === 1);
    // Until each subscription is live upstream, a notice can pass it by: sell it until all heard one.
    expect((await placeOrder(net, customers[0]!, [{ productId: probe, quantity: 1 }])).data.placeOrder.status).toBe('CONFIRMED');
    await eventually(() => depletions.every((d) => depletionsOf(d).includes(probe)), { timeoutMs: 20_000 });
    return probe;
  }
  const eventsOf = (watch: LiveWatch, field: string) =>
    watch.messages.map((m) => {
      if (m.kind !== 'next' || m.payload.errors || !m.payload.data) throw new Error(`expected an event, got ${JSON.stringify(m)}`);
      return m.payload.data[field];
    });
  const depletionsOf = (watch: LiveWatch): string[] => eventsOf(watch, 'stockDepleted').map((n) => n.product.id);

  it('leaves each subscriber with the database’s availability, never an older state after a newer one, and one depletion per product sold out', async () => {
    const watched = [...hot, churn];
    const subscribers = Array.from({ length: SUBSCRIBERS }, () => {
      const client = gatewayLiveClient(net.gatewayUrl);
      clients.push(client);
      return { depletions: client.watch(DEPLETIONS), availability: client.watch(AVAILABILITY, { ids: watched }) };
    });
    // Live once each has its snapshot (one event per product) and has heard a depletion made for the purpose.
    await eventually(() => subscribers.every((s) => s.availability.messages.length >= watched.length), { timeoutMs: 20_000 });
    const firstProbe = await allHeardDepletionOf(subscribers.map((s) => s.depletions));

    const byCustomer = (i: number) => customers[i % customers.length]!;
    const tasks: Array<() => Promise<unknown>> = [
      ...hot.flatMap((productId, p) => Array.from({ length: HOT_ORDERS }, (_, i) => () => placeOrder(net, byCustomer(p + i), [{ productId, quantity: 1 }]))),
      ...Array.from({ length: CHURN_ORDERS }, (_, i) => () => placeOrder(net, byCustomer(i), [{ productId: churn, quantity: 1 + (i % 3) }])),
      ...Array.from({ length: CHURN_CANCELLED }, (_, i) => async () => {
        const customer = byCustomer(i + 5);
        const placed = await placeOrder(net, customer, [{ productId: churn, quantity: 2 + (i % 4) }]);
        expect(placed.errors, JSON.stringify(placed.errors)).toBeUndefined();
        const id = placed.data.placeOrder.id;
        // Past placeOrder's bound the answer is PENDING: only a CONFIRMED order can be cancelled.
        const STATUS = 'query($id: ID!) { order(id: $id) { status } }';
        await eventually(async () => (await net.as(customer.token)(STATUS, { id })).data?.order?.status === 'CONFIRMED', { timeoutMs: 30_000 });
        const cancelled = await net.as(customer.token)(CANCEL, { id });
        expect(cancelled.errors, JSON.stringify(cancelled.errors)).toBeUndefined();
      }),
    ];
    // Shuffled by a fixed rule, so that orders, and the orders that are cancelled, interleave.
    const shuffled = tasks.map((task, i) => ({ task, rank: (i * 37) % tasks.length })).sort((a, b) => a.rank - b.rank);
    const results = await inFlight(
      tasks.length,
      shuffled.map((s) => s.task),
    );
    const placed = results.filter((r): r is { errors?: unknown; data: any } => Boolean(r));
    expect(placed.flatMap((r) => r.errors ?? [])).toEqual([]);

    // Every order decided and every cancellation given back before the books are read.
    await eventually(async () => (await net.sql(`SELECT count(*)::int AS open FROM orders.customer_order WHERE status = 'PENDING' OR cancellation_requested`))[0].open === 0, {
      timeoutMs: 20_000,
    });
    // The order book and inventory agree: units in confirmed orders are the units reserved.
    const confirmed = await net.sql(
      `SELECT l.product_id::text, sum(l.quantity)::int AS units FROM orders.order_line l JOIN orders.customer_order o ON o.id = l.order_id
       WHERE o.status = 'CONFIRMED' AND l.product_id = ANY($1::uuid[]) GROUP BY l.product_id ORDER BY 1`,
      [watched],
    );
    const reserved = await net.sql('SELECT product_id::text, reserved AS units FROM inventory.stock_item WHERE product_id = ANY($1::uuid[]) AND reserved > 0 ORDER BY 1', [
      watched,
    ]);
    expect(confirmed).toEqual(reserved);

    // What inventory holds now, and every state each row went through (its ledger, in order).
    const rows: Array<{ product_id: string; on_hand: number; reserved: number }> = await net.sql(
      'SELECT product_id::text, on_hand, reserved FROM inventory.stock_item WHERE product_id = ANY($1::uuid[])',
      [watched],
    );
    const now = new Map(rows.map((r) => [r.product_id, { onHand: r.on_hand, reserved: r.reserved }]));
    expect(hot.map((p) => now.get(p))).toEqual(hot.map(() => ({ onHand: HOT_SUPPLY, reserved: HOT_SUPPLY })));
    expect(now.get(churn)!.reserved).toBeGreaterThan(0);

    // Every subscriber ends with what the database says (within a bounded wait for the last events).
    const lastSeen = (watch: LiveWatch) => {
      const last = new Map<string, string>();
      for (const e of eventsOf(watch, 'availabilityChanged')) last.set(e.product.id, key(e));
      return last;
    };
    await eventually(() => subscribers.every((s) => watched.every((p) => lastSeen(s.availability).get(p) === key(now.get(p)!))), { timeoutMs: 20_000 });

    const movements: Array<{ product_id: string; kind: string; quantity: number }> = await net.sql(
      'SELECT product_id::text, kind, quantity FROM inventory.stock_movement WHERE product_id = ANY($1::uuid[]) ORDER BY id',
      [watched],
    );
    const history = new Map<string, string[]>(watched.map((p) => [p, []]));
    const running = new Map<string, State>(watched.map((p) => [p, { onHand: 0, reserved: 0 }]));
    for (const m of movements) {
      const s = running.get(m.product_id)!;
      const [onHand, reserved] = EFFECT[m.kind]!;
      running.set(m.product_id, { onHand: s.onHand + onHand * m.quantity, reserved: s.reserved + reserved * m.quantity });
      history.get(m.product_id)!.push(key(running.get(m.product_id)!));
    }
    for (const p of watched) expect(history.get(p)!.at(-1), 'the ledger replays to the stock row').toBe(key(now.get(p)!));
    for (const [i, s] of subscribers.entries()) {
      const events = eventsOf(s.availability, 'availabilityChanged');
      for (const e of events) expect(e.available, `subscriber ${i}`).toBe(e.onHand - e.reserved);
      for (const p of watched) {
        const seen = events.filter((e) => e.product.id === p).map(key);
        expect(inHistoryOrder(seen, history.get(p)!), `subscriber ${i}, product ${p}: ${seen.join(' ')} within ${history.get(p)!.join(' ')}`).toBe(true);
      }
    }
    // The churn product went down and back up: the check above had cancellations to order.
    expect(movements.filter((m) => m.product_id === churn && m.kind === 'RELEASE').length).toBe(CHURN_CANCELLED);

    // Depletions: a second probe makes sure each subscriber has everything announced before it.
    const lastProbe = await allHeardDepletionOf(subscribers.map((s) => s.depletions));
    for (const [i, s] of subscribers.entries()) {
      const ids = depletionsOf(s.depletions).filter((id) => id !== firstProbe && id !== lastProbe);
      expect(ids.sort(), `subscriber ${i}`).toEqual([...hot].sort());
      expect(depletionsOf(s.depletions).filter((id) => id === firstProbe)).toHaveLength(1);
    }
  }, 180_000);
});
