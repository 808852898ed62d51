/** Orders and their lines: writing a placed order, reading them in batches and pages, moving their status. */
import { Any } from 'typeorm';
import { repositoryOf, type Sql } from '@distribution/db';
import { outboxStatementParts, type NewEvent } from '@distribution/events';
import { OrderStatus, statusesThatMayBecome } from '../domain/order-lifecycle.js';
import { CustomerOrderEntity, OrderLineEntity } from './entities/index.js';
import { toOrderRecord, type OrderLineRecord, type OrderRecord, type PurchaseRecord, type ShortageRecord } from './records.js';

const ORDER_COLUMNS = `id, seq::float8 AS seq, customer_id AS "customerId", idempotency_key AS "idempotencyKey", from_cart AS "fromCart",
  status, round_number AS "roundNumber", rejection_reason AS "rejectionReason", rejection_lines AS "rejectionLines",
  requested_lines AS "requestedLines", cancellation_requested AS "cancellationRequested", placed_at AS "placedAt", updated_at AS "updatedAt"`;

/**
 * The orders with these ids, in ONE statement (the loader, and placeOrder's read of its answer).
 * Raw (typed by the entity): it runs once or twice per placed order, where a repository read
 * costs about twice the CPU of the same statement.
 */
export async function ordersByIds(sql: Sql, ids: readonly string[]): Promise<OrderRecord[]> {
  return sql.query<OrderRecord>(`SELECT ${ORDER_COLUMNS} FROM customer_order WHERE id = ANY($1::uuid[])`, [ids]);
}

export async function orderByKey(sql: Sql, customerId: string, idempotencyKey: string): Promise<OrderRecord | null> {
  const order = await repositoryOf(sql, CustomerOrderEntity).findOneBy({ customerId, idempotencyKey });
  return order && toOrderRecord(order);
}

