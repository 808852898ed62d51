/** A registered customer; one per email address, whatever its case. */
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('customer')
@Index('customer_email_unique', { synchronize: false }) // UNIQUE on lower(email): an expression TypeORM cannot describe
export class CustomerEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  @Column('text')
  email!: string;

  @Column('timestamptz', { name: 'registered_at', default: () => 'now()' })
  registeredAt!: Date;
}
