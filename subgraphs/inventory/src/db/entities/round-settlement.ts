/** One row per manufacturer that sold in a round; settled when its SettlementApplied arrives. */
import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { DistributionRoundEntity } from './distribution-round.js';

@Entity('round_settlement')
export class RoundSettlementEntity {
  @PrimaryColumn('int', { name: 'round_number' })
  @ForeignKey(() => DistributionRoundEntity, { name: 'round_settlement_round_number_fkey' })
  roundNumber!: number;

  @PrimaryColumn('uuid', { name: 'manufacturer_id' })
  manufacturerId!: string;

  @Column('uuid', { name: 'settlement_id', nullable: true })
  settlementId!: string | null;

  @Column('timestamptz', { name: 'settled_at', nullable: true })
  settledAt!: Date | null;
}
