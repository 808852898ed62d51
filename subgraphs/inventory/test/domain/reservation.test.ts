import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyRequests, mergeLines, productsTouched, type Outcome, type Reservation, type ReservationRequest, type ReservationState } from '../../src/domain/reservation.js';
import { availableOf, keepsInvariant, type StockRow } from '../../src/domain/stock.js';
import { replayMovements } from '../../src/domain/ledger.js';
import { outcomeEvent } from '../../src/events/payloads.js';

const ROUND = 3;
const row = (productId: string, onHand: number, reserved = 0): StockRow => ({
  productId,
  manufacturerId: `m-${productId}`,
  category: 'tea',
  onHand,
  reserved,
  lowStockThreshold: 5,
  roundNumber: ROUND,
});
const place = (orderId: string, ...lines: Array<[string, number]>): ReservationRequest => ({
  kind: 'PLACE',
  orderId,
  lines: lines.map(([productId, quantity]) => ({ productId, quantity, unitPriceCents: 250 })),
});
const cancel = (orderId: string): ReservationRequest => ({ kind: 'CANCEL', orderId });
const change = (orderId: string, productId: string, quantity: number, changeId = `c-${orderId}-${quantity}`): ReservationRequest => ({
  kind: 'CHANGE',
  orderId,
  changeId,
  productId,
  quantity,
  unitPriceCents: 300,
});
const held = (orderId: string, productId: string, quantity: number): Reservation => ({ orderId, productId, roundNumber: ROUND, quantity, unitPriceCents: 250 });
const state = (stock: StockRow[], reservations: Reservation[] = [], roundNumber: number | null = ROUND): ReservationState => ({ roundNumber, stock, reservations });
const after = (result: ReturnType<typeof applyRequests>, productId: string) => result.changes.find((c) => c.after.productId === productId)?.after;
const kinds = (outcomes: Outcome[]) => outcomes.map((o) => (o.kind === 'REJECTED' ? `${o.orderId}:${o.reason}` : `${o.orderId}:${o.kind}`));

