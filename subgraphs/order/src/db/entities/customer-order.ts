/** An order: its status in the lifecycle, the request it answers, and why it was refused. */
import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { OrderStatus } from '../../domain/order-lifecycle.js';
import { CustomerEntity } from './customer.js';

/** A line inventory could not serve: what was asked, and what was left. */
export interface Shortage {
  productId: string;
  requested: number;
  available: number;
}

@Entity('customer_order')
@Unique('customer_order_seq_key', ['seq'])
// The same key from the same customer is the same order, never a second one.
@Unique('customer_order_idempotency', ['customerId', 'idempotencyKey'])
@Index('customer_order_by_customer', ['customerId', 'seq'])
@Index('customer_order_by_status', ['status', 'seq'])
@Index('customer_order_confirmed_by_round', ['roundNumber'], { where: `status = 'CONFIRMED'` })
// The overdue watch looks for orders pending too long.
@Index('customer_order_pending_since', ['placedAt'], { where: `status = 'PENDING'` })
@Check('customer_order_status_check', `status IN ('PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED', 'FULFILLED')`)
export class CustomerOrderEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Placement order, for newest-first pages with stable cursors (bigint: a string from the driver). */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq!: string;

  @Column('uuid', { name: 'customer_id' })
  @ForeignKey(() => CustomerEntity, { name: 'customer_order_customer_id_fkey' })
  customerId!: string;

  @Column('text', { name: 'idempotency_key' })
  idempotencyKey!: string;

  @Column('boolean', { name: 'from_cart' })
  fromCart!: boolean;

  /** The lines as first requested, so a retry is compared with the request, not with later changes. */
  @Column('jsonb', { name: 'requested_lines' })
  requestedLines!: Array<{ productId: string; quantity: number }>;

  @Column('text')
  status!: OrderStatus;

  @Column('int', { name: 'round_number', nullable: true })
  roundNumber!: number | null;

  @Column('text', { name: 'rejection_reason', nullable: true })
  rejectionReason!: string | null;

  @Column('jsonb', { name: 'rejection_lines', nullable: true })
  rejectionLines!: Shortage[] | null;

  @Column('boolean', { name: 'cancellation_requested', default: false })
  cancellationRequested!: boolean;

  @Column('timestamptz', { name: 'placed_at', default: () => 'now()' })
  placedAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
