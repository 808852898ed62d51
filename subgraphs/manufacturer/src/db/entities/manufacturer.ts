/** A manufacturer; names are unique whatever their case. */
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('manufacturer')
@Index('manufacturer_name_unique', { synchronize: false }) // UNIQUE on lower(name): an expression TypeORM cannot describe
@Index('manufacturer_by_name', ['name', 'id'])
export class ManufacturerEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
