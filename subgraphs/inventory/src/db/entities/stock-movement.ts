/** The stock movement ledger: append-only, and enough to recompute every stock row. */
import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { MovementKind } from '../../domain/ledger.js';

@Entity('stock_movement')
@Index('stock_movement_of_product', ['productId', 'id'])
@Check('stock_movement_kind_check', `kind IN ('ROUND_OPENED_SUPPLY', 'SUPPLY_IN', 'RESERVE', 'RELEASE', 'SALE', 'WITHDRAWN')`)
@Check('stock_movement_quantity_check', 'quantity > 0')
export class StockMovementEntity {
  /** Order of the ledger (bigint: a string from the driver). */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column('uuid', { name: 'product_id' })
  productId!: string;

  @Column('int', { name: 'round_number', nullable: true })
  roundNumber!: number | null;

  @Column('text')
  kind!: MovementKind;

  @Column('int')
  quantity!: number;

  @Column('uuid', { name: 'order_id', nullable: true })
  orderId!: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
