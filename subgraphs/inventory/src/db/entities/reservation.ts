/** What an order holds of a product in a round, at its line's unit price. */
import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { DistributionRoundEntity } from './distribution-round.js';
import { StockItemEntity } from './stock-item.js';

export type ReservationStatus = 'RESERVED' | 'RELEASED' | 'SOLD';

@Entity('reservation')
@Index('reservation_held', ['roundNumber'], { where: `status = 'RESERVED'` })
@Check('reservation_quantity_check', 'quantity >= 0')
@Check('reservation_unit_price_cents_check', 'unit_price_cents >= 0')
@Check('reservation_status_check', `status IN ('RESERVED', 'RELEASED', 'SOLD')`)
@Check('reservation_check', `status <> 'RELEASED' OR quantity = 0`)
export class ReservationEntity {
  @PrimaryColumn('uuid', { name: 'order_id' })
  orderId!: string;

  @PrimaryColumn('uuid', { name: 'product_id' })
  @ForeignKey(() => StockItemEntity, { name: 'reservation_product_id_fkey' })
  productId!: string;

  @Column('int', { name: 'round_number' })
  @ForeignKey(() => DistributionRoundEntity, { name: 'reservation_round_number_fkey' })
  roundNumber!: number;

  @Column('int')
  quantity!: number;

  @Column('int', { name: 'unit_price_cents' })
  unitPriceCents!: number;

  @Column('text')
  status!: ReservationStatus;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
