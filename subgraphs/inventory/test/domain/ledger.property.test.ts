import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propertyRuns } from '@distribution/testkit/properties';
import { MOVEMENT_KINDS, replayMovements, type Movement } from '../../src/domain/ledger.js';
import { applyRequests, type PastReservation, type RecordedRejection, type Reservation, type ReservationRequest } from '../../src/domain/reservation.js';
import { closingStock, openingStock, salesOf } from '../../src/domain/rounds.js';
import { keepsInvariant, type StockChange, type StockRow } from '../../src/domain/stock.js';
import { applySupplyChanges, type ProductFacts, type SupplyChange } from '../../src/domain/supply.js';
import { requests } from './arbitraries.js';

const RUNS = propertyRuns(120);
const PRODUCTS = ['p0', 'p1', 'p2', 'p3'];

/** What the network does over time: manufacturers produce, rounds open and close, customers order. */
type Step =
  | { kind: 'OPEN' }
  | { kind: 'CLOSE' }
  | { kind: 'SUPPLY'; changes: Array<{ productId: string; units: number; discontinue: boolean }> }
  | { kind: 'ORDERS'; requests: ReservationRequest[] };

const step = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'OPEN' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'CLOSE' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('SUPPLY' as const),
      changes: fc.array(
        fc.record({
          productId: fc.constantFrom(...PRODUCTS),
          units: fc.integer({ min: 1, max: 30 }),
          discontinue: fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
    }),
  },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('ORDERS' as const), requests }) },
) as fc.Arbitrary<Step>;

/** The distributor's books, run through the pure rules the services apply to each event. */
class Books {
  round: number | null = null;
  lastRound = 0;
  rows = new Map<string, StockRow>();
  facts = new Map<string, ProductFacts>();
  held: Reservation[] = [];
  /** What inventory decided about every order (it answers each the same ever after): its reservation rows and its rejections. */
  decided = new Map<string, PastReservation>();
  rejections: RecordedRejection[] = [];
  ledger: Movement[] = [];
  produced = new Map<string, number>();

  apply(s: Step): void {
    if (s.kind === 'OPEN' && this.round === null) {
      this.round = ++this.lastRound;
      const offered = [...this.facts.values()].filter((f) => !f.discontinued);
      this.record(openingStock({ roundNumber: this.round, stock: [...this.rows.values()], offered, defaultThreshold: 3 }));
    } else if (s.kind === 'CLOSE' && this.round !== null) {
      const sold = this.held.map((r) => ({ ...r, manufacturerId: this.facts.get(r.productId)!.manufacturerId }));
      this.record(closingStock({ roundNumber: this.round, reservedRows: [...this.rows.values()].filter((r) => r.reserved > 0), sold }));
      // The manufacturers settle before the next round: what was sold leaves their supply.
      for (const sale of salesOf(sold)) {
        const facts = this.facts.get(sale.productId)!;
        this.facts.set(sale.productId, { ...facts, supply: facts.supply - sale.unitsSold });
      }
      for (const r of this.held) this.decided.set(`${r.orderId}|${r.productId}`, { ...r, status: 'SOLD' });
      this.held = [];
      this.round = null;
    } else if (s.kind === 'SUPPLY') {
      this.record(
        applySupplyChanges(
          { roundNumber: this.round, stock: [...this.rows.values()], defaultThreshold: 3 },
          s.changes.flatMap((c) => this.announce(c)),
        ),
      );
    } else if (s.kind === 'ORDERS') {
      const state = { roundNumber: this.round, stock: [...this.rows.values()], reservations: this.held, pastReservations: [...this.decided.values()], rejections: this.rejections };
      const result = applyRequests(state, s.requests);
      this.record(result);
      const byKey = new Map(this.held.map((r) => [`${r.orderId}|${r.productId}`, r]));
      for (const { status, ...r } of result.reservations) {
        byKey.set(`${r.orderId}|${r.productId}`, r);
        this.decided.set(`${r.orderId}|${r.productId}`, { ...r, status });
      }
      this.held = [...byKey.values()].filter((r) => r.quantity > 0);
      this.rejections = [...this.rejections, ...result.rejections];
    }
  }

  /** The SupplyChanged a manufacturer would announce (none for a discontinued product). */
  private announce(c: { productId: string; units: number; discontinue: boolean }): SupplyChange[] {
    const was = this.facts.get(c.productId);
    if (was?.discontinued) return [];
    const facts: ProductFacts = was
      ? { ...was, supply: was.supply + (c.discontinue ? 0 : c.units), discontinued: c.discontinue }
      : { productId: c.productId, manufacturerId: `m-${c.productId}`, category: 'tea', unitPriceCents: 120, supply: c.units, discontinued: false };
    this.facts.set(c.productId, facts);
    if (!c.discontinue || !was) this.produced.set(c.productId, (this.produced.get(c.productId) ?? 0) + c.units);
    const reason = !was ? 'CREATED' : c.discontinue ? 'DISCONTINUED' : 'PRODUCED';
    return [{ ...facts, delta: reason === 'DISCONTINUED' ? 0 : c.units, reason }];
  }

  private record(result: { changes: StockChange[]; movements: Movement[] }): void {
    for (const change of result.changes) this.rows.set(change.after.productId, change.after);
    this.ledger.push(...result.movements);
  }
}

describe('the stock movement ledger, over any life of the network', () => {
  it('replays, from nothing, to exactly what every stock row says after every step', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 24 }), (steps) => {
        const books = new Books();
        for (const s of steps) {
          books.apply(s);
          for (const row of books.rows.values()) {
            expect(keepsInvariant(row)).toBe(true);
            const replay = replayMovements(books.ledger.filter((m) => m.productId === row.productId));
            expect(replay).toEqual({ onHand: row.onHand, reserved: row.reserved });
          }
          expect(books.ledger.every((m) => Number.isInteger(m.quantity) && m.quantity > 0 && MOVEMENT_KINDS.includes(m.kind))).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('never sells a unit twice across rounds: sales never exceed what was produced', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 24 }), (steps) => {
        const books = new Books();
        for (const s of steps) books.apply(s);
        for (const productId of PRODUCTS) {
          const sold = books.ledger.filter((m) => m.productId === productId && m.kind === 'SALE').reduce((sum, m) => sum + m.quantity, 0);
          expect(sold).toBeLessThanOrEqual(books.produced.get(productId) ?? 0);
          // What a manufacturer still offers is exactly what it made and did not sell.
          if (books.facts.has(productId) && books.round === null) expect(books.facts.get(productId)!.supply).toBe((books.produced.get(productId) ?? 0) - sold);
        }
      }),
      RUNS,
    );
  });

  it('books every reservation of a closed round as a sale, and nothing stays promised', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 24 }), (steps) => {
        const books = new Books();
        for (const s of [...steps, { kind: 'CLOSE' } as const]) books.apply(s);
        for (const row of books.rows.values()) expect(row.reserved).toBe(0);
        const byOrder = (kinds: string[]) => books.ledger.filter((m) => kinds.includes(m.kind)).reduce((sum, m) => sum + m.quantity, 0);
        expect(byOrder(['RESERVE'])).toBe(byOrder(['RELEASE', 'SALE']));
      }),
      RUNS,
    );
  });
});
