/** What a round sold of a product, for its manufacturer. */
import { Check, Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { DistributionRoundEntity } from './distribution-round.js';

@Entity('round_sale')
@Check('round_sale_units_sold_check', 'units_sold > 0')
@Check('round_sale_revenue_cents_check', 'revenue_cents >= 0')
export class RoundSaleEntity {
  @PrimaryColumn('int', { name: 'round_number' })
  @ForeignKey(() => DistributionRoundEntity, { name: 'round_sale_round_number_fkey' })
  roundNumber!: number;

  @PrimaryColumn('uuid', { name: 'product_id' })
  productId!: string;

  @Column('uuid', { name: 'manufacturer_id' })
  manufacturerId!: string;

  @Column('int', { name: 'units_sold' })
  unitsSold!: number;

  /** bigint: a string from the driver. */
  @Column('bigint', { name: 'revenue_cents' })
  revenueCents!: string;
}
