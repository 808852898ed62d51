/**
 * Internal: sharing the partitions of each consumer among the live replicas of a service. Each
 * replica beats a heartbeat, counts the live ones and holds its fair share (ceil(P / live)) of every
 * consumer's partitions as leases in the service's own database. A lease carries an epoch, bumped
 * at every claim: a batch commits only while its worker's epoch is still the lease's (see
 * NatsEventBus.applyBatch), so a replica that stalled past its lease cannot apply after the new holder.
 */
import { returnedRows, type ServiceDatabase } from '@distribution/db';

export interface Claim {
  consumer: string;
  partition: number;
  epoch: number;
}

export class PartitionLeases {
  constructor(
    private readonly database: ServiceDatabase,
    /** This replica's name, unique per process. */
    readonly replica: string,
    private readonly partitions: number,
    private readonly leaseMs: number,
  ) {}

  /** Every partition of every consumer has its row (position 0, no holder, at first). */
  async prepare(consumers: string[]): Promise<void> {
    if (consumers.length === 0) return;
    await this.database.query(
      `INSERT INTO nats_partition (consumer, partition)
       SELECT c, p FROM unnest($1::text[]) AS c, generate_series(0, $2 - 1) AS p ON CONFLICT DO NOTHING`,
      [consumers, this.partitions],
    );
  }

  /**
   * Says this replica is alive and runs `consumers`; returns, per consumer, how many of its
   * partitions this replica should hold: ceil(P / live replicas running that consumer).
   */
  async heartbeat(consumers: string[]): Promise<Map<string, number>> {
    const rows = await this.database.query<{ consumer: string; live: number }>(
      `WITH beat AS (
         INSERT INTO nats_replica (consumer, replica, seen_at) SELECT unnest($1::text[]), $2, now()
         ON CONFLICT (consumer, replica) DO UPDATE SET seen_at = now()
       )
       SELECT c AS consumer, (SELECT count(*)::int + 1 FROM nats_replica r WHERE r.consumer = c AND r.replica <> $2
                              AND r.seen_at > now() - make_interval(secs => $3 / 1000.0)) AS live
       FROM unnest($1::text[]) AS c`,
      [consumers, this.replica, this.leaseMs],
    );
    return new Map(rows.map((r) => [r.consumer, Math.ceil(this.partitions / r.live)]));
  }

  /** Extends this replica's leases of `consumer`; returns the partitions it still holds (with their epochs). */
  async renew(consumer: string): Promise<Claim[]> {
    const rows = returnedRows<{ partition: number; epoch: string }>(
      await this.database.query(
        `UPDATE nats_partition SET expires_at = now() + make_interval(secs => $3 / 1000.0)
         WHERE consumer = $1 AND holder = $2 AND expires_at > now() RETURNING partition, epoch`,
        [consumer, this.replica, this.leaseMs],
      ),
    );
    return rows.map((r) => ({ consumer, partition: r.partition, epoch: Number(r.epoch) }));
  }

  /** Claims up to `count` partitions of `consumer` that nobody holds (or whose holder let its lease lapse). */
  async claim(consumer: string, count: number): Promise<Claim[]> {
    if (count <= 0) return [];
    const rows = returnedRows<{ partition: number; epoch: string }>(
      await this.database.query(
        `UPDATE nats_partition SET holder = $2, epoch = epoch + 1, expires_at = now() + make_interval(secs => $4 / 1000.0)
         WHERE (consumer, partition) IN (
           SELECT consumer, partition FROM nats_partition
           WHERE consumer = $1 AND (holder IS NULL OR expires_at <= now())
           ORDER BY partition LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING partition, epoch`,
        [consumer, this.replica, count, this.leaseMs],
      ),
    );
    return rows.map((r) => ({ consumer, partition: r.partition, epoch: Number(r.epoch) }));
  }

  /** Gives a partition back (after its worker stopped), so another replica claims it at once. */
  async release(claim: Claim): Promise<void> {
    await this.database.query(`UPDATE nats_partition SET holder = NULL, expires_at = '-infinity' WHERE consumer = $1 AND partition = $2 AND holder = $3 AND epoch = $4`, [
      claim.consumer,
      claim.partition,
      this.replica,
      claim.epoch,
    ]);
  }

  /** This replica leaves: the others count one less at their next heartbeat. */
  async leave(): Promise<void> {
    await this.database.query('DELETE FROM nats_replica WHERE replica = $1', [this.replica]);
  }
}
