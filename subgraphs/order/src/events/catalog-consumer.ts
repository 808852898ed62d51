/**
 * Consumer `order.catalog`: keeps the catalog read model (prices, discontinuation, availability) from
 * others' events. A product discontinued leaves every cart in the same transaction; the customer is
 * told what left (Cart.removedLines, pruneCart).
 */
import { EventType } from '@distribution/contracts';
import type { EventTransport } from '@distribution/events';
import { sqlOf } from '@distribution/db';
import { recordAvailability, recordSupplyFacts, type AvailabilityFacts, type SupplyFacts } from '../db/catalog.js';
import { removeDiscontinuedFromCarts } from '../db/cart-removals.js';

export const CATALOG_CONSUMER = 'order.catalog';

export function registerCatalogConsumer(bus: EventTransport): void {
  bus.consume(CATALOG_CONSUMER, { [EventType.SupplyChanged]: [1], [EventType.AvailabilityChanged]: [1] }, async (events, manager) => {
    // Each producer's events arrive in commit order, so within a batch the last word per product wins.
    const supply = new Map<string, SupplyFacts>();
    const availability = new Map<string, AvailabilityFacts>();
    for (const event of events) {
      const p = event.payload;
      if (event.type === EventType.SupplyChanged) {
        supply.set(p.productId, {
          productId: p.productId,
          manufacturerId: p.manufacturerId,
          unitPriceCents: event.payload.unitPriceCents,
          discontinued: event.payload.discontinued,
        });
      } else {
        availability.set(p.productId, { productId: p.productId, manufacturerId: p.manufacturerId, available: event.payload.available });
      }
    }
    const sql = sqlOf(manager);
    await recordSupplyFacts(sql, [...supply.values()]);
    await removeDiscontinuedFromCarts(
      sql,
      [...supply.values()].filter((f) => f.discontinued).map((f) => f.productId),
    );
    await recordAvailability(sql, [...availability.values()]);
  });
}
