/** Requested changes of confirmed orders' lines, kept until inventory answers them. */
import { repositoryOf, type Sql } from '@distribution/db';
import type { FindOptionsSelect } from 'typeorm';
import { CustomerOrderEntity, OrderChangeEntity, type OrderChangeStatus } from './entities/index.js';
import type { OrderChangeRecord, ShortageRecord } from './records.js';

/** The columns a change record reads. */
const RECORD = {
  id: true,
  orderId: true,
  productId: true,
  quantity: true,
  status: true,
  rejectionReason: true,
  rejectionLines: true,
} satisfies Record<keyof OrderChangeRecord, true> & FindOptionsSelect<OrderChangeEntity>;

export async function insertChange(sql: Sql, change: { id: string; orderId: string; productId: string; quantity: number }): Promise<void> {
  await repositoryOf(sql, OrderChangeEntity).createQueryBuilder().insert().values(change).updateEntity(false).execute();
}

export async function pendingChangeOf(sql: Sql, orderId: string): Promise<OrderChangeRecord | null> {
  return repositoryOf(sql, OrderChangeEntity).findOne({ select: RECORD, where: { orderId, status: 'PENDING' } });
}

export async function changeById(sql: Sql, id: string): Promise<OrderChangeRecord | null> {
  return repositoryOf(sql, OrderChangeEntity).findOne({ select: RECORD, where: { id } });
}

/** Reads a change and locks it (and its order, which the answer may update) until the transaction ends. */
export async function lockChange(sql: Sql, id: string): Promise<(OrderChangeRecord & { orderStatus: CustomerOrderEntity['status'] }) | null> {
  const {
    entities: [change],
    raw: [row],
  } = await repositoryOf(sql, OrderChangeEntity)
    .createQueryBuilder('c')
    .select(Object.keys(RECORD).map((property) => `c.${property}`))
    .innerJoin(CustomerOrderEntity, 'o', 'o.id = c.orderId')
    .addSelect('o.status', 'orderStatus')
    .where('c.id = :id', { id })
    .setLock('pessimistic_write')
    .getRawAndEntities<{ orderStatus: CustomerOrderEntity['status'] }>();
  return change && row ? { ...change, orderStatus: row.orderStatus } : null;
}

export async function decideChange(sql: Sql, id: string, status: Exclude<OrderChangeStatus, 'PENDING'>, rejection?: { reason: string; lines: ShortageRecord[] }): Promise<void> {
  await repositoryOf(sql, OrderChangeEntity).update(id, {
    status,
    decidedAt: () => 'now()',
    rejectionReason: rejection?.reason ?? null,
    rejectionLines: rejection?.lines ?? null,
  });
}
