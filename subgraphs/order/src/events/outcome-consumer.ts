/**
 * Consumer `order.outcomes`: inventory's answers move orders through their lifecycle. One consumer
 * for all four types keeps their bus order (a reservation is applied before its round closes);
 * an answer to an OrderOverdue may still confirm an order after its round closed: it is fulfilled then.
 * Every move is guarded by the lifecycle, so a late or repeated answer changes nothing (and is logged).
 * Answers about whole orders are applied in runs, one statement per run, in bus order.
 */
import { EventType, type StockReservedV1 } from '@distribution/contracts';
import type { DomainEvent, EventTransport } from '@distribution/events';
import { sqlOf, type Sql } from '@distribution/db';
import type { Logger } from '@distribution/logging';
import { OrderStatus } from '../domain/order-lifecycle.js';
import { fulfilRound, moveOrders, setOrderLineQuantity, type OrderMove } from '../db/orders.js';
import { decideChange, lockChange } from '../db/changes.js';
import { fulfilLateConfirmations, recordClosedRound } from '../db/closed-rounds.js';
import { announceOrderChanges } from './order-signals.js';

export const OUTCOME_CONSUMER = 'order.outcomes';

const OUTCOMES = { [EventType.StockReserved]: [1], [EventType.StockRejected]: [1, 2], [EventType.StockReleased]: [1], [EventType.RoundClosed]: [1] } as const;
type Outcome = DomainEvent<keyof typeof OUTCOMES>;

export function registerOutcomeConsumer(bus: EventTransport, logger: Logger): void {
  bus.consume(OUTCOME_CONSUMER, OUTCOMES, async (events, manager) => {
    const sql = sqlOf(manager);
    const changed = new Set<string>();
    const confirmed: string[] = [];
    // Runs of plain moves (an order confirmed, rejected or cancelled) go in one statement each.
    let run: Array<OrderMove & { ignoredWhy: string; eventId: string }> = [];
    const flush = async () => {
      const moved = await moveOrders(sql, run);
      for (const move of run) {
        if (!moved.has(move.orderId)) {
          logger.info({ eventId: move.eventId, orderId: move.orderId }, `outcome ignored: ${move.ignoredWhy}`);
          continue;
        }
        changed.add(move.orderId);
        if (move.to === OrderStatus.Confirmed) confirmed.push(move.orderId);
      }
      run = [];
    };
    for (const event of events) {
      const move = plainMove(event);
      if (move) {
        // Bus order per order: a second move of the same order waits for the first one's statement.
        if (run.some((m) => m.orderId === move.orderId)) await flush();
        run.push({ ...move, eventId: event.id });
        continue;
      }
      await flush();
      for (const id of await apply(event, sql, logger)) changed.add(id);
    }
    await flush();
    await fulfilLateConfirmations(sql, confirmed);
    await announceOrderChanges(sql, changed);
  });
}

/** An answer about a whole order (not a line change), as a lifecycle move; null for the others. */
function plainMove(event: Outcome): (OrderMove & { ignoredWhy: string }) | null {
  switch (event.type) {
    case EventType.StockReserved: {
      const p = event.payload;
      return p.changeId ? null : { orderId: p.orderId, to: OrderStatus.Confirmed, change: { roundNumber: p.roundNumber }, ignoredWhy: 'the order is not PENDING' };
    }
    case EventType.StockRejected: {
      const p = event.payload;
      if (p.changeId) return null;
      return { orderId: p.orderId, to: OrderStatus.Rejected, change: { rejection: { reason: p.reason, lines: p.lines } }, ignoredWhy: 'the order is not PENDING' };
    }
    case EventType.StockReleased:
      return { orderId: event.payload.orderId, to: OrderStatus.Cancelled, ignoredWhy: 'the order is not CONFIRMED' };
    default:
      return null;
  }
}

/** Applies a line change's answer or a round's close; returns the ids of the orders it changed. */
async function apply(event: Outcome, m: Sql, logger: Logger): Promise<string[]> {
  const ignored = (why: string) => {
    const about = event.type === EventType.RoundClosed ? {} : { orderId: event.payload.orderId, changeId: 'changeId' in event.payload ? event.payload.changeId : undefined };
    logger.info({ eventId: event.id, type: event.type, ...about }, `outcome ignored: ${why}`);
    return [];
  };
  switch (event.type) {
    case EventType.StockReserved:
      return applyChangeAnswer(m, event.payload.changeId!, { reserved: event.payload }, ignored);
    case EventType.StockRejected:
      return applyChangeAnswer(m, event.payload.changeId!, { rejection: { reason: event.payload.reason, lines: event.payload.lines } }, ignored);
    case EventType.RoundClosed:
      await recordClosedRound(m, event.payload.roundNumber);
      return fulfilRound(m, event.payload.roundNumber);
    default:
      return [];
  }
}

/**
 * Inventory's answer to a line change. Reserved: the line takes the quantity inventory now holds
 * for it (0 removes it). Its unit price stays the one of the original order, also for added units:
 * the customer is changing an order placed at that price, not placing a new one. Rejected: the
 * order stays as it was and the change keeps the shortage, for the waiting mutation to answer with.
 */
async function applyChangeAnswer(
  m: Sql,
  changeId: string,
  answer: { reserved?: StockReservedV1; rejection?: { reason: string; lines: Array<{ productId: string; requested: number; available: number }> } },
  ignored: (why: string) => string[],
): Promise<string[]> {
  const change = await lockChange(m, changeId);
  if (!change) return ignored('unknown change');
  if (change.status !== 'PENDING') return ignored(`the change is already ${change.status}`);
  if (answer.rejection) {
    await decideChange(m, change.id, 'REJECTED', answer.rejection);
    return [change.orderId];
  }
  if (change.orderStatus !== OrderStatus.Confirmed) {
    await decideChange(m, change.id, 'IGNORED');
    ignored(`the order is ${change.orderStatus}`);
    return [change.orderId];
  }
  const line = answer.reserved!.lines.find((l) => l.productId === change.productId);
  await setOrderLineQuantity(m, change.orderId, change.productId, line?.quantity ?? change.quantity);
  await decideChange(m, change.id, 'APPLIED');
  return [change.orderId];
}
