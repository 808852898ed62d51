/** A round the order service knows is closed: a confirmation arriving after it is fulfilled at once. */
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('closed_round')
export class ClosedRoundEntity {
  @PrimaryColumn('int', { name: 'round_number' })
  roundNumber!: number;

  @Column('timestamptz', { name: 'closed_at', default: () => 'now()' })
  closedAt!: Date;
}
