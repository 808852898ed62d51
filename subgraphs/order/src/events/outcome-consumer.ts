/**
 * Consumer `order.outcomes`: inventory's answers move orders through their lifecycle. One consumer
 * for all four types keeps their bus order (a reservation is applied before its round closes).
 * Every move is guarded by the lifecycle, so a late or repeated answer changes nothing (and is logged).
 */
import type { DomainEvent, EventBus } from '@distribution/events';
import type { EntityManager } from '@distribution/db';
import type { Logger } from '@distribution/logging';
import { OrderStatus } from '../domain/order-lifecycle.js';
import { isUuid } from '../domain/order-request.js';
import { fulfilRound, moveOrder, setOrderLineQuantity } from '../db/orders.js';
import { decideChange, lockChange } from '../db/changes.js';
import { announceOrderChanges } from './order-signals.js';
import type { RoundClosedV1, StockRejectedV1, StockReleasedV1, StockReservedV1 } from './payloads.js';

export const OUTCOME_CONSUMER = 'order.outcomes';

export function registerOutcomeConsumer(bus: EventBus, logger: Logger): void {
  bus.consume(OUTCOME_CONSUMER, ['StockReserved', 'StockRejected', 'StockReleased', 'RoundClosed'], async (events, manager) => {
    const changed = new Set<string>();
    for (const event of events) {
      if (!readable(event)) {
        logger.warn({ eventId: event.id, type: event.type, version: event.version }, 'outcome event skipped: not a payload this service understands');
        continue;
      }
      const touched = await apply(event, manager, logger);
      for (const id of touched) changed.add(id);
    }
    await announceOrderChanges(manager, changed);
  });
}

/** Applies one event; returns the ids of the orders it changed. */
async function apply(event: DomainEvent, m: EntityManager, logger: Logger): Promise<string[]> {
  const ignored = (why: string) => {
    logger.info({ eventId: event.id, type: event.type, orderId: event.payload.orderId, changeId: event.payload.changeId }, `outcome ignored: ${why}`);
    return [];
  };
  switch (event.type) {
    case 'StockReserved': {
      const p = event.payload as StockReservedV1;
      if (p.changeId) return applyChangeAnswer(m, p.changeId, { reserved: p }, ignored);
      return (await moveOrder(m, p.orderId, OrderStatus.Confirmed, { roundNumber: p.roundNumber })) ? [p.orderId] : ignored('the order is not PENDING');
    }
    case 'StockRejected': {
      const p = event.payload as StockRejectedV1;
      const rejection = { reason: p.reason, lines: (p.lines ?? []).map((l) => ({ productId: l.productId, requested: l.requested, available: l.available })) };
      if (p.changeId) return applyChangeAnswer(m, p.changeId, { rejection }, ignored);
      return (await moveOrder(m, p.orderId, OrderStatus.Rejected, { rejection })) ? [p.orderId] : ignored('the order is not PENDING');
    }
    case 'StockReleased': {
      const p = event.payload as StockReleasedV1;
      return (await moveOrder(m, p.orderId, OrderStatus.Cancelled)) ? [p.orderId] : ignored('the order is not CONFIRMED');
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
  m: EntityManager,
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
