/** A customer's request to change a confirmed order's line, kept until inventory answers it. */
import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { CustomerOrderEntity, type Shortage } from './customer-order.js';

export type OrderChangeStatus = 'PENDING' | 'APPLIED' | 'REJECTED' | 'IGNORED';

@Entity('order_change')
// One change in flight per order keeps the customer's view and inventory's in step.
@Index('order_change_one_pending', ['orderId'], { unique: true, where: `status = 'PENDING'` })
@Check('order_change_quantity_check', 'quantity BETWEEN 0 AND 10000')
@Check('order_change_status_check', `status IN ('PENDING', 'APPLIED', 'REJECTED', 'IGNORED')`)
export class OrderChangeEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'order_id' })
  @ForeignKey(() => CustomerOrderEntity, { name: 'order_change_order_id_fkey' })
  orderId!: string;

  @Column('uuid', { name: 'product_id' })
  productId!: string;

  /** What the line should become; 0 removes it. */
  @Column('int')
  quantity!: number;

  @Column('text', { default: 'PENDING' })
  status!: OrderChangeStatus;

  @Column('text', { name: 'rejection_reason', nullable: true })
  rejectionReason!: string | null;

  @Column('jsonb', { name: 'rejection_lines', nullable: true })
  rejectionLines!: Shortage[] | null;

  @Column('timestamptz', { name: 'requested_at', default: () => 'now()' })
  requestedAt!: Date;

  @Column('timestamptz', { name: 'decided_at', nullable: true })
  decidedAt!: Date | null;
}