describe('reserving stock for orders', () => {
  it('never sells the last unit twice: 200 one-unit orders on 20 units reserve exactly 20', () => {
    const requests = Array.from({ length: 200 }, (_, i) => place(`o${i}`, ['tea', 1]));
    const result = applyRequests(state([row('tea', 20)]), requests);
    const reserved = result.outcomes.filter((o) => o.kind === 'RESERVED');
    const rejected = result.outcomes.filter((o) => o.kind === 'REJECTED');
    expect(reserved).toHaveLength(20);
    expect(reserved.map((o) => o.orderId)).toEqual(Array.from({ length: 20 }, (_, i) => `o${i}`));
    expect(rejected).toHaveLength(180);
    for (const o of rejected) expect(o).toMatchObject({ reason: 'INSUFFICIENT_STOCK', lines: [{ productId: 'tea', requested: 1, available: 0 }] });
    expect(after(result, 'tea')).toMatchObject({ onHand: 20, reserved: 20 });
  });

  it('changes a hot product once however many orders touched it, with one movement per order', () => {
    const result = applyRequests(
      state([row('tea', 1000)]),
      Array.from({ length: 100 }, (_, i) => place(`o${i}`, ['tea', 2])),
    );
    expect(result.changes).toHaveLength(1);
    expect(result.changes[0]).toMatchObject({ before: { reserved: 0 }, after: { reserved: 200 } });
    expect(result.movements).toHaveLength(100);
    expect(result.movements.every((m) => m.kind === 'RESERVE' && m.quantity === 2 && m.roundNumber === ROUND)).toBe(true);
  });

  it('reserves every line of an order or none of them', () => {
    const result = applyRequests(state([row('tea', 10), row('cup', 1)]), [place('o1', ['tea', 4], ['cup', 2])]);
    expect(result.outcomes).toEqual([
      {
        kind: 'REJECTED',
        orderId: 'o1',
        changeId: null,
        reason: 'INSUFFICIENT_STOCK',
        lines: [{ productId: 'cup', requested: 2, available: 1 }],
      },
    ]);
    expect(result.changes).toEqual([]);
    expect(result.movements).toEqual([]);
    expect(result.reservations).toEqual([]);
  });

  it('lists every short line with what was asked and what is left', () => {
    const result = applyRequests(state([row('tea', 3), row('cup', 1), row('pot', 9)]), [place('o1', ['tea', 4], ['cup', 2], ['pot', 1])]);
    expect(result.outcomes[0]).toMatchObject({
      reason: 'INSUFFICIENT_STOCK',
      lines: [
        { productId: 'tea', requested: 4, available: 3 },
        { productId: 'cup', requested: 2, available: 1 },
      ],
    });
  });

  it('lets a later order see what an earlier one in the same batch took', () => {
    const result = applyRequests(state([row('tea', 5), row('cup', 5)]), [
      place('first', ['tea', 3], ['cup', 1]),
      place('second', ['cup', 2], ['tea', 3]),
      place('third', ['cup', 4]),
      place('fourth', ['tea', 2], ['cup', 2]),
    ]);
    expect(kinds(result.outcomes)).toEqual(['first:RESERVED', 'second:INSUFFICIENT_STOCK', 'third:RESERVED', 'fourth:INSUFFICIENT_STOCK']);
    expect(result.outcomes[1]).toMatchObject({ lines: [{ productId: 'tea', requested: 3, available: 2 }] });
    expect(result.outcomes[3]).toMatchObject({ lines: [{ productId: 'cup', requested: 2, available: 0 }] });
    expect(after(result, 'tea')).toMatchObject({ reserved: 3 });
    expect(after(result, 'cup')).toMatchObject({ reserved: 5 });
  });

  it('rejects an order naming a product inventory does not know, reserving none of its lines', () => {
    const result = applyRequests(state([row('tea', 5)]), [place('o1', ['tea', 1], ['ghost', 2])]);
    expect(result.outcomes).toEqual([{ kind: 'REJECTED', orderId: 'o1', changeId: null, reason: 'UNKNOWN_PRODUCT', lines: [{ productId: 'ghost', requested: 2, available: 0 }] }]);
    expect(result.changes).toEqual([]);
  });

  it('rejects everything while no round is open', () => {
    const result = applyRequests(state([row('tea', 5)], [], null), [place('o1', ['tea', 1]), change('o2', 'tea', 3), cancel('o3')]);
    expect(result.outcomes).toEqual([
      { kind: 'REJECTED', orderId: 'o1', changeId: null, reason: 'NO_OPEN_ROUND', lines: [{ productId: 'tea', requested: 1, available: 0 }] },
      { kind: 'REJECTED', orderId: 'o2', changeId: 'c-o2-3', reason: 'NO_OPEN_ROUND', lines: [{ productId: 'tea', requested: 3, available: 0 }] },
    ]);
    expect(result.changes).toEqual([]);
  });

  it('sums the lines of an order that names a product twice', () => {
    expect(
      mergeLines([
        { productId: 'tea', quantity: 2, unitPriceCents: 1 },
        { productId: 'cup', quantity: 1, unitPriceCents: 2 },
        { productId: 'tea', quantity: 3, unitPriceCents: 9 },
      ]),
    ).toEqual([
      { productId: 'tea', quantity: 5, unitPriceCents: 1 },
      { productId: 'cup', quantity: 1, unitPriceCents: 2 },
    ]);
    const result = applyRequests(state([row('tea', 4)]), [place('o1', ['tea', 2], ['tea', 3])]);
    expect(result.outcomes[0]).toMatchObject({ reason: 'INSUFFICIENT_STOCK', lines: [{ productId: 'tea', requested: 5, available: 4 }] });
  });

  it('keeps the unit price of each line on its reservation', () => {
    const result = applyRequests(state([row('tea', 4)]), [{ kind: 'PLACE', orderId: 'o1', lines: [{ productId: 'tea', quantity: 2, unitPriceCents: 1234 }] }]);
    expect(result.reservations).toEqual([{ orderId: 'o1', productId: 'tea', roundNumber: ROUND, quantity: 2, unitPriceCents: 1234, status: 'RESERVED' }]);
  });

  it('answers an order announced twice with what it already holds, taking nothing more', () => {
    const result = applyRequests(state([row('tea', 10, 2)], [held('o1', 'tea', 2)]), [place('o1', ['tea', 2])]);
    expect(result.outcomes).toEqual([{ kind: 'RESERVED', orderId: 'o1', changeId: null, roundNumber: ROUND, lines: [{ productId: 'tea', quantity: 2 }] }]);
    expect(result.changes).toEqual([]);
  });
});

