/** What a manufacturer sold in a round, booked once per (round, manufacturer). */
import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { ManufacturerEntity } from './manufacturer.js';

@Entity('settlement')
// A round is booked once per manufacturer, even if RoundClosed arrives twice.
@Unique('settlement_once_per_round', ['roundNumber', 'manufacturerId'])
@Index('settlement_by_manufacturer', ['manufacturerId', 'roundNumber'])
@Check('settlement_units_sold_check', 'units_sold >= 0')
@Check('settlement_revenue_cents_check', 'revenue_cents >= 0')
export class SettlementEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('int', { name: 'round_number' })
  roundNumber!: number;

  @Column('uuid', { name: 'manufacturer_id' })
  @ForeignKey(() => ManufacturerEntity, { name: 'settlement_manufacturer_id_fkey' })
  manufacturerId!: string;

  /** bigint: a string from the driver. */
  @Column('bigint', { name: 'units_sold' })
  unitsSold!: string;

  /** bigint: a string from the driver. */
  @Column('bigint', { name: 'revenue_cents' })
  revenueCents!: string;

  @Column('timestamptz', { name: 'applied_at', default: () => 'now()' })
  appliedAt!: Date;
}
