/**
 * Internal: the tables the JetStream transport keeps in the service's own schema, beside its outbox
 * and inbox: which replica holds which partition of each consumer (a lease with an epoch that fences
 * off a former holder) and how far that partition is applied, and which replicas of each consumer are alive.
 * Created on first start (IF NOT EXISTS): a service on the Postgres bus never has them.
 */
import type { ServiceDatabase } from '@distribution/db';

/** Advisory lock key (with the schema's hash) taken while creating the tables and while relaying. */
export const NATS_TABLES_LOCK = 748_391_101;
export const NATS_RELAY_LOCK = 748_391_102;

export async function ensureNatsTables(database: ServiceDatabase): Promise<void> {
  await database.transaction(async (m) => {
    await m.query('SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))', [NATS_TABLES_LOCK]);
    await m.query(`
      CREATE TABLE IF NOT EXISTS nats_partition (
        consumer text NOT NULL,
        partition int NOT NULL,
        holder text,
        epoch bigint NOT NULL DEFAULT 0,
        expires_at timestamptz NOT NULL DEFAULT '-infinity',
        position bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (consumer, partition)
      );
      CREATE TABLE IF NOT EXISTS nats_replica (
        consumer text NOT NULL,
        replica text NOT NULL,
        seen_at timestamptz NOT NULL,
        PRIMARY KEY (consumer, replica)
      );`);
  });
}
