/** What the manufacturer service announced about each product (SupplyChanged); never written otherwise. */
import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('product')
@Index('product_offers', ['category'], { where: 'NOT discontinued' })
@Check('product_unit_price_cents_check', 'unit_price_cents >= 0')
export class ProductEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'manufacturer_id' })
  manufacturerId!: string;

  @Column('text')
  category!: string;

  @Column('int', { name: 'unit_price_cents' })
  unitPriceCents!: number;

  /** What the manufacturer can still supply: what a new round pulls into stock. */
  @Column('int')
  supply!: number;

  @Column('boolean', { default: false })
  discontinued!: boolean;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
