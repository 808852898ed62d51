/** Consumer `order.catalog`: keeps the catalog read model (prices, discontinuation, availability) from others' events. */
import type { DomainEvent, EventBus } from '@distribution/events';
import type { Logger } from '@distribution/logging';
import { isUuid, sqlOf } from '@distribution/db';
import { recordAvailability, recordSupplyFacts, type AvailabilityFacts, type SupplyFacts } from '../db/catalog.js';
import type { AvailabilityChangedV1, SupplyChangedV1 } from './payloads.js';

export const CATALOG_CONSUMER = 'order.catalog';

export function registerCatalogConsumer(bus: EventBus, logger: Logger): void {
  bus.consume(CATALOG_CONSUMER, ['SupplyChanged', 'AvailabilityChanged'], async (events, manager) => {
    // Each producer's events arrive in commit order, so within a batch the last word per product wins.
    const supply = new Map<string, SupplyFacts>();
    const availability = new Map<string, AvailabilityFacts>();
    for (const event of events) {
      if (!acceptable(event, logger)) continue;
      if (event.type === 'SupplyChanged') {
        const p = event.payload as SupplyChangedV1;
        supply.set(p.productId, { productId: p.productId, manufacturerId: p.manufacturerId, unitPriceCents: p.unitPriceCents, discontinued: Boolean(p.discontinued) });
      } else {
        const p = event.payload as AvailabilityChangedV1;
        availability.set(p.productId, { productId: p.productId, manufacturerId: p.manufacturerId, available: p.available });
      }
    }
    const sql = sqlOf(manager);
    await recordSupplyFacts(sql, [...supply.values()]);
    await recordAvailability(sql, [...availability.values()]);
  });
}

/** Skips (and logs) what this version cannot read, rather than failing the batch over and over. */
function acceptable(event: DomainEvent, logger: Logger): boolean {
  const p = event.payload ?? {};
  const ok = event.version === 1 && isUuid(p.productId) && isUuid(p.manufacturerId) && (event.type === 'SupplyChanged'
    ? Number.isInteger(p.unitPriceCents) && p.unitPriceCents >= 0
    : Number.isInteger(p.available));
  if (!ok) logger.warn({ eventId: event.id, type: event.type, version: event.version }, 'catalog event skipped: not a payload this service understands');
  return ok;
}
