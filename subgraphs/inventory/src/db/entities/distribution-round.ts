/** A distribution round: open, closed (waiting for settlements) or settled. */
import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { RoundCloseReason, RoundStatus } from '../../domain/rounds.js';

@Entity('distribution_round')
// At most one round is not yet settled: UNIQUE on the constant (true), which TypeORM cannot describe.
@Index('one_unsettled_round', { synchronize: false })
@Check('distribution_round_number_check', 'number > 0')
@Check('distribution_round_status_check', `status IN ('OPEN', 'CLOSED', 'SETTLED')`)
@Check('distribution_round_close_reason_check', `close_reason IN ('OPERATOR', 'PERIOD_ENDED', 'DEPLETED')`)
@Check('distribution_round_check', `(status = 'OPEN') = (closed_at IS NULL)`)
export class DistributionRoundEntity {
  @PrimaryColumn('int')
  number!: number;

  @Column('text')
  status!: RoundStatus;

  @Column('timestamptz', { name: 'opened_at' })
  openedAt!: Date;

  @Column('timestamptz', { name: 'ends_at' })
  endsAt!: Date;

  @Column('timestamptz', { name: 'closed_at', nullable: true })
  closedAt!: Date | null;

  @Column('text', { name: 'close_reason', nullable: true })
  closeReason!: RoundCloseReason | null;

  @Column('timestamptz', { name: 'settled_at', nullable: true })
  settledAt!: Date | null;
}
