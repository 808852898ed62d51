import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADD_TO_CART, CART, CART_FIELDS, OPERATOR, PLACE_ORDER, REMOVE_FROM_CART, SET_CART_LINE, key, startHarness, type Harness } from './support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('order_cart');
});
afterAll(async () => {
  await h?.stop();
});

const cartOf = async (who: Parameters<Harness['as']>[0]) => (await h.as(who)(CART)).data.me.cart;

describe('the cart', () => {
  it('adds units to a line and totals the cart at the current price', async () => {
    const ada = await h.registerCustomer();
    const tea = await h.product({ priceCents: 150, available: 10 });
    const jam = await h.product({ priceCents: 1000, available: 10 });
    await h.as(ada)(ADD_TO_CART, { productId: tea, quantity: 2 });
    await h.as(ada)(ADD_TO_CART, { productId: jam, quantity: 1 });
    const res = await h.as(ada)(ADD_TO_CART, { productId: tea, quantity: 3 });
    expect(res.data.addToCart).toEqual({
      __typename: 'Cart',
      lines: [
        { product: { id: tea }, quantity: 5, unitPrice: '1.50', available: 10, problem: null },
        { product: { id: jam }, quantity: 1, unitPrice: '10.00', available: 10, problem: null },
      ],
      total: '17.50',
      canCheckout: true,
    });
    const { __typename, ...cart } = res.data.addToCart;
    expect(await cartOf(ada)).toEqual(cart);
  });

  it('answers InsufficientStock and leaves the cart unchanged when more is asked than is available', async () => {
    const ada = await h.registerCustomer();
    const tea = await h.product({ available: 5 });
    await h.as(ada)(ADD_TO_CART, { productId: tea, quantity: 5 });
    const res = await h.as(ada)(ADD_TO_CART, { productId: tea, quantity: 1 });
    expect(res.data.addToCart).toEqual({ __typename: 'InsufficientStock', lines: [{ product: { id: tea }, requested: 6, available: 5 }] });
    expect((await cartOf(ada)).lines).toEqual([{ product: { id: tea }, quantity: 5, unitPrice: '2.50', available: 5, problem: null }]);
    const set = await h.as(ada)(SET_CART_LINE, { productId: tea, quantity: 7 });
    expect(set.data.setCartLineQuantity).toEqual({ __typename: 'InsufficientStock', lines: [{ product: { id: tea }, requested: 7, available: 5 }] });
    expect((await cartOf(ada)).lines[0].quantity).toBe(5);
  });

  it('flags a line the distributor can no longer serve, with what is available, and refuses checkout meanwhile', async () => {
    const ada = await h.registerCustomer();
    const tea = await h.product({ available: 10, priceCents: 100 });
    await h.as(ada)(ADD_TO_CART, { productId: tea, quantity: 4 });
    await h.availabilityChanged(tea, 2);
    expect(await cartOf(ada)).toEqual({
      lines: [{ product: { id: tea }, quantity: 4, unitPrice: '1.00', available: 2, problem: 'INSUFFICIENT_STOCK' }],
      total: '4.00',
      canCheckout: false,
    });
    await h.availabilityChanged(tea, 0);
    expect((await cartOf(ada)).lines[0]).toMatchObject({ available: 0, problem: 'OUT_OF_STOCK' });
    await h.availabilityChanged(tea, 4);
    expect(await cartOf(ada)).toMatchObject({ lines: [{ available: 4, problem: null }], canCheckout: true });
    // Discontinued, it leaves the cart, and the cart says so until the customer is told (pruneCart).
    await h.supplyChanged(tea, { priceCents: 100, discontinued: true });
    const REMOVED = '{ me { cart { lines { product { id } } canCheckout removedLines { product { id } quantity kept reason removedAt } } } }';
    expect((await h.as(ada)(REMOVED)).data.me.cart).toEqual({
      lines: [],
      canCheckout: false,
      removedLines: [{ product: { id: tea }, quantity: 4, kept: 0, reason: 'DISCONTINUED', removedAt: expect.any(String) }],
    });
  });

  it('lets the customer lower a flagged line', async () => {
    const ada = await h.registerCustomer();
    const tea = await h.product({ available: 10 });
    await h.as(ada)(ADD_TO_CART, { productId: tea, quantity: 8 });
    await h.availabilityChanged(tea, 3);
    const res = await h.as(ada)(SET_CART_LINE, { productId: tea, quantity: 5 });
    expect(res.data.setCartLineQuantity).toMatchObject({ __typename: 'Cart', lines: [{ quantity: 5, problem: 'INSUFFICIENT_STOCK', available: 3 }] });
  });

  it('refuses a product the catalog does not know (NOT_FOUND) and a discontinued one (BAD_USER_INPUT)', async () => {
    const ada = await h.registerCustomer();
    const unknown = await h.as(ada)(ADD_TO_CART, { productId: '00000000-0000-4000-8000-00000000dead', quantity: 1 });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const gone = await h.product({ discontinued: true });
    const discontinued = await h.as(ada)(ADD_TO_CART, { productId: gone, quantity: 1 });
    expect(discontinued.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await cartOf(ada)).lines).toEqual([]);
  });

  it('sets a line quantity, removes it with 0, and removeFromCart removes a line', async () => {
    const ada = await h.registerCustomer();
    const tea = await h.product();
    const jam = await h.product();
    await h.as(ada)(SET_CART_LINE, { productId: tea, quantity: 3 });
    await h.as(ada)(SET_CART_LINE, { productId: jam, quantity: 2 });
    expect((await h.as(ada)(SET_CART_LINE, { productId: tea, quantity: 1 })).data.setCartLineQuantity.lines.map((l: any) => l.quantity)).toEqual([1, 2]);
    expect((await h.as(ada)(SET_CART_LINE, { productId: tea, quantity: 0 })).data.setCartLineQuantity.lines.map((l: any) => l.product.id)).toEqual([jam]);
    expect((await h.as(ada)(REMOVE_FROM_CART, { productId: jam })).data.removeFromCart).toEqual({ lines: [], total: '0.00', canCheckout: false });
    // Removing what is not there is not an error: the cart is as asked.
    expect((await h.as(ada)(REMOVE_FROM_CART, { productId: jam })).errors).toBeUndefined();
  });

  it('keeps carts apart: one customer never sees another customer’s cart', async () => {
    const ada = await h.registerCustomer('Ada');
    const bob = await h.registerCustomer('Bob');
    const tea = await h.product();
    await h.as(ada)(ADD_TO_CART, { productId: tea, quantity: 2 });
    expect((await cartOf(bob)).lines).toEqual([]);
  });

  it('places the cart as an order and empties it in the same transaction', async () => {
    const ada = await h.registerCustomer();
    const tea = await h.product({ priceCents: 300 });
    const jam = await h.product({ priceCents: 500 });
    await h.as(ada)(ADD_TO_CART, { productId: tea, quantity: 2 });
    await h.as(ada)(ADD_TO_CART, { productId: jam, quantity: 1 });
    const idempotencyKey = key();
    const res = await h.as(ada)(PLACE_ORDER, { input: { fromCart: true, idempotencyKey } });
    expect(res.data.placeOrder).toMatchObject({
      __typename: 'Order',
      status: 'CONFIRMED',
      total: '11.00',
      lines: [
        { product: { id: tea }, quantity: 2, unitPrice: '3.00' },
        { product: { id: jam }, quantity: 1, unitPrice: '5.00' },
      ],
    });
    expect((await cartOf(ada)).lines).toEqual([]);
    // The retry finds the order by its key, although the cart it came from is now empty.
    const retry = await h.as(ada)(PLACE_ORDER, { input: { fromCart: true, idempotencyKey } });
    expect(retry.data.placeOrder.id).toBe(res.data.placeOrder.id);
  });

  it('leaves the cart as it was when the order is not written', async () => {
    const ada = await h.registerCustomer();
    const tea = await h.product();
    const empty = await h.as(ada)(PLACE_ORDER, { input: { fromCart: true, idempotencyKey: key() } });
    expect(empty.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    await h.as(ada)(ADD_TO_CART, { productId: tea, quantity: 2 });
    const both = await h.as(ada)(PLACE_ORDER, { input: { fromCart: true, lines: [{ productId: tea, quantity: 1 }], idempotencyKey: key() } });
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // A discontinued product leaves the cart: a checkout then finds it empty.
    await h.supplyChanged(tea, { priceCents: 250, discontinued: true });
    const discontinued = await h.as(ada)(PLACE_ORDER, { input: { fromCart: true, idempotencyKey: key() } });
    expect(discontinued.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fromCart' });
    expect((await cartOf(ada)).lines).toEqual([]);
    const [{ c }] = await h.service.database.query('SELECT count(*)::int AS c FROM customer_order WHERE customer_id = $1', [ada.sub]);
    expect(c).toBe(0);
  });

  it('refuses a 51st line', async () => {
    const ada = await h.registerCustomer();
    const ids = await Promise.all(Array.from({ length: 51 }, () => h.product()));
    for (const id of ids.slice(0, 50)) expect((await h.as(ada)(ADD_TO_CART, { productId: id, quantity: 1 })).errors).toBeUndefined();
    const res = await h.as(ada)(ADD_TO_CART, { productId: ids[50], quantity: 1 });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await cartOf(ada)).lines).toHaveLength(50);
  });

  it('prunes in one call what can no longer be served, and says what it took out, with what the distributor took out before', async () => {
    const ada = await h.registerCustomer();
    const [fine, short, soldOut, old] = await Promise.all([h.product({ available: 10 }), h.product({ available: 10 }), h.product({ available: 10 }), h.product({ available: 10 })]);
    for (const [productId, quantity] of [
      [fine, 2],
      [short, 6],
      [soldOut, 1],
      [old, 3],
    ] as const) {
      expect((await h.as(ada)(ADD_TO_CART, { productId, quantity })).data.addToCart.__typename).toBe('Cart');
    }
    await h.availabilityChanged(short, 4);
    await h.availabilityChanged(soldOut, 0);
    await h.supplyChanged(old, { priceCents: 250, discontinued: true });

    const PRUNE = `mutation { pruneCart { cart { ${CART_FIELDS} removedLines { product { id } } } removed { product { id } quantity kept reason } } }`;
    const pruned = (await h.as(ada)(PRUNE)).data.pruneCart;
    expect(pruned.removed).toEqual([
      { product: { id: old }, quantity: 3, kept: 0, reason: 'DISCONTINUED' },
      { product: { id: short }, quantity: 2, kept: 4, reason: 'INSUFFICIENT_STOCK' },
      { product: { id: soldOut }, quantity: 1, kept: 0, reason: 'OUT_OF_STOCK' },
    ]);
    expect(pruned.cart).toMatchObject({
      lines: [
        { product: { id: fine }, quantity: 2, problem: null },
        { product: { id: short }, quantity: 4, problem: null },
      ],
      canCheckout: true,
      removedLines: [],
    });
    // Told once: pruning again removes nothing and tells nothing.
    expect((await h.as(ada)(PRUNE)).data.pruneCart.removed).toEqual([]);
    // Only customers have carts.
    expect((await h.as(OPERATOR)(PRUNE)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await h.as(null)(PRUNE)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
