/** An order inventory rejected, kept so that it answers that order the same ever after (domain/order-decisions.ts). */
import { Check, Column, Entity, PrimaryColumn } from 'typeorm';
import type { RejectionReason, ShortLine } from '../../domain/reservation.js';

@Entity('order_rejection')
@Check('order_rejection_reason_check', `reason IN ('INSUFFICIENT_STOCK', 'NO_OPEN_ROUND', 'UNKNOWN_PRODUCT', 'TIMED_OUT')`)
export class OrderRejectionEntity {
  @PrimaryColumn('uuid', { name: 'order_id' })
  orderId!: string;

  @Column('text')
  reason!: RejectionReason;

  /** What was short, line by line, as the rejection said. */
  @Column('jsonb')
  lines!: ShortLine[];

  @Column('timestamptz', { name: 'rejected_at', default: () => 'now()' })
  rejectedAt!: Date;
}
