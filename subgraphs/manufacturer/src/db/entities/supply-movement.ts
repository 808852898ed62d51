/** Every change of supply, so that supply can be recomputed and audited. */
import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ProductEntity } from './product.js';

export type SupplyMovementReason = 'CREATED' | 'PRODUCED' | 'SETTLED';

@Entity('supply_movement')
@Index('supply_movement_by_product', ['productId', 'id'])
@Check('supply_movement_reason_check', `reason IN ('CREATED', 'PRODUCED', 'SETTLED')`)
export class SupplyMovementEntity {
  /** Order of the ledger (bigint: a string from the driver). */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column('uuid', { name: 'product_id' })
  @ForeignKey(() => ProductEntity, { name: 'supply_movement_product_id_fkey' })
  productId!: string;

  @Column('int')
  delta!: number;

  @Column('int', { name: 'supply_after' })
  supplyAfter!: number;

  @Column('text')
  reason!: SupplyMovementReason;

  @Column('int', { name: 'round_number', nullable: true })
  roundNumber!: number | null;

  @Column('timestamptz', { name: 'occurred_at', default: () => 'now()' })
  occurredAt!: Date;
}
