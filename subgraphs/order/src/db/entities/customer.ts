/**
 * A customer as the order service keeps it: the id its carts and orders refer to. Names and emails
 * live in the account service; rows made before that move keep theirs. A customer of an external
 * identity provider keeps the provider's subject its id was made from.
 */
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('customer')
@Index('customer_email_unique', { synchronize: false }) // UNIQUE on lower(email): an expression TypeORM cannot describe
@Index('customer_subject_unique', ['subject'], { unique: true, where: 'subject IS NOT NULL' })
export class CustomerEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text', { nullable: true })
  name!: string | null;

  @Column('text', { nullable: true })
  email!: string | null;

  @Column('timestamptz', { name: 'registered_at', default: () => 'now()' })
  registeredAt!: Date;

  @Column('text', { nullable: true })
  subject!: string | null;
}
