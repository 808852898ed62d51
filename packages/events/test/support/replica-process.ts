/**
 * A consumer replica in a process of its own, for a test to kill outright (SIGKILL) in the middle of
 * a batch: `node --import tsx replica-process.ts <database url> <nats url> <stream> <subject root>`.
 * It applies RoundSettled events into `applied` slowly (a batch holds its transaction open a while)
 * and prints `ready` once consuming.
 */
import { openServiceDatabase } from '@distribution/db';
import { createLogger } from '@distribution/logging';
import { EventType } from '@distribution/contracts';
import { EventTables1700000000000, OutboxTraceparent1768000000000, NatsEventBus } from '@distribution/events';

const [url, natsUrl, stream, subjectRoot] = process.argv.slice(2) as [string, string, string, string];
const database = await openServiceDatabase({ url, schema: 'consumer', migrations: [EventTables1700000000000, OutboxTraceparent1768000000000] });
const bus = new NatsEventBus({ database, logger: createLogger('replica', 'silent'), natsUrl, stream, subjectRoot, leaseMs: 1_500, batchSize: 5 }).consume(
  'killable',
  { [EventType.RoundSettled]: [1] },
  async (events, m) => {
    for (const e of events) await m.query('INSERT INTO applied (event_id, n, consumer, replica) VALUES ($1, $2, $3, $4)', [e.id, e.payload.roundNumber, 'killable', 'doomed']);
    await m.query('SELECT pg_sleep(0.05)');
  },
);
await bus.start();
process.stdout.write('ready\n');
