/** A product in a manufacturer's catalog, with the units it can still supply. */
import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ManufacturerEntity } from './manufacturer.js';

@Entity('product')
@Index('product_sku_unique', { synchronize: false }) // UNIQUE on (manufacturer_id, lower(sku)): an expression TypeORM cannot describe
@Index('product_by_name', ['name', 'id'])
@Index('product_by_manufacturer', ['manufacturerId', 'name', 'id'])
@Index('product_by_category', ['category', 'name', 'id'])
@Check('product_unit_price_cents_check', 'unit_price_cents > 0')
@Check('product_supply_check', 'supply >= 0')
export class ProductEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'manufacturer_id' })
  @ForeignKey(() => ManufacturerEntity, { name: 'product_manufacturer_id_fkey' })
  manufacturerId!: string;

  @Column('text')
  sku!: string;

  @Column('text')
  name!: string;

  @Column('text')
  category!: string;

  @Column('int', { name: 'unit_price_cents' })
  unitPriceCents!: number;

  @Column('int', { default: 0 })
  supply!: number;

  @Column('boolean', { default: false })
  discontinued!: boolean;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
