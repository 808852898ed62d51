/**
 * The catalog read model: what other services announced about a product (SupplyChanged,
 * AvailabilityChanged). `unitPriceCents` is null until the manufacturer's SupplyChanged arrives:
 * such a product is unknown here.
 */
import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('catalog_product')
@Check('catalog_product_unit_price_cents_check', 'unit_price_cents >= 0')
export class CatalogProductEntity {
  @PrimaryColumn('uuid', { name: 'product_id' })
  productId!: string;

  @Column('uuid', { name: 'manufacturer_id', nullable: true })
  manufacturerId!: string | null;

  @Column('int', { name: 'unit_price_cents', nullable: true })
  unitPriceCents!: number | null;

  @Column('boolean', { default: false })
  discontinued!: boolean;

  @Column('int', { default: 0 })
  available!: number;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