/** Reads an order and locks it until the transaction ends; null when there is none. */
export async function lockOrder(sql: Sql, id: string): Promise<OrderRecord | null> {
  const order = await repositoryOf(sql, CustomerOrderEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  return order && toOrderRecord(order);
}

/**
 * Writes a new PENDING order, its lines and its events in ONE statement (atomic on its own, so
 * it needs no transaction around it). Null when this customer already used the key: the unique
 * (customer_id, idempotency_key) makes a concurrent twin wait for the first and then find it,
 * and then neither lines nor events are written.
 */
export async function insertPendingOrder(
  sql: Sql,
  schema: string,
  order: { id: string; customerId: string; idempotencyKey: string; fromCart: boolean; requestedLines: Array<{ productId: string; quantity: number }> },
  lines: Array<{ productId: string; quantity: number; unitPriceCents: number }>,
  events: NewEvent[],
): Promise<string | null> {
  const outbox = outboxStatementParts(schema, events, 10, 'EXISTS (SELECT 1 FROM placed)');
  const rows = await sql.query<Pick<CustomerOrderEntity, 'id'>>(
    `WITH placed AS (
       INSERT INTO customer_order (id, customer_id, idempotency_key, from_cart, requested_lines, status) VALUES ($1, $2, $3, $4, $5::jsonb, 'PENDING')
       ON CONFLICT (customer_id, idempotency_key) DO NOTHING RETURNING id
     ), placed_lines AS (
       INSERT INTO order_line (order_id, product_id, quantity, unit_price_cents, position)
       SELECT placed.id, line.* FROM placed, unnest($6::uuid[], $7::int[], $8::int[], $9::int[]) AS line
     ), announced AS (${outbox.cte})
     SELECT id, ${outbox.notify} FROM placed`,
    [
      order.id,
      order.customerId,
      order.idempotencyKey,
      order.fromCart,
      JSON.stringify(order.requestedLines),
      lines.map((l) => l.productId),
      lines.map((l) => l.quantity),
      lines.map((l) => l.unitPriceCents),
      lines.map((_, i) => i),
      ...outbox.params,
    ],
  );
  return rows[0]?.id ?? null;
}

/** The lines of many orders in ONE statement (the loader), in the order they were placed. */
export async function orderLinesOf(sql: Sql, orderIds: readonly string[]): Promise<OrderLineRecord[]> {
  return repositoryOf(sql, OrderLineEntity).find({
    select: { orderId: true, productId: true, quantity: true, unitPriceCents: true },
    where: { orderId: Any([...orderIds]) },
    order: { orderId: 'ASC', position: 'ASC' },
  });
}

/** One page of orders, newest first, fetched `limit` at a time (callers ask for one more to know if there is a next page). */
export async function orderPage(sql: Sql, filter: { customerId?: string; status?: OrderStatus; beforeSeq?: number }, limit: number): Promise<OrderRecord[]> {
  const page = repositoryOf(sql, CustomerOrderEntity).createQueryBuilder('o').orderBy('o.seq', 'DESC').limit(limit);
  if (filter.customerId) page.andWhere('o.customerId = :customerId', { customerId: filter.customerId });
  if (filter.status) page.andWhere('o.status = :status', { status: filter.status });
  if (filter.beforeSeq !== undefined) page.andWhere('o.seq < :beforeSeq', { beforeSeq: filter.beforeSeq });
  return (await page.getMany()).map(toOrderRecord);
}

/** What many customers own: the lines of their FULFILLED orders, oldest first, in ONE statement (the loader). */
export async function purchasesOf(sql: Sql, customerIds: readonly string[]): Promise<PurchaseRecord[]> {
  return repositoryOf(sql, CustomerOrderEntity)
    .createQueryBuilder('o')
    .innerJoin(OrderLineEntity, 'l', 'l.orderId = o.id')
    .select('o.customerId', 'customerId')
    .addSelect('o.id', 'orderId')
    .addSelect('o.roundNumber', 'roundNumber')
    .addSelect('l.productId', 'productId')
    .addSelect('l.quantity', 'quantity')
    .addSelect('l.unitPriceCents', 'unitPriceCents')
    .where('o.customerId = ANY(:customerIds)', { customerIds })
    .andWhere('o.status = :status', { status: OrderStatus.Fulfilled })
    .orderBy('o.seq')
    .addOrderBy('l.position')
    .getRawMany<PurchaseRecord>();
}

export async function markCancellationRequested(sql: Sql, orderId: string): Promise<void> {
  await repositoryOf(sql, CustomerOrderEntity).update(orderId, { cancellationRequested: true, updatedAt: () => 'now()' });
}

export interface StatusChange {
  roundNumber?: number;
  rejection?: { reason: string; lines: ShortageRecord[] };
}

/** One order to move, and what comes with the move. */
export interface OrderMove {
  orderId: string;
  to: OrderStatus;
  change?: StatusChange;
}

/**
 * Moves orders, each to its `to` if the lifecycle allows it from its current status (the guard
 * is in the WHERE clause, so a late or repeated outcome changes nothing): ONE statement for all.
 * Each order at most once per call. Returns the ids of the orders that moved.
 */
export async function moveOrders(sql: Sql, moves: readonly OrderMove[]): Promise<Set<string>> {
  if (moves.length === 0) return new Set();
  const rows = await sql.query<Pick<CustomerOrderEntity, 'id'>>(
    `UPDATE customer_order o SET status = m.to_status, updated_at = now(),
       round_number = COALESCE(m.round_number, o.round_number),
       rejection_reason = COALESCE(m.reason, o.rejection_reason), rejection_lines = COALESCE(m.lines, o.rejection_lines),
       cancellation_requested = CASE WHEN m.to_status IN ('CANCELLED', 'FULFILLED') THEN false ELSE o.cancellation_requested END
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::jsonb[]) AS m(id, to_status, allowed_from, round_number, reason, lines)
     WHERE o.id = m.id AND o.status = ANY(string_to_array(m.allowed_from, ',')) RETURNING o.id`,
    [
      moves.map((m) => m.orderId),
      moves.map((m) => m.to),
      moves.map((m) => statusesThatMayBecome(m.to).join(',')),
      moves.map((m) => m.change?.roundNumber ?? null),
      moves.map((m) => m.change?.rejection?.reason ?? null),
      moves.map((m) => (m.change?.rejection ? JSON.stringify(m.change.rejection.lines) : null)),
    ],
  );
  return new Set(rows.map((r) => r.id));
}

/** Every CONFIRMED order of the round becomes FULFILLED; returns their ids. */
export async function fulfilRound(sql: Sql, roundNumber: number): Promise<string[]> {
  const { raw } = await repositoryOf(sql, CustomerOrderEntity)
    .createQueryBuilder()
    .update()
    .set({ status: OrderStatus.Fulfilled, cancellationRequested: false, updatedAt: () => 'now()' })
    .where('round_number = :roundNumber AND status = ANY(:from)', { roundNumber, from: statusesThatMayBecome(OrderStatus.Fulfilled) })
    .returning(['id'])
    .updateEntity(false)
    .execute();
  return (raw as Array<Pick<CustomerOrderEntity, 'id'>>).map((r) => r.id);
}

/** Sets a line of an order to the quantity inventory reserved; 0 removes the line. */
export async function setOrderLineQuantity(sql: Sql, orderId: string, productId: string, quantity: number): Promise<void> {
  const lines = repositoryOf(sql, OrderLineEntity);
  if (quantity === 0) await lines.delete({ orderId, productId });
  else await lines.update({ orderId, productId }, { quantity });
  await repositoryOf(sql, CustomerOrderEntity).update(orderId, { updatedAt: () => 'now()' });
}
