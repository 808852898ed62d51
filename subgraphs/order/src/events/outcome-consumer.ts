/**
 * Consumer `order.outcomes`: inventory's answers move orders through their lifecycle. One consumer
 * for all four types keeps their bus order (a reservation is applied before its round closes).
 * Every move is guarded by the lifecycle, so a late or repeated answer changes nothing (and is logged).
 * Answers about whole orders are applied in runs, one statement per run, in bus order.
 */
import type { DomainEvent, EventBus } from '@distribution/events';
import { isUuid, sqlOf, type Sql } from '@distribution/db';
import type { Logger } from '@distribution/logging';
import { OrderStatus } from '../domain/order-lifecycle.js';
import { fulfilRound, moveOrders, setOrderLineQuantity, type OrderMove } from '../db/orders.js';
import { decideChange, lockChange } from '../db/changes.js';
import { announceOrderChanges } from './order-signals.js';
import type { RoundClosedV1, StockRejectedV1, StockReleasedV1, StockReservedV1 } from './payloads.js';

export const OUTCOME_CONSUMER = 'order.outcomes';

export function registerOutcomeConsumer(bus: EventBus, logger: Logger): void {
  bus.consume(OUTCOME_CONSUMER, ['StockReserved', 'StockRejected', 'StockReleased', 'RoundClosed'], async (events, manager) => {
    const sql = sqlOf(manager);
    const changed = new Set<string>();
    // Runs of plain moves (an order confirmed, rejected or cancelled) go in one statement each.
    let run: Array<OrderMove & { ignoredWhy: string; eventId: string }> = [];
    const flush = async () => {
      const moved = await moveOrders(sql, run);
      for (const move of run) {
        if (moved.has(move.orderId)) changed.add(move.orderId);
        else logger.info({ eventId: move.eventId, orderId: move.orderId }, `outcome ignored: ${move.ignoredWhy}`);
      }
      run = [];
    };
    for (const event of events) {
      if (!readable(event)) {
        logger.warn({ eventId: event.id, type: event.type, version: event.version }, 'outcome event skipped: not a payload this service understands');
        continue;
      }
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
    await announceOrderChanges(sql, changed);
  });
}

/** An answer about a whole order (not a line change), as a lifecycle move; null for the others. */
function plainMove(event: DomainEvent): (OrderMove & { ignoredWhy: string }) | null {
  switch (event.type) {
    case 'StockReserved': {
      const p = event.payload as StockReservedV1;
      return p.changeId ? null : { orderId: p.orderId, to: OrderStatus.Confirmed, change: { roundNumber: p.roundNumber }, ignoredWhy: 'the order is not PENDING' };
    }
    case 'StockRejected': {
      const p = event.payload as StockRejectedV1;
      if (p.changeId) return null;
      const rejection = { reason: p.reason, lines: rejectedLines(p) };
      return { orderId: p.orderId, to: OrderStatus.Rejected, change: { rejection }, ignoredWhy: 'the order is not PENDING' };
    }
    case 'StockReleased': {
      const p = event.payload as StockReleasedV1;
      return { orderId: p.orderId, to: OrderStatus.Cancelled, ignoredWhy: 'the order is not CONFIRMED' };
    }
    default:
      return null;
  }
}

const rejectedLines = (p: StockRejectedV1) => (p.lines ?? []).map((l) => ({ productId: l.productId, requested: l.requested, available: l.available }));

/** Applies a line change's answer or a round's close; returns the ids of the orders it changed. */
async function apply(event: DomainEvent, m: Sql, logger: Logger): Promise<string[]> {
  const ignored = (why: string) => {
    logger.info({ eventId: event.id, type: event.type, orderId: event.payload.orderId, changeId: event.payload.changeId }, `outcome ignored: ${why}`);
    return [];
  };
  switch (event.type) {
    case 'StockReserved': {
      const p = event.payload as StockReservedV1;
      return applyChangeAnswer(m, p.changeId!, { reserved: p }, ignored);
    }
    case 'StockRejected': {
      const p = event.payload as StockRejectedV1;
      return applyChangeAnswer(m, p.changeId!, { rejection: { reason: p.reason, lines: rejectedLines(p) } }, ignored);
    }
    case 'RoundClosed': {
      const p = event.payload as RoundClosedV1;
      return fulfilRound(m, p.roundNumber);
    }
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
  if (!isUuid(changeId)) return ignored('malformed changeId');
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

function readable(event: DomainEvent): boolean {
  const p = event.payload ?? {};
  if (event.version !== 1) return false;
  if (event.type === 'RoundClosed') return Number.isInteger(p.roundNumber);
  if (!isUuid(p.orderId)) return false;
  if (event.type === 'StockReserved') return Number.isInteger(p.roundNumber) && Array.isArray(p.lines);
  if (event.type === 'StockRejected') return typeof p.reason === 'string';
  return true;
}
