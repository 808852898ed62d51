/**
 * Every operation in client-examples/operations runs against a real network, as the role it is
 * written for, so that the files never drift from the API. Subscriptions are validated against the
 * composed API schema (or the contract in ARCHITECTURE.md) and executed over graphql-ws through the
 * gateway; a subscription the gateway does not serve fails its execution test (it never skips).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { buildSchema, extendSchema, parse, validate, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { Supergraph, printSchema } from '@apollo/federation-internals';
import { liveSubscriptionsOf } from '../../subgraphs/inventory/src/live/live-feed.js';
import { noticeSubscriptionsOf } from '../../subgraphs/manufacturer/src/live/notice-feed.js';
import { composeSupergraph } from '@distribution/gateway';
import type { Identity } from '@distribution/auth';
import { SUPERGRAPH_PATH } from '../../scripts/local-network.js';
import { operation, operationNames } from '../../client-examples/operations/index.js';
import { createApi, recordEvents, type Api } from '../../client-examples/node/src/index.js';
import { startTestNetwork, operator, manufacturerIdentity, eventually, type TestNetwork } from './network.js';
import { createProduct, openRound, placeOrder, registerManufacturer, type Customer } from './scenario.js';

const kindOf = (name: string) => (parse(operation(name)).definitions[0] as OperationDefinitionNode).operation;
const SUBSCRIPTIONS = operationNames().filter((n) => kindOf(n) === 'subscription');
const rootField = (name: string) => ((parse(operation(name)).definitions[0] as OperationDefinitionNode).selectionSet.selections[0] as { name: { value: string } }).name.value;

/** The subscription fields ARCHITECTURE.md promises, with the types the clients assume. */
const CONTRACT: Record<string, { field: string; types?: Record<string, string> }> = {
  availabilityChanged: { field: 'availabilityChanged(productIds: [ID!], category: String): StockItem!' },
  stockDepleted: { field: 'stockDepleted: DepletionNotice!', types: { DepletionNotice: 'type DepletionNotice { product: Product! roundNumber: Int! at: String! }' } },
  lowStock: { field: 'lowStock: StockItem!' },
  roundChanged: { field: 'roundChanged: DistributionRound!' },
  orderStatusChanged: { field: 'orderStatusChanged(orderId: ID!): Order!' },
  manufacturerNotices: { field: 'manufacturerNotices: ManufacturerNotice!', types: { ManufacturerNotice: 'type ManufacturerNotice { pending: Boolean }' } },
};

function apiSchema(supergraphSdl: string): GraphQLSchema {
  return buildSchema(printSchema(Supergraph.build(supergraphSdl).apiSchema()));
}

/** Fields missing from `schema`'s Subscription type, added as the contract describes them. */
function withContract(schema: GraphQLSchema): GraphQLSchema {
  const existing = schema.getSubscriptionType()?.getFields() ?? {};
  const missing = Object.entries(CONTRACT).filter(([name]) => !existing[name]);
  if (missing.length === 0) return schema;
  const types = missing
    .flatMap(([, c]) => Object.entries(c.types ?? {}))
    .filter(([type]) => !schema.getType(type))
    .map(([, sdl]) => sdl);
  const fields = missing.map(([, c]) => c.field).join('\n  ');
  const root = schema.getSubscriptionType() ? `extend type Subscription {\n  ${fields}\n}` : `type Subscription {\n  ${fields}\n}\nextend schema { subscription: Subscription }`;
  return extendSchema(schema, parse([...types, root].join('\n')));
}

// What the subgraph schema files compose to today, and what the gateway under test actually loads.
const composed = apiSchema(composeSupergraph(process.cwd()).supergraphSdl);
const served = apiSchema(readFileSync(SUPERGRAPH_PATH, 'utf8'));
const contract = withContract(composed);
const isServed = (field: string) => Boolean(served.getSubscriptionType()?.getFields()[field]);

describe('every subscription operation', () => {
  it.each(SUBSCRIPTIONS)('%s is valid against the composed API schema (or, while its field is not composed yet, the contract)', (name) => {
    const field = rootField(name);
    const inSchema = Boolean(composed.getSubscriptionType()?.getFields()[field]);
    expect(validate(inSchema ? composed : contract, parse(operation(name))).map((e) => e.message)).toEqual([]);
  });
});

