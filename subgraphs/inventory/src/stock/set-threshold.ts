/** Setting a product's low-stock threshold: the operator, or the manufacturer that makes it. */
import { sqlOf, type ServiceDatabase } from '@distribution/db';
import { recordEvents } from '@distribution/events';
import { Role, type Identity } from '@distribution/auth';
import { forbidden, notFound } from '@distribution/errors';
import type { StockRow } from '../domain/stock.js';
import { productFacts } from '../db/products.js';
import { setThreshold } from '../db/stock.js';
import { stockChangeEvents } from '../events/stock-events.js';
import { announceLive } from '../live/announce.js';
import type { InventoryDeps } from '../settings.js';

/** Sets the threshold (input already validated); NOT_FOUND for an unknown product, FORBIDDEN for another manufacturer's. */
export async function setLowStockThreshold(database: ServiceDatabase, deps: InventoryDeps, who: Identity, productId: string, threshold: number): Promise<StockRow> {
  return database.transaction(async (manager) => {
    const sql = sqlOf(manager);
    const product = await productFacts(sql, productId);
    if (!product) throw notFound('Product', productId);
    if (who.role === Role.Manufacturer && product.manufacturerId !== who.sub.toLowerCase())
      throw forbidden('Only the manufacturer of this product (or the operator) may set its threshold');
    const change = await setThreshold(sql, productId, threshold, deps.defaultThreshold);
    const events = stockChangeEvents([change]);
    await recordEvents(sql, deps.schema, events);
    await announceLive(sql, events);
    return change.after;
  });
}
