/** A line of a customer's cart: one per product. */
import { Check, Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { CustomerEntity } from './customer.js';

@Entity('cart_line')
@Check('cart_line_quantity_check', 'quantity BETWEEN 1 AND 10000')
export class CartLineEntity {
  @PrimaryColumn('uuid', { name: 'customer_id' })
  @ForeignKey(() => CustomerEntity, { name: 'cart_line_customer_id_fkey' })
  customerId!: string;

  @PrimaryColumn('uuid', { name: 'product_id' })
  productId!: string;

  @Column('int')
  quantity!: number;

  /** Clock time, not the transaction's: lines added in one transaction keep their order. */
  @Column('timestamptz', { name: 'added_at', default: () => 'clock_timestamp()' })
  addedAt!: Date;
}