describe('every query and mutation operation, run through the gateway', () => {
  let net: TestNetwork;
  let maker: string;
  let makerName: string;
  let p1: string, p2: string;
  const category = `ops-${randomUUID().slice(0, 6)}`;
  let customer: Customer;
  let orderA: string, orderB: string;
  const covered = new Set<string>();

  type Caller = Identity | string | null;
  /** Runs one operation file as `who` and returns its data, failing on any error. */
  async function run(name: string, who: Caller, variables: Record<string, unknown> = {}) {
    covered.add(name);
    const res = await net.as(who)(operation(name), variables);
    expect(res.errors, `${name}: ${JSON.stringify(res.errors)}`).toBeUndefined();
    expect(res.data).toBeTruthy();
    return res.data;
  }

  beforeAll(async () => {
    net = await startTestNetwork();
    makerName = `Ops Maker ${randomUUID().slice(0, 6)}`;
    maker = await registerManufacturer(net, makerName);
    p1 = await createProduct(net, maker, { supply: 50, category, price: '4.00' });
    p2 = await createProduct(net, maker, { supply: 40, category, price: '2.50' });
    // A big stock elsewhere, so that selling out one product never closes the round by itself.
    await createProduct(net, maker, { supply: 100_000, category: `${category}-filler` });
    await openRound(net);
  });
  afterAll(async () => net?.close());

  it('browses the catalog anonymously: categories, offers, a product, products, manufacturers', async () => {
    expect((await run('Categories', null)).categories).toContain(category);
    const offers = (await run('Offers', null, { category })).offers;
    expect(offers.map((o: any) => o.id).sort()).toEqual([p1, p2].sort());
    expect(offers[0]).toMatchObject({ id: p1, manufacturer: { id: maker, name: makerName }, stock: { available: 50, onHand: 50, reserved: 0, status: 'IN_STOCK' } });
    expect((await run('Product', null, { id: p1 })).product).toMatchObject({
      id: p1,
      category,
      unitPrice: '4.00',
      supply: 50,
      manufacturer: { name: makerName },
      stock: { onHand: 50, available: 50, roundNumber: 1 },
    });
    const products = (await run('Products', null, { filter: { category }, first: 1 })).products;
    expect(products.edges).toHaveLength(1);
    expect(products.pageInfo.hasNextPage).toBe(true);
    const next = (await run('Products', null, { filter: { category }, first: 1, after: products.pageInfo.endCursor })).products;
    expect(next.edges[0].node.id).not.toBe(products.edges[0].node.id);
    const makers = (await run('Manufacturers', null)).manufacturers.edges.map((e: any) => e.node);
    expect(makers.find((m: any) => m.id === maker).products.edges).toHaveLength(3);
  });

  it('registers a customer whose token signs the next requests in', async () => {
    const email = `ops-${randomUUID().slice(0, 8)}@example.com`;
    const registered = (await run('RegisterCustomer', null, { input: { name: 'Ops Customer', email, password: 'ops customer password' } })).registerCustomer;
    expect(registered.customer).toMatchObject({ name: 'Ops Customer', email });
    customer = { id: registered.customer.id, token: registered.accessToken, refreshToken: registered.refreshToken, email, password: 'ops customer password' };
  });

  it('fills, edits and reads the cart', async () => {
    const added = (await run('AddToCart', customer.token, { productId: p1, quantity: 3 })).addToCart;
    expect(added).toMatchObject({ __typename: 'Cart', canCheckout: true, total: '12.00', lines: [{ product: { id: p1 }, quantity: 3, available: 50, problem: null }] });
    const tooMany = (await run('AddToCart', customer.token, { productId: p2, quantity: 1000 })).addToCart;
    expect(tooMany).toMatchObject({ __typename: 'InsufficientStock', lines: [{ product: { id: p2 }, requested: 1000, available: 40 }] });
    const set = (await run('SetCartLineQuantity', customer.token, { productId: p1, quantity: 2 })).setCartLineQuantity;
    expect(set.lines).toMatchObject([{ product: { id: p1 }, quantity: 2 }]);
    await run('AddToCart', customer.token, { productId: p2, quantity: 1 });
    const removed = (await run('RemoveFromCart', customer.token, { productId: p2 })).removeFromCart;
    expect(removed.lines.map((l: any) => l.product.id)).toEqual([p1]);
    const cart = (await run('MyCart', customer.token)).me.cart;
    expect(cart).toMatchObject({
      canCheckout: true,
      total: '8.00',
      lines: [{ product: { id: p1, manufacturer: { name: makerName } }, quantity: 2, unitPrice: '4.00', available: 50, problem: null }],
      removedLines: [],
    });
    // Everything in it can be served: pruning takes nothing out.
    expect((await run('PruneCart', customer.token)).pruneCart).toMatchObject({ removed: [], cart: { total: '8.00', canCheckout: true } });
  });

  it('orders from the cart and from lines, changes a line and cancels', async () => {
    const fromCart = (await run('PlaceOrderFromCart', customer.token, { idempotencyKey: `ops-${randomUUID()}` })).placeOrder;
    expect(fromCart).toMatchObject({ __typename: 'Order', status: 'CONFIRMED', total: '8.00', roundNumber: 1, lines: [{ product: { id: p1 }, quantity: 2, lineTotal: '8.00' }] });
    orderA = fromCart.id;
    expect((await run('MyCart', customer.token)).me.cart.lines).toEqual([]);

    const fromLines = (
      await run('PlaceOrder', customer.token, {
        lines: [
          { productId: p1, quantity: 1 },
          { productId: p2, quantity: 1 },
        ],
        idempotencyKey: `ops-${randomUUID()}`,
      })
    ).placeOrder;
    expect(fromLines).toMatchObject({ __typename: 'Order', status: 'CONFIRMED', total: '6.50' });
    orderB = fromLines.id;
    const changed = (await run('ChangeOrderLine', customer.token, { orderId: orderB, productId: p2, quantity: 3 })).changeOrderLine;
    expect(changed).toMatchObject({ __typename: 'Order', status: 'CONFIRMED', total: '11.50' });
    expect(changed.lines.find((l: any) => l.product.id === p2).quantity).toBe(3);
    const cancelled = (await run('CancelOrder', customer.token, { id: orderB })).cancelOrder;
    expect(cancelled).toMatchObject({ id: orderB, status: 'CANCELLED' });

    expect((await run('Order', customer.token, { id: orderA })).order).toMatchObject({
      id: orderA,
      status: 'CONFIRMED',
      lines: [{ product: { id: p1, manufacturer: { name: makerName } }, quantity: 2 }],
    });
    const mine = (await run('MyOrders', customer.token)).me.orders.edges.map((e: any) => [e.node.id, e.node.status]);
    expect(mine).toEqual(
      expect.arrayContaining([
        [orderA, 'CONFIRMED'],
        [orderB, 'CANCELLED'],
      ]),
    );
    expect((await run('MyOrders', customer.token, { status: 'CANCELLED' })).me.orders.edges.map((e: any) => e.node.id)).toEqual([orderB]);
    const all = (await run('Orders', operator)).orders.edges.map((e: any) => e.node);
    expect(all.find((o: any) => o.id === orderA)).toMatchObject({ status: 'CONFIRMED', customer: { id: customer.id, name: 'Ops Customer' } });
  });

  it('lets the manufacturer read its products, produce, add a product and set a threshold', async () => {
    const as = manufacturerIdentity(maker);
    const mine = (await run('MyProducts', as, { manufacturerId: maker })).manufacturer;
    expect(mine.name).toBe(makerName);
    const first = mine.products.edges.map((e: any) => e.node).find((p: any) => p.id === p1);
    expect(first).toMatchObject({ supply: 50, stock: { onHand: 50, reserved: 2, available: 48 } });
    expect((await run('Produce', as, { productId: p1, quantity: 5 })).produce).toMatchObject({ id: p1, supply: 55 });
    const created = (await run('CreateProduct', as, { input: { sku: `OPS-${randomUUID().slice(0, 6)}`, name: 'Ops extra', category, unitPrice: '1.00', initialSupply: 7 } }))
      .createProduct;
    expect(created).toMatchObject({ supply: 7, manufacturer: { id: maker } });
    expect((await run('SetLowStockThreshold', as, { productId: p1, threshold: 3 })).setLowStockThreshold).toMatchObject({ lowStockThreshold: 3 });
  });

  it('lets the operator register a manufacturer, read the ledger and run the round to settlement', async () => {
    expect((await run('RegisterManufacturer', operator, { input: { name: `Ops Other ${randomUUID().slice(0, 6)}` } })).registerManufacturer.id).toBeTruthy();
    const kinds = (await run('StockMovements', operator, { productId: p1 })).stockMovements.edges.map((e: any) => e.node.kind);
    expect(kinds).toEqual(expect.arrayContaining(['ROUND_OPENED_SUPPLY', 'RESERVE']));
    expect((await run('CurrentRound', null)).currentRound).toMatchObject({ number: 1, status: 'OPEN', closedAt: null });

    const closed = (await run('CloseRound', operator)).closeRound;
    expect(closed).toMatchObject({ number: 1, closeReason: 'OPERATOR' });
    expect(closed.sales.find((s: any) => s.product.id === p1)).toMatchObject({ unitsSold: 2, revenue: '8.00', manufacturer: { name: makerName } });

    // The manufacturer books the sale through events; then the round is SETTLED and orders FULFILLED.
    await eventually(async () => (await net.as(operator)(operation('CurrentRound'))).data?.currentRound.status === 'SETTLED');
    const settlements = (await run('Settlements', manufacturerIdentity(maker), { manufacturerId: maker })).manufacturer.settlements.edges.map((e: any) => e.node);
    expect(settlements).toMatchObject([{ roundNumber: 1, unitsSold: 2, revenue: '8.00', lines: [{ product: { id: p1 }, unitsSold: 2 }] }]);
    const rounds = (await run('Rounds', operator)).rounds.edges.map((e: any) => e.node);
    expect(rounds[0]).toMatchObject({ number: 1, status: 'SETTLED', sales: [{ product: { id: p1 }, unitsSold: 2, revenue: '8.00' }] });
    expect((await run('Rounds', manufacturerIdentity(maker))).rounds.edges[0].node.sales).toEqual(rounds[0].sales);
    const purchases = await eventually(
      async () =>
        (await run('MyPurchases', customer.token)).me.purchases.filter((p: any) => p.orderId === orderA).length > 0 && (await run('MyPurchases', customer.token)).me.purchases,
    );
    expect(purchases).toMatchObject([{ product: { id: p1 }, quantity: 2, unitPrice: '4.00', orderId: orderA, roundNumber: 1 }]);

    expect((await run('OpenRound', operator)).openRound).toMatchObject({ number: 2, status: 'OPEN' });
    expect((await run('CurrentRound', null)).currentRound).toMatchObject({ number: 2, status: 'OPEN', nextOpeningAt: null });
  });

  it("shows the operator the event bus: each service's consumers, nothing parked", async () => {
    const bus = await run('BusStatus', operator);
    for (const service of ['inventory', 'order', 'manufacturer']) {
      const health = bus[`${service}Bus`];
      expect(health.service).toBe(service);
      expect(health.consumers.length).toBeGreaterThan(0);
      expect(health.consumers.every((c: any) => c.parked === 0 && c.consumer.startsWith(`${service}.`))).toBe(true);
      expect(health.parkedEvents.edges).toEqual([]);
    }
  });

  it('signs the customer in, refreshes, changes its password and signs out; the operator lists customers and gives the manufacturer its login', async () => {
    const signedIn = (await run('SignIn', null, { input: { email: customer.email, password: customer.password } })).signIn;
    expect(signedIn).toMatchObject({ role: 'CUSTOMER', subject: customer.id });
    const refreshed = (await run('RefreshSession', null, { input: { refreshToken: signedIn.refreshToken } })).refreshSession;
    expect(refreshed).toMatchObject({ role: 'CUSTOMER', subject: customer.id });
    const changed = (await run('ChangePassword', refreshed.accessToken, { input: { currentPassword: customer.password, newPassword: 'ops customer new password' } }))
      .changePassword;
    customer = { ...customer, token: changed.accessToken, refreshToken: changed.refreshToken, password: 'ops customer new password' };
    expect((await run('SignOut', null, { input: { refreshToken: changed.refreshToken } })).signOut).toBe(true);

    const customers = (await run('Customers', operator, { search: customer.email })).customers.edges.map((e: any) => e.node);
    expect(customers).toEqual([{ id: customer.id, name: 'Ops Customer', email: customer.email, registeredAt: expect.any(String), orderCount: 2 }]);
    const login = (
      await run('CreateManufacturerLogin', operator, {
        input: { manufacturerId: maker, email: `ops-maker-${randomUUID().slice(0, 6)}@example.com`, password: 'ops maker password' },
      })
    ).createManufacturerLogin;
    expect(login.manufacturer).toEqual({ id: maker, name: makerName });
  });

  it('covers every query and mutation file', () => {
    const expected = operationNames().filter((n) => kindOf(n) !== 'subscription');
    expect(expected.filter((n) => !covered.has(n))).toEqual([]);
  });

  describe('subscriptions over graphql-ws', () => {
    const apis: Api[] = [];
    const api = (token?: string) => {
      const a = createApi({ url: net.gatewayUrl, token });
      apis.push(a);
      return a;
    };
    afterAll(async () => {
      await Promise.all(apis.map((a) => a.close()));
    });
    /** A subscription the contract names must be served: a missing one fails here, never skips. */
    const expectServed = (...fields: string[]) => {
      for (const field of fields) expect(isServed(field), `the gateway's supergraph serves Subscription.${field}`).toBe(true);
    };
    // Subscriptions the subgraphs have registered (inventory's live feed, manufacturer's notices).
    const registered = () => liveSubscriptionsOf(net.services.inventory) + noticeSubscriptionsOf(net.services.manufacturer);
    /** Waits until the `count` subscriptions just opened are registered upstream: then no event can pass them by. */
    const subscribed = (count: number) => eventually(() => registered() >= count);
    // Each test starts with none left over from the one before (closing one is asynchronous).
    beforeEach(async () => {
      await eventually(() => registered() === 0);
    });

    it('OnOrderStatusChanged follows an order to CANCELLED', async () => {
      expectServed('orderStatusChanged');
      const placed = await placeOrder(net, customer, [{ productId: p2, quantity: 1 }]);
      const orderId = placed.data.placeOrder.id;
      const events = recordEvents(api(customer.token), 'OnOrderStatusChanged', { orderId });
      // The first event is the order as it stands now: from then on no change can be missed.
      await events.waitFor((e) => e.orderStatusChanged.status === 'CONFIRMED');
      await run('CancelOrder', customer.token, { id: orderId });
      const last = await events.waitFor((e) => e.orderStatusChanged.status === 'CANCELLED');
      expect(last.orderStatusChanged).toMatchObject({ id: orderId, lines: [{ product: { id: p2, name: expect.any(String) }, quantity: 1 }] });
      await events.stop();
    });

    it("OnAvailabilityChanged reports an order's effect on the category", async () => {
      expectServed('availabilityChanged');
      const events = recordEvents(api(), 'OnAvailabilityChanged', { category });
      await subscribed(1);
      await placeOrder(net, customer, [{ productId: p1, quantity: 4 }]);
      const event = await events.waitFor((e) => e.availabilityChanged.product.id === p1);
      expect(event.availabilityChanged).toMatchObject({ product: { id: p1, manufacturer: { name: makerName } }, reserved: expect.any(Number), available: expect.any(Number) });
      await events.stop();
    });

    it('OnLowStock and OnStockDepleted announce a product running low, then out', async () => {
      expectServed('stockDepleted', 'lowStock');
      const scarce = await createProduct(net, maker, { supply: 6, category });
      const low = recordEvents(api(), 'OnLowStock');
      const depleted = recordEvents(api(), 'OnStockDepleted');
      await subscribed(2);
      await placeOrder(net, customer, [{ productId: scarce, quantity: 3 }]);
      expect((await low.waitFor((e) => e.lowStock.product.id === scarce)).lowStock).toMatchObject({ available: 3, status: 'LOW' });
      await placeOrder(net, customer, [{ productId: scarce, quantity: 3 }]);
      // The round open now, whatever the tests before did with rounds.
      const round = (await net.as(operator)(operation('CurrentRound'))).data.currentRound.number;
      expect((await depleted.waitFor((e) => e.stockDepleted.product.id === scarce)).stockDepleted).toMatchObject({
        roundNumber: round,
        at: expect.any(String),
        product: { manufacturer: { name: makerName } },
      });
      await Promise.all([low.stop(), depleted.stop()]);
    });

    it('OnManufacturerNotices tells the manufacturer about its sales', async () => {
      expectServed('manufacturerNotices');
      const events = recordEvents(api(await net.tokenFor(manufacturerIdentity(maker))), 'OnManufacturerNotices');
      await subscribed(1);
      await placeOrder(net, customer, [{ productId: p1, quantity: 1 }]);
      await run('CloseRound', operator);
      await events.waitFor((e) => Boolean(e.manufacturerNotices.__typename));
      await events.stop();
      await eventually(async () => (await net.as(operator)(operation('CurrentRound'))).data?.currentRound.status === 'SETTLED');
      await run('OpenRound', operator);
    });

    it('OnRoundChanged follows a round from OPEN to SETTLED', async () => {
      expectServed('roundChanged');
      const events = recordEvents(api(), 'OnRoundChanged');
      await subscribed(1);
      const closed = (await run('CloseRound', operator)).closeRound.number;
      await events.waitFor((e) => e.roundChanged.number === closed && e.roundChanged.status === 'SETTLED');
      await run('OpenRound', operator);
      await events.waitFor((e) => e.roundChanged.number === closed + 1 && e.roundChanged.status === 'OPEN');
      await events.stop();
    });
  });
});
