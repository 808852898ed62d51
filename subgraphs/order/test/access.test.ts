import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Role, customerIdForSubject, type Identity } from '@distribution/auth';
import { ADD_TO_CART, CANCEL_ORDER, CHANGE_LINE, OPERATOR, ORDER, PLACE_ORDER, REMOVE_FROM_CART, SET_CART_LINE, key, startHarness, type Harness } from './support/harness.js';

let h: Harness;
let ada: Identity;
let bob: Identity;
let tea: string;
let adaOrder: string;
const MANUFACTURER: Identity = { sub: '22222222-2222-4222-8222-222222222222', role: Role.Manufacturer };

beforeAll(async () => {
  h = await startHarness('order_access');
  ada = await h.registerCustomer('Ada');
  bob = await h.registerCustomer('Bob');
  tea = await h.product({ available: 1000 });
  adaOrder = (await h.as(ada)(PLACE_ORDER, { input: { lines: [{ productId: tea, quantity: 2 }], idempotencyKey: key() } })).data.placeOrder.id;
  await h.as(ada)(ADD_TO_CART, { productId: tea, quantity: 1 });
});
afterAll(async () => {
  await h?.stop();
});

/** Everything the order service stores or has announced: bad input must leave all of it as it was. */
async function fingerprint() {
  const db = h.service.database;
  const tables = ['customer', 'cart_line', 'customer_order', 'order_line', 'order_change', 'outbox'];
  const counts = await Promise.all(tables.map(async (t) => [t, (await db.query(`SELECT count(*)::int AS c FROM ${t}`))[0].c]));
  const published = (await db.query(`SELECT count(*)::int AS c FROM bus.events WHERE source = 'orders'`))[0].c;
  const lines = await db.query('SELECT order_id, product_id, quantity FROM order_line ORDER BY 1, 2');
  const cart = await db.query('SELECT customer_id, product_id, quantity FROM cart_line ORDER BY 1, 2');
  const orders = await db.query('SELECT id, status, cancellation_requested FROM customer_order ORDER BY 1');
  return { counts, published: published + counts.find(([t]) => t === 'outbox')![1], lines, cart, orders };
}

const customerOperations = () => [
  { name: 'me', query: `{ me { id } }`, variables: {} },
  { name: 'order', query: ORDER, variables: { id: adaOrder } },
  { name: 'orders', query: `{ orders { edges { node { id } } } }`, variables: {} },
  { name: 'addToCart', query: ADD_TO_CART, variables: { productId: tea, quantity: 1 } },
  { name: 'setCartLineQuantity', query: SET_CART_LINE, variables: { productId: tea, quantity: 3 } },
  { name: 'removeFromCart', query: REMOVE_FROM_CART, variables: { productId: tea } },
  { name: 'placeOrder', query: PLACE_ORDER, variables: { input: { lines: [{ productId: tea, quantity: 1 }], idempotencyKey: key() } } },
  { name: 'cancelOrder', query: CANCEL_ORDER, variables: { id: adaOrder } },
  { name: 'changeOrderLine', query: CHANGE_LINE, variables: { orderId: adaOrder, productId: tea, quantity: 3 } },
];

