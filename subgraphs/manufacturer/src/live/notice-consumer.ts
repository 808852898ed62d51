/**
 * Consumer `manufacturer.notices`: StockReserved and StockDepleted from inventory become SOLD and
 * DEPLETED notices for the manufacturer that makes each product, announced in the consumer's own
 * transaction (so a batch that rolls back announces nothing, and the inbox keeps a redelivered
 * batch from announcing twice). It changes no table: notices are live news, not state.
 */
import { sqlOf, type Sql } from '@distribution/db';
import type { EventTransport } from '@distribution/events';
import type { Logger } from '@distribution/logging';
import { makersOf } from '../db/products.js';
import { announceNotices } from './notices.js';
import { isRecent, noticesOf, readStockFact, STOCK_FACTS, type StockEvent, type StockFact } from './sales-notices.js';

export const NOTICES_CONSUMER = 'manufacturer.notices';

export function registerNoticeConsumer(bus: EventTransport, deps: { logger: Logger }): void {
  bus.consume(NOTICES_CONSUMER, STOCK_FACTS, (events, manager) => announceStockNotices(sqlOf(manager), events, deps));
}

export async function announceStockNotices(sql: Sql, events: StockEvent[], { logger }: { logger: Logger }): Promise<void> {
  const now = Date.now();
  const facts = events.map(readStockFact).filter((fact): fact is StockFact => fact !== null && isRecent(fact.event, now));
  if (facts.length === 0) return;
  const productIds = [...new Set(facts.flatMap((fact) => fact.lines.map((line) => line.productId)))];
  const makerOf = await makersOf(sql, productIds);
  if (makerOf.size < productIds.length) {
    logger.warn({ unknown: productIds.filter((id) => !makerOf.has(id)) }, 'stock events about products not in our catalog; not announced');
  }
  await announceNotices(sql, noticesOf(facts, makerOf));
}
