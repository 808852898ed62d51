/** What left a customer's cart without them asking (a discontinued product), or what pruneCart took out, until told. */
import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CustomerEntity } from './customer.js';

@Entity('cart_removal')
@Index('cart_removal_untold', ['customerId', 'id'], { where: 'told_at IS NULL' })
@Check('cart_removal_quantity_check', 'quantity > 0')
@Check('cart_removal_kept_check', 'kept >= 0')
@Check('cart_removal_reason_check', `reason IN ('INSUFFICIENT_STOCK', 'OUT_OF_STOCK', 'DISCONTINUED')`)
export class CartRemovalEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column('uuid', { name: 'customer_id' })
  @ForeignKey(() => CustomerEntity, { name: 'cart_removal_customer_id_fkey' })
  customerId!: string;

  @Column('uuid', { name: 'product_id' })
  productId!: string;

  /** Units taken out. */
  @Column('int')
  quantity!: number;

  /** Units of the product left in the cart. */
  @Column('int')
  kept!: number;

  @Column('text')
  reason!: 'INSUFFICIENT_STOCK' | 'OUT_OF_STOCK' | 'DISCONTINUED';

  @Column('timestamptz', { name: 'removed_at', default: () => 'clock_timestamp()' })
  removedAt!: Date;

  /** Set when pruneCart has told the customer. */
  @Column('timestamptz', { name: 'told_at', nullable: true })
  toldAt!: Date | null;
}
