/** The distributor's stock of a product: never more reserved than on hand. */
import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { ProductEntity } from './product.js';

@Entity('stock_item')
@Index('stock_item_round', ['roundNumber'])
@Index('stock_item_promised', ['productId'], { where: 'reserved > 0' })
@Check('stock_never_oversold', '0 <= reserved AND reserved <= on_hand')
@Check('stock_item_low_stock_threshold_check', 'low_stock_threshold BETWEEN 0 AND 1000000')
export class StockItemEntity {
  @PrimaryColumn('uuid', { name: 'product_id' })
  @ForeignKey(() => ProductEntity, { name: 'stock_item_product_id_fkey' })
  productId!: string;

  @Column('int', { name: 'on_hand', default: 0 })
  onHand!: number;

  @Column('int', { default: 0 })
  reserved!: number;

  /** Null: the service's default threshold. */
  @Column('int', { name: 'low_stock_threshold', nullable: true })
  lowStockThreshold!: number | null;

  @Column('int', { name: 'round_number', nullable: true })
  roundNumber!: number | null;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
