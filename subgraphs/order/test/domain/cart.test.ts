import { describe, expect, it } from 'vitest';
import { CartLineProblem, cartLineProblem, decideCartQuantity, pruneCart, summarizeCart } from '../../src/domain/cart.js';

describe('cart lines', () => {
  it('flags a line the distributor can no longer serve, with the most telling reason', () => {
    expect(cartLineProblem({ quantity: 3, available: 3, discontinued: false })).toBeNull();
    expect(cartLineProblem({ quantity: 4, available: 3, discontinued: false })).toBe(CartLineProblem.InsufficientStock);
    expect(cartLineProblem({ quantity: 1, available: 0, discontinued: false })).toBe(CartLineProblem.OutOfStock);
    expect(cartLineProblem({ quantity: 1, available: 10, discontinued: true })).toBe(CartLineProblem.Discontinued);
  });

  it('totals the cart and allows checkout only when every line can be served', () => {
    const ok = { quantity: 2, unitPriceCents: 150, available: 5, discontinued: false };
    expect(summarizeCart([ok, { ...ok, quantity: 1, unitPriceCents: 1000 }])).toEqual({ totalCents: 1300, canCheckout: true });
    expect(summarizeCart([ok, { ...ok, available: 1 }])).toMatchObject({ canCheckout: false });
    expect(summarizeCart([])).toEqual({ totalCents: 0, canCheckout: false });
  });

  it('refuses more units than are available, and any increase of a discontinued product', () => {
    expect(decideCartQuantity({ current: 0, wanted: 5, available: 5, discontinued: false })).toEqual({ kind: 'accept' });
    expect(decideCartQuantity({ current: 0, wanted: 6, available: 5, discontinued: false })).toEqual({ kind: 'insufficient', available: 5 });
    expect(decideCartQuantity({ current: 0, wanted: 1, available: 5, discontinued: true })).toEqual({ kind: 'discontinued' });
  });

  it('always lets the customer lower a line, towards what can be served', () => {
    expect(decideCartQuantity({ current: 8, wanted: 6, available: 2, discontinued: false })).toEqual({ kind: 'accept' });
    expect(decideCartQuantity({ current: 8, wanted: 6, available: 2, discontinued: true })).toEqual({ kind: 'accept' });
  });

  it('prunes what the distributor can no longer serve: discontinued and sold-out lines go, a line asking too much is lowered to what is available', () => {
    expect(
      pruneCart([
        { productId: 'fine', quantity: 3, available: 3, discontinued: false },
        { productId: 'short', quantity: 5, available: 2, discontinued: false },
        { productId: 'gone', quantity: 1, available: 0, discontinued: false },
        { productId: 'old', quantity: 2, available: 9, discontinued: true },
      ]),
    ).toEqual([
      { productId: 'short', quantity: 3, kept: 2, reason: CartLineProblem.InsufficientStock },
      { productId: 'gone', quantity: 1, kept: 0, reason: CartLineProblem.OutOfStock },
      { productId: 'old', quantity: 2, kept: 0, reason: CartLineProblem.Discontinued },
    ]);
    expect(pruneCart([{ productId: 'fine', quantity: 1, available: 1, discontinued: false }])).toEqual([]);
  });
});