describe('who may do what', () => {
  it('answers UNAUTHENTICATED to an anonymous caller on every customer operation, changing nothing', async () => {
    const before = await fingerprint();
    for (const op of customerOperations()) {
      const res = await h.as(null)(op.query, op.variables);
      expect({ op: op.name, code: res.errors?.[0]?.extensions?.code }).toEqual({ op: op.name, code: 'UNAUTHENTICATED' });
    }
    expect(await fingerprint()).toEqual(before);
  });

  it('answers FORBIDDEN to a manufacturer on every customer operation, and to an operator on customer mutations', async () => {
    const before = await fingerprint();
    for (const op of customerOperations()) {
      const res = await h.as(MANUFACTURER)(op.query, op.variables);
      expect({ op: op.name, code: res.errors?.[0]?.extensions?.code }).toEqual({ op: op.name, code: 'FORBIDDEN' });
    }
    for (const op of customerOperations().filter((o) => !['order', 'orders'].includes(o.name))) {
      const res = await h.as(OPERATOR)(op.query, op.variables);
      expect({ op: op.name, code: res.errors?.[0]?.extensions?.code }).toEqual({ op: op.name, code: 'FORBIDDEN' });
    }
    expect(await fingerprint()).toEqual(before);
  });

  it('does not let customer B read, cancel or change customer A’s order', async () => {
    const before = await fingerprint();
    for (const res of [
      await h.as(bob)(ORDER, { id: adaOrder }),
      await h.as(bob)(CANCEL_ORDER, { id: adaOrder }),
      await h.as(bob)(CHANGE_LINE, { orderId: adaOrder, productId: tea, quantity: 1 }),
      await h.as(bob)(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id } } }`, { r: [{ __typename: 'Order', id: adaOrder }] }),
    ])
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await h.as(bob)(`{ orders { edges { node { id } } } }`)).data.orders.edges).toEqual([]);
    expect(await fingerprint()).toEqual(before);
  });

  it('shows a customer only itself; an operator sees every customer and every order', async () => {
    const me = await h.as(ada)(`{ me { id orderCount } }`);
    expect(me.data.me).toEqual({ id: ada.sub, orderCount: 1 });
    // Ids are compared as uuids, whatever their case in the token.
    const shouting = { ...ada, sub: ada.sub.toUpperCase() };
    expect((await h.as(shouting)(`{ me { id cart { lines { quantity } } } }`)).data.me).toEqual({ id: ada.sub, cart: { lines: [{ quantity: 1 }] } });
    expect((await h.as(shouting)(ORDER, { id: adaOrder })).data.order.id).toBe(adaOrder);
    const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id orderCount } } }`;
    expect((await h.as(bob)(entities, { r: [{ __typename: 'Customer', id: ada.sub }] })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await h.as(OPERATOR)(entities, { r: [{ __typename: 'Customer', id: ada.sub }] })).data._entities).toEqual([{ id: ada.sub, orderCount: 1 }]);
    expect((await h.as(OPERATOR)(ORDER, { id: adaOrder })).data.order.customer.id).toBe(ada.sub);
    const all = await h.as(OPERATOR)(`{ orders(first: 100) { edges { node { id customer { id } } } } }`);
    expect(all.data.orders.edges.map((e: any) => e.node.id)).toContain(adaOrder);
  });

  it('answers NOT_FOUND for an order that does not exist, malformed ids included', async () => {
    for (const id of [randomUUID(), 'not-an-id']) {
      expect((await h.as(ada)(ORDER, { id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect((await h.as(OPERATOR)(ORDER, { id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    expect((await h.as(ada)(CANCEL_ORDER, { id: randomUUID() })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('needs no registration here: a customer new to the service has an empty cart, and its first cart line makes its row', async () => {
    const newcomer: Identity = { sub: randomUUID(), role: Role.Customer };
    expect((await h.as(newcomer)(`{ me { id cart { lines { quantity } } orderCount } }`)).data.me).toEqual({ id: newcomer.sub, cart: { lines: [] }, orderCount: 0 });
    expect((await h.as(newcomer)(ADD_TO_CART, { productId: tea, quantity: 1 })).data.addToCart.lines).toHaveLength(1);
    expect(await h.service.database.query('SELECT id, subject FROM customer WHERE id = $1', [newcomer.sub])).toEqual([{ id: newcomer.sub, subject: null }]);
  });

  it("keeps an identity provider's subject beside the customer id made from it, the same id every time", async () => {
    const external: Identity = { sub: 'auth0|5f7c8ec7c33c6c004bbafe82', role: Role.Customer };
    const id = customerIdForSubject(external.sub);
    expect((await h.as(external)(`{ me { id } }`)).data.me).toEqual({ id });
    const placed = await h.as(external)(PLACE_ORDER, { input: { lines: [{ productId: tea, quantity: 1 }], idempotencyKey: key() } });
    expect(placed.data.placeOrder.customer).toEqual({ id });
    expect(await h.service.database.query('SELECT id, subject FROM customer WHERE id = $1', [id])).toEqual([{ id, subject: external.sub }]);
  });
});

describe('bad input', () => {
  // A valid customer token whose customer has no row here yet.
  const ghost: Identity = { sub: randomUUID(), role: 'CUSTOMER' } as Identity;
  const many = (n: number) => Array.from({ length: n }, (_, i) => ({ productId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, quantity: 1 }));
  const cases = (): Array<[string, () => Identity | null, string, Record<string, unknown>, string]> => [
    ['addToCart: quantity 0', () => ada, ADD_TO_CART, { productId: tea, quantity: 0 }, 'BAD_USER_INPUT'],
    ['addToCart: negative quantity', () => ada, ADD_TO_CART, { productId: tea, quantity: -1 }, 'BAD_USER_INPUT'],
    ['addToCart: more than 10,000', () => ada, ADD_TO_CART, { productId: tea, quantity: 10_001 }, 'BAD_USER_INPUT'],
    ['addToCart: line would pass 10,000', () => ada, ADD_TO_CART, { productId: tea, quantity: 10_000 }, 'BAD_USER_INPUT'],
    ['addToCart: malformed product id', () => ada, ADD_TO_CART, { productId: 'tea', quantity: 1 }, 'BAD_USER_INPUT'],
    ['addToCart: unknown product', () => ada, ADD_TO_CART, { productId: randomUUID(), quantity: 1 }, 'NOT_FOUND'],
    ['setCartLineQuantity: negative', () => ada, SET_CART_LINE, { productId: tea, quantity: -1 }, 'BAD_USER_INPUT'],
    ['setCartLineQuantity: more than 10,000', () => ada, SET_CART_LINE, { productId: tea, quantity: 10_001 }, 'BAD_USER_INPUT'],
    ['setCartLineQuantity: malformed product id', () => ada, SET_CART_LINE, { productId: 'x', quantity: 1 }, 'BAD_USER_INPUT'],
    ['removeFromCart: malformed product id', () => ada, REMOVE_FROM_CART, { productId: 'x' }, 'BAD_USER_INPUT'],
    ['placeOrder: key too short', () => ada, PLACE_ORDER, { input: { lines: [{ productId: tea, quantity: 1 }], idempotencyKey: '1234567' } }, 'BAD_USER_INPUT'],
    ['placeOrder: key too long', () => ada, PLACE_ORDER, { input: { lines: [{ productId: tea, quantity: 1 }], idempotencyKey: 'k'.repeat(101) } }, 'BAD_USER_INPUT'],
    ['placeOrder: no lines', () => ada, PLACE_ORDER, { input: { lines: [], idempotencyKey: key() } }, 'BAD_USER_INPUT'],
    ['placeOrder: neither lines nor cart', () => ada, PLACE_ORDER, { input: { idempotencyKey: key() } }, 'BAD_USER_INPUT'],
    ['placeOrder: fromCart false and no lines', () => ada, PLACE_ORDER, { input: { fromCart: false, idempotencyKey: key() } }, 'BAD_USER_INPUT'],
    ['placeOrder: lines and cart', () => ada, PLACE_ORDER, { input: { fromCart: true, lines: [{ productId: tea, quantity: 1 }], idempotencyKey: key() } }, 'BAD_USER_INPUT'],
    ['placeOrder: 51 lines', () => ada, PLACE_ORDER, { input: { lines: many(51), idempotencyKey: key() } }, 'BAD_USER_INPUT'],
    [
      'placeOrder: the same product twice',
      () => ada,
      PLACE_ORDER,
      {
        input: {
          lines: [
            { productId: tea, quantity: 1 },
            { productId: tea, quantity: 2 },
          ],
          idempotencyKey: key(),
        },
      },
      'BAD_USER_INPUT',
    ],
    ['placeOrder: quantity 0', () => ada, PLACE_ORDER, { input: { lines: [{ productId: tea, quantity: 0 }], idempotencyKey: key() } }, 'BAD_USER_INPUT'],
    ['placeOrder: quantity over 10,000', () => ada, PLACE_ORDER, { input: { lines: [{ productId: tea, quantity: 10_001 }], idempotencyKey: key() } }, 'BAD_USER_INPUT'],
    ['placeOrder: malformed product id', () => ada, PLACE_ORDER, { input: { lines: [{ productId: 'tea', quantity: 1 }], idempotencyKey: key() } }, 'BAD_USER_INPUT'],
    ['placeOrder: unknown product', () => ada, PLACE_ORDER, { input: { lines: [{ productId: randomUUID(), quantity: 1 }], idempotencyKey: key() } }, 'NOT_FOUND'],
    ['placeOrder: the empty cart of a customer new here', () => ghost, PLACE_ORDER, { input: { fromCart: true, idempotencyKey: key() } }, 'BAD_USER_INPUT'],
    ['cancelOrder: malformed id', () => ada, CANCEL_ORDER, { id: 'order-1' }, 'BAD_USER_INPUT'],
    ['cancelOrder: unknown order', () => ada, CANCEL_ORDER, { id: randomUUID() }, 'NOT_FOUND'],
    ['changeOrderLine: negative quantity', () => ada, CHANGE_LINE, { orderId: adaOrder, productId: tea, quantity: -1 }, 'BAD_USER_INPUT'],
    ['changeOrderLine: more than 10,000', () => ada, CHANGE_LINE, { orderId: adaOrder, productId: tea, quantity: 10_001 }, 'BAD_USER_INPUT'],
    ['changeOrderLine: product not in the order', () => ada, CHANGE_LINE, { orderId: adaOrder, productId: randomUUID(), quantity: 1 }, 'BAD_USER_INPUT'],
    ['changeOrderLine: malformed order id', () => ada, CHANGE_LINE, { orderId: 'o', productId: tea, quantity: 1 }, 'BAD_USER_INPUT'],
    ['changeOrderLine: unknown order', () => ada, CHANGE_LINE, { orderId: randomUUID(), productId: tea, quantity: 1 }, 'NOT_FOUND'],
    ['orders: page size over 100', () => ada, `{ orders(first: 101) { edges { cursor } } }`, {}, 'BAD_USER_INPUT'],
    ['orders: malformed cursor', () => ada, `{ orders(after: "garbage") { edges { cursor } } }`, {}, 'BAD_USER_INPUT'],
  ];

  it('answers every bad request with its code and changes nothing', async () => {
    const before = await fingerprint();
    for (const [name, who, query, variables, code] of cases()) {
      const res = await h.as(who())(query, variables);
      expect({ name, code: res.errors?.[0]?.extensions?.code }).toEqual({ name, code });
    }
    expect(await fingerprint()).toEqual(before);
  });
});
