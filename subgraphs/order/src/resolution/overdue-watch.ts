/**
 * No order waits for ever. An order still PENDING after ORDER_RESOLUTION_TIMEOUT_MS, or a
 * cancellation still waiting that long for its stock to be given back, is announced as
 * OrderOverdue; inventory answers with the decision it made (StockReserved / StockRejected again,
 * StockReleased), or, when it never got the order (its OrderPlaced was parked or lost), rejects it
 * (TIMED_OUT) and keeps to that, so a late OrderPlaced reserves nothing. The outcome is always
 * inventory's: the order book never says REJECTED while inventory holds stock for the order, nor
 * CONFIRMED while inventory refused it. The customer hears of the outcome on orderStatusChanged.
 *
 * While inventory's consumer is down nothing can be decided: the asks wait on the bus behind the
 * OrderPlaced they are about (so inventory decides that first), and are repeated a few times
 * (MAX_ASKS, a timeout apart); an order still unanswered after that is reported in the log, and the
 * bus console shows the consumer's backlog. Every replica watches; a look takes its orders with
 * SKIP LOCKED, so two replicas never ask about the same order at once.
 */
import { sqlOf, type ServiceDatabase } from '@distribution/db';
import { recordEvents } from '@distribution/events';
import { orderOverdue } from '@distribution/contracts';
import type { Logger } from '@distribution/logging';
import { anyOverdue, takeOverdue, takeUnanswered, type OverdueRules } from '../db/order-waits.js';

/** An order is asked about this many times, a timeout apart, before it is reported. */
export const MAX_ASKS = 5;
const ORDERS_PER_LOOK = 200;

/** How often the watch looks: a quarter of the timeout, between 50 ms and 5 s. */
export const lookIntervalMs = (timeoutMs: number) => Math.min(5_000, Math.max(50, Math.round(timeoutMs / 4)));

/** Asks inventory about the orders overdue now (in one transaction with their OrderOverdue events); returns how many. */
export async function askAboutOverdueOrders(database: ServiceDatabase, rules: OverdueRules, logger: Logger): Promise<number> {
  let asked: Awaited<ReturnType<typeof takeOverdue>> = [];
  if (await anyOverdue(database, rules)) {
    asked = await database.transaction(async (manager) => {
      const m = sqlOf(manager);
      const due = await takeOverdue(m, rules);
      await recordEvents(
        m,
        database.schema,
        due.map((d) =>
          orderOverdue({
            orderId: d.orderId,
            customerId: d.customerId,
            awaiting: d.awaiting,
            waitingSince: new Date(d.since).toISOString(),
            ask: d.asks + 1,
          }),
        ),
      );
      return due;
    });
    if (asked.length) logger.warn({ orders: asked.length, orderIds: asked.slice(0, 10).map((d) => d.orderId) }, 'orders overdue: asking inventory for its decision');
  }
  const unanswered = await takeUnanswered(database, rules);
  for (const d of unanswered) {
    logger.error(
      { orderId: d.orderId, awaiting: d.awaiting, since: d.since, asks: d.asks },
      'order still unanswered after every ask: inventory is not answering (see the bus console)',
    );
  }
  return asked.length;
}

/** Starts the watch; returns the function that stops it (waiting for a look in progress). */
export function startOverdueWatch(database: ServiceDatabase, timeoutMs: number, logger: Logger): () => Promise<void> {
  const rules: OverdueRules = { timeoutMs, maxAsks: MAX_ASKS, limit: ORDERS_PER_LOOK };
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();
  const look = () => {
    running = askAboutOverdueOrders(database, rules, logger)
      .catch((error) => logger.error({ err: error }, 'looking for overdue orders failed; will look again'))
      .finally(() => {
        if (!stopped) timer = setTimeout(look, lookIntervalMs(timeoutMs));
      });
  };
  timer = setTimeout(look, lookIntervalMs(timeoutMs));
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