describe('cancelling orders', () => {
  it('releases exactly what the order held and nothing of other orders', () => {
    const result = applyRequests(state([row('tea', 10, 7), row('cup', 4, 4)], [held('o1', 'tea', 3), held('o1', 'cup', 1), held('o2', 'tea', 4)]), [cancel('o1')]);
    expect(result.outcomes).toEqual([
      {
        kind: 'RELEASED',
        orderId: 'o1',
        lines: [
          { productId: 'tea', quantity: 3 },
          { productId: 'cup', quantity: 1 },
        ],
      },
    ]);
    expect(after(result, 'tea')).toMatchObject({ onHand: 10, reserved: 4 });
    expect(after(result, 'cup')).toMatchObject({ onHand: 4, reserved: 3 });
    expect(result.reservations.map((r) => [r.orderId, r.productId, r.quantity, r.status])).toEqual([
      ['o1', 'tea', 0, 'RELEASED'],
      ['o1', 'cup', 0, 'RELEASED'],
    ]);
    expect(result.movements.map((m) => [m.kind, m.productId, m.quantity, m.orderId])).toEqual([
      ['RELEASE', 'tea', 3, 'o1'],
      ['RELEASE', 'cup', 1, 'o1'],
    ]);
  });

  it('ignores a cancellation of an order that holds nothing (e.g. already sold when its round closed)', () => {
    const result = applyRequests(state([row('tea', 10, 0)]), [cancel('sold-order')]);
    expect(result).toEqual({ changes: [], outcomes: [], movements: [], reservations: [], rejections: [] });
  });

  it('releases an order placed earlier in the same batch, and only once when cancelled twice', () => {
    const result = applyRequests(state([row('tea', 2)]), [place('o1', ['tea', 2]), place('o2', ['tea', 1]), cancel('o1'), cancel('o1'), place('o3', ['tea', 2])]);
    expect(kinds(result.outcomes)).toEqual(['o1:RESERVED', 'o2:INSUFFICIENT_STOCK', 'o1:RELEASED', 'o3:RESERVED']);
    expect(after(result, 'tea')).toMatchObject({ reserved: 2 });
  });
});

describe('changing an order line', () => {
  it('reserves only the difference when a line grows, and says so (delta) next to the new total', () => {
    const result = applyRequests(state([row('tea', 10, 3)], [held('o1', 'tea', 3)]), [change('o1', 'tea', 5, 'ch1')]);
    expect(result.outcomes).toEqual([{ kind: 'RESERVED', orderId: 'o1', changeId: 'ch1', roundNumber: ROUND, lines: [{ productId: 'tea', quantity: 5, delta: 2 }] }]);
    expect(result.movements).toEqual([{ productId: 'tea', roundNumber: ROUND, kind: 'RESERVE', quantity: 2, orderId: 'o1' }]);
    expect(after(result, 'tea')).toMatchObject({ reserved: 5 });
    expect(result.reservations).toEqual([{ orderId: 'o1', productId: 'tea', roundNumber: ROUND, quantity: 5, unitPriceCents: 300, status: 'RESERVED' }]);
  });

  it('rejects growth beyond what is left and leaves the old quantity held', () => {
    const result = applyRequests(state([row('tea', 10, 9)], [held('o1', 'tea', 3)]), [change('o1', 'tea', 6, 'ch1')]);
    expect(result.outcomes).toEqual([
      { kind: 'REJECTED', orderId: 'o1', changeId: 'ch1', reason: 'INSUFFICIENT_STOCK', lines: [{ productId: 'tea', requested: 6, available: 4 }] },
    ]);
    expect(result.changes).toEqual([]);
    expect(result.reservations).toEqual([]);
  });

  it('releases the difference when a line shrinks, and the whole line at 0', () => {
    const result = applyRequests(state([row('tea', 10, 6)], [held('o1', 'tea', 6)]), [change('o1', 'tea', 2), change('o1', 'tea', 0)]);
    expect(kinds(result.outcomes)).toEqual(['o1:RESERVED', 'o1:RESERVED']);
    expect(result.outcomes.flatMap((o) => (o.kind === 'RESERVED' ? o.lines : []))).toEqual([
      { productId: 'tea', quantity: 2, delta: -4 },
      { productId: 'tea', quantity: 0, delta: -2 },
    ]);
    expect(result.movements.map((m) => [m.kind, m.quantity])).toEqual([
      ['RELEASE', 4],
      ['RELEASE', 2],
    ]);
    expect(after(result, 'tea')).toMatchObject({ reserved: 0 });
    expect(result.reservations).toEqual([{ orderId: 'o1', productId: 'tea', roundNumber: ROUND, quantity: 0, unitPriceCents: 300, status: 'RELEASED' }]);
  });

  it('adds a product the order did not have yet', () => {
    const result = applyRequests(state([row('tea', 10, 1), row('cup', 3)], [held('o1', 'tea', 1)]), [change('o1', 'cup', 3)]);
    expect(kinds(result.outcomes)).toEqual(['o1:RESERVED']);
    expect(after(result, 'cup')).toMatchObject({ reserved: 3 });
  });

  it('refuses to change an order that holds nothing in the open round', () => {
    const result = applyRequests(state([row('tea', 10)]), [change('sold', 'tea', 2, 'ch')]);
    expect(result.outcomes).toEqual([{ kind: 'REJECTED', orderId: 'sold', changeId: 'ch', reason: 'NO_OPEN_ROUND', lines: [{ productId: 'tea', requested: 2, available: 0 }] }]);
  });

  it('refuses a product inventory does not know', () => {
    const result = applyRequests(state([row('tea', 10, 1)], [held('o1', 'tea', 1)]), [change('o1', 'ghost', 2, 'ch')]);
    expect(result.outcomes[0]).toMatchObject({ reason: 'UNKNOWN_PRODUCT', lines: [{ productId: 'ghost', requested: 2, available: 0 }] });
  });
});

