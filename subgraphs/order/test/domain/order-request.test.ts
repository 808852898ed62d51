import { describe, expect, it } from 'vitest';
import { LIMITS, checkIdempotencyKey, checkPlaceOrderRequest, checkLineChange, checkOrderLines, checkQuantity, sameLines } from '../../src/domain/order-request.js';

const P1 = '00000000-0000-4000-8000-000000000001';
const P2 = '00000000-0000-4000-8000-000000000002';

describe('order requests', () => {
  it('takes quantities from 1 to 10,000, and 0 only where it means remove', () => {
    expect(checkQuantity(1)).toBeNull();
    expect(checkQuantity(LIMITS.maxQuantity)).toBeNull();
    expect(checkQuantity(LIMITS.maxQuantity + 1)).toMatch(/10000/);
    expect(checkQuantity(0)).toMatch(/at least 1/);
    expect(checkQuantity(-3)).not.toBeNull();
    expect(checkQuantity(0, { zeroRemoves: true })).toBeNull();
    expect(checkQuantity(-1, { zeroRemoves: true })).not.toBeNull();
  });

  it('accepts up to 50 distinct lines', () => {
    const many = Array.from({ length: LIMITS.maxLines }, (_, i) => ({ productId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, quantity: 1 }));
    expect(checkOrderLines(many)).toEqual({ ok: true, lines: many });
    const tooMany = [...many, { productId: '00000000-0000-4000-8000-999999999999', quantity: 1 }];
    expect(checkOrderLines(tooMany)).toMatchObject({ ok: false, problem: expect.stringMatching(/50/) });
  });

  it('refuses an empty order', () => {
    expect(checkOrderLines([])).toMatchObject({ ok: false });
  });

  it('rejects the same product twice instead of guessing whether to add or replace', () => {
    expect(
      checkOrderLines([
        { productId: P1, quantity: 1 },
        { productId: P1.toUpperCase(), quantity: 2 },
      ]),
    ).toMatchObject({ ok: false, problem: expect.stringMatching(/more than once/) });
  });

  it('rejects malformed product ids and bad quantities, naming the line', () => {
    expect(checkOrderLines([{ productId: 'nope', quantity: 1 }])).toMatchObject({ ok: false, field: 'lines[0].productId' });
    expect(
      checkOrderLines([
        { productId: P1, quantity: 1 },
        { productId: P2, quantity: 0 },
      ]),
    ).toMatchObject({ ok: false, field: 'lines[1].quantity' });
  });

  it('normalises product ids to lower case', () => {
    expect(checkOrderLines([{ productId: P1.toUpperCase().replace('0000-4000', '0000-4000'), quantity: 2 }])).toEqual({ ok: true, lines: [{ productId: P1, quantity: 2 }] });
  });

  it('takes idempotency keys of 8 to 100 characters', () => {
    expect(checkIdempotencyKey('12345678')).toBeNull();
    expect(checkIdempotencyKey('x'.repeat(100))).toBeNull();
    expect(checkIdempotencyKey('1234567')).not.toBeNull();
    expect(checkIdempotencyKey('x'.repeat(101))).not.toBeNull();
  });

  it('compares requested lines regardless of their order', () => {
    expect(
      sameLines(
        [
          { productId: P1, quantity: 1 },
          { productId: P2, quantity: 2 },
        ],
        [
          { productId: P2, quantity: 2 },
          { productId: P1, quantity: 1 },
        ],
      ),
    ).toBe(true);
    expect(sameLines([{ productId: P1, quantity: 1 }], [{ productId: P1, quantity: 2 }])).toBe(false);
    expect(
      sameLines(
        [{ productId: P1, quantity: 1 }],
        [
          { productId: P1, quantity: 1 },
          { productId: P2, quantity: 1 },
        ],
      ),
    ).toBe(false);
  });

  it('refuses to remove the last line of an order (cancel it instead)', () => {
    const lines = [{ productId: P1, quantity: 3 }];
    expect(checkLineChange(lines, P1, 0)).toMatchObject({ kind: 'refused', problem: expect.stringMatching(/cancel/i) });
    expect(checkLineChange([...lines, { productId: P2, quantity: 1 }], P1, 0)).toEqual({ kind: 'change', currentQuantity: 3 });
  });

  it('treats a change to the current quantity as nothing to do, and an unknown line as a mistake', () => {
    const lines = [{ productId: P1, quantity: 3 }];
    expect(checkLineChange(lines, P1, 3)).toEqual({ kind: 'unchanged' });
    expect(checkLineChange(lines, P1, 5)).toEqual({ kind: 'change', currentQuantity: 3 });
    expect(checkLineChange(lines, P2, 5)).toMatchObject({ kind: 'refused' });
  });

  it('takes either explicit lines or the cart, never both and never neither', () => {
    const line = { productId: P1, quantity: 1 };
    expect(checkPlaceOrderRequest({ lines: [line], idempotencyKey: 'key-12345' })).toEqual({ ok: true, fromCart: false, lines: [line], idempotencyKey: 'key-12345' });
    expect(checkPlaceOrderRequest({ fromCart: true, idempotencyKey: 'key-12345' })).toEqual({ ok: true, fromCart: true, idempotencyKey: 'key-12345' });
    expect(checkPlaceOrderRequest({ fromCart: true, lines: [line], idempotencyKey: 'key-12345' })).toMatchObject({ ok: false, field: 'lines' });
    expect(checkPlaceOrderRequest({ fromCart: false, idempotencyKey: 'key-12345' })).toMatchObject({ ok: false, field: 'lines' });
    expect(checkPlaceOrderRequest({ lines: [line], idempotencyKey: 'short' })).toMatchObject({ ok: false, field: 'idempotencyKey' });
  });
});
