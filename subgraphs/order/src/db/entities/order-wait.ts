/** An order waiting for inventory's answer, and how often it was asked about (resolution/overdue-watch.ts). */
import { Check, Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { CustomerOrderEntity } from './customer-order.js';

@Entity('order_wait')
@Check('order_wait_awaiting_check', `awaiting IN ('RESERVATION', 'RELEASE')`)
export class OrderWaitEntity {
  @PrimaryColumn('uuid', { name: 'order_id' })
  @ForeignKey(() => CustomerOrderEntity, { name: 'order_wait_order_id_fkey' })
  orderId!: string;

  /** Placed (RESERVATION, a row once it is overdue) or cancelled (RELEASE, a row from the moment the customer asks). */
  @PrimaryColumn('text')
  awaiting!: 'RESERVATION' | 'RELEASE';

  @Column('timestamptz')
  since!: Date;

  @Column('int', { default: 0 })
  asks!: number;

  @Column('timestamptz', { name: 'asked_at', nullable: true })
  askedAt!: Date | null;

  /** Set once the last ask went unanswered too: the order was reported in the log. */
  @Column('timestamptz', { name: 'reported_at', nullable: true })
  reportedAt!: Date | null;
}
