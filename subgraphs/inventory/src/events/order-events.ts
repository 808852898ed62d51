/**
 * Consumer `inventory.orders`: OrderPlaced, OrderCancelled, OrderLineChangeRequested and
 * OrderOverdue, a batch per transaction. The batch locks every stock row it touches with ONE statement in product-id
 * order, applies its requests in bus order with the pure rules, writes back set-based, and
 * announces the outcomes and stock changes in the same transaction (the writes in one statement).
 * It never closes the round itself (see rounds/round-watch.ts).
 */
import { causedBy } from '@distribution/contracts';
import { outboxPart, type EventBus } from '@distribution/events';
import { runTogether, sqlOf, type Sql } from '@distribution/db';
import { applyRequests, productsTouched, type ReservationRequest } from '../domain/reservation.js';
import { holdStockWriterLock } from '../db/locks.js';
import { openRound } from '../db/rounds.js';
import { reservationWrites } from '../db/reservations.js';
import { heldInRound, orderRecords, rejectionWrites } from '../db/order-decisions.js';
import { lockStock, stockUpdate } from '../db/stock.js';
import { movementInserts } from '../db/ledger.js';
import { retryOnConflict } from '../db/retry.js';
import { wakeRoundWatch } from '../rounds/round-watch.js';
import type { InventoryDeps } from '../settings.js';
import { ORDER_REQUESTS, outcomeEvent, readOrderRequest } from './payloads.js';
import { stockChangeEvents } from './stock-events.js';
import { liveAnnouncements } from '../live/announce.js';

export const ORDERS_CONSUMER = 'inventory.orders';
export function registerOrderConsumer(bus: EventBus, deps: InventoryDeps): void {
  bus.consume(ORDERS_CONSUMER, ORDER_REQUESTS, (events, manager) => {
    const requests = events.map(readOrderRequest);
    const sql = sqlOf(manager);
    // Each answer continues the trace of the order it answers (a batch holds orders of many requests).
    const causes = new Map(events.flatMap((e) => (e.traceparent ? [[e.payload.orderId, e.traceparent] as const] : [])));
    return retryOnConflict(sql, deps.logger, 'reservation batch', () => applyReservationBatch(sql, requests, deps, causes));
  });
}

/** Applies a batch of order requests in the caller's transaction. */
export async function applyReservationBatch(
  sql: Sql,
  requests: ReservationRequest[],
  deps: InventoryDeps,
  /** Per order id, the traceparent of the event that asked (its outcome continues that trace). */
  causes: ReadonlyMap<string, string> = new Map(),
): Promise<void> {
  await holdStockWriterLock(sql);
  const round = await openRound(sql);
  const roundNumber = round?.number ?? null;
  // What inventory decided about these orders before (it answers an order the same ever after), and what they hold now.
  const records = await orderRecords(sql, [...new Set(requests.map((r) => r.orderId))]);
  const reservations = heldInRound(records, roundNumber);
  const stock = await lockStock(sql, productsTouched(requests, reservations), deps.defaultThreshold);

  const result = applyRequests({ roundNumber, stock, reservations, pastReservations: records.reservations, rejections: records.rejections }, requests);
  const events = [...result.outcomes.map((o) => causedBy(outcomeEvent(o), causes.get(o.orderId))), ...stockChangeEvents(result.changes)];
  // Every write of the batch, its events and their live announcements: ONE statement, one round trip.
  await runTogether(sql, [
    stockUpdate(result.changes.map((c) => c.after)),
    reservationWrites(result.reservations),
    rejectionWrites(result.rejections),
    movementInserts(result.movements),
    outboxPart(deps.schema, events),
    liveAnnouncements(events),
  ]);
  deps.logger.debug({ requests: requests.length, outcomes: result.outcomes.length, roundNumber }, 'reservation batch applied');

  // A product that ran out may have been the round's last: the round watch looks once this commits.
  if (round && result.changes.some((c) => c.after.onHand === c.after.reserved)) await wakeRoundWatch(sql);
}
