/** What a settlement sold of one product. */
import { Check, Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { ProductEntity } from './product.js';
import { SettlementEntity } from './settlement.js';

@Entity('settlement_line')
@Check('settlement_line_units_sold_check', 'units_sold >= 0')
@Check('settlement_line_revenue_cents_check', 'revenue_cents >= 0')
export class SettlementLineEntity {
  @PrimaryColumn('uuid', { name: 'settlement_id' })
  @ForeignKey(() => SettlementEntity, { name: 'settlement_line_settlement_id_fkey' })
  settlementId!: string;

  @PrimaryColumn('uuid', { name: 'product_id' })
  @ForeignKey(() => ProductEntity, { name: 'settlement_line_product_id_fkey' })
  productId!: string;

  @Column('int', { name: 'units_sold' })
  unitsSold!: number;

  /** bigint: a string from the driver. */
  @Column('bigint', { name: 'revenue_cents' })
  revenueCents!: string;
}
