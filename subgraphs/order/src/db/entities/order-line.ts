/** A line of an order, at the unit price of the moment it was placed. */
import { Check, Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { CustomerOrderEntity } from './customer-order.js';

@Entity('order_line')
@Check('order_line_quantity_check', 'quantity BETWEEN 1 AND 10000')
@Check('order_line_unit_price_cents_check', 'unit_price_cents >= 0')
export class OrderLineEntity {
  @PrimaryColumn('uuid', { name: 'order_id' })
  @ForeignKey(() => CustomerOrderEntity, { name: 'order_line_order_id_fkey' })
  orderId!: string;

  @PrimaryColumn('uuid', { name: 'product_id' })
  productId!: string;

  @Column('int')
  quantity!: number;

  @Column('int', { name: 'unit_price_cents' })
  unitPriceCents!: number;

  /** Where the line was in the request: lines are shown in that order. */
  @Column('int')
  position!: number;
}