describe('the invariant under any sequence of requests', () => {
  it('keeps 0 <= reserved <= onHand, reserved = what orders hold, and the ledger replays to the rows', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const products = ['a', 'b', 'c', 'd'];
    for (let trial = 0; trial < 200; trial++) {
      const stock = products.map((p) => row(p, random(8)));
      let placed = 0;
      const requests: ReservationRequest[] = Array.from({ length: 30 }, () => {
        const pick = random(10);
        const earlier = `p${random(Math.max(placed, 1))}`;
        if (pick < 5 || placed === 0) {
          const lines = products.filter(() => random(2) === 0).map((p): [string, number] => [p, 1 + random(3)]);
          return place(`p${placed++}`, ...lines.concat([[products[random(4)]!, 1]]));
        }
        if (pick < 7) return cancel(earlier);
        return change(earlier, products[random(4)]!, random(5));
      });
      const result = applyRequests(state(stock), requests);
      const final = new Map(stock.map((r) => [r.productId, r]));
      for (const c of result.changes) final.set(c.after.productId, c.after);
      const holding = new Map<string, number>();
      const reservations = new Map<string, number>();
      for (const r of result.reservations) reservations.set(`${r.orderId}|${r.productId}`, r.quantity);
      for (const [k, q] of reservations) holding.set(k.split('|')[1]!, (holding.get(k.split('|')[1]!) ?? 0) + q);
      for (const [productId, r] of final) {
        expect(keepsInvariant(r)).toBe(true);
        expect(r.reserved).toBe(holding.get(productId) ?? 0);
        const replay = replayMovements(result.movements.filter((m) => m.productId === productId));
        expect(replay.reserved).toBe(r.reserved);
        expect(availableOf(r)).toBeGreaterThanOrEqual(0);
      }
      // All or nothing: a rejected placement took nothing at all; a reserved one took every line.
      requests.forEach((request, i) => {
        if (request.kind !== 'PLACE') return;
        const outcome = result.outcomes.find((o) => o.orderId === request.orderId && o.kind !== 'RELEASED' && o.changeId === null)!;
        const firstTaken = result.movements.filter((m) => m.orderId === request.orderId && m.kind === 'RESERVE').slice(0, mergeLines(request.lines).length);
        if (outcome.kind === 'REJECTED') expect(firstTaken, `request ${i}`).toEqual([]);
        else expect(firstTaken.map((m) => [m.productId, m.quantity])).toEqual(mergeLines(request.lines).map((l) => [l.productId, l.quantity]));
      });
    }
  });

  it('names every product a batch may touch, in product order, including what cancelled orders hold', () => {
    expect(productsTouched([place('o1', ['c', 1], ['a', 1]), cancel('o2'), change('o3', 'b', 1)], [held('o2', 'd', 1), held('o9', 'z', 1)])).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('the StockReserved payload', () => {
  it('carries delta for a changed line only: a new order’s lines are all new', () => {
    // The contract's builder checks ids, so these are real ones.
    const [order, tea, changeId] = [randomUUID(), randomUUID(), randomUUID()];
    const placed = applyRequests(state([row(tea, 10)]), [place(order, [tea, 3])]).outcomes[0]!;
    const changed = applyRequests(state([row(tea, 10, 3)], [held(order, tea, 3)]), [change(order, tea, 1, changeId)]).outcomes[0]!;
    expect(outcomeEvent(placed)).toEqual({
      type: 'StockReserved',
      version: 1,
      payload: { orderId: order, changeId: null, roundNumber: ROUND, lines: [{ productId: tea, quantity: 3 }] },
    });
    expect(outcomeEvent(changed)).toEqual({
      type: 'StockReserved',
      version: 1,
      payload: { orderId: order, changeId, roundNumber: ROUND, lines: [{ productId: tea, quantity: 1, delta: -2 }] },
    });
  });
});
