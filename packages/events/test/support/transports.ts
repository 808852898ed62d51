/**
 * The same bus tests on each transport: a bus of the chosen transport over a service database, and on
 * NATS a stream and subject root of the test's own (on the shared server on 4222 when it answers, on
 * a nats-server of its own otherwise), removed at the end.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'nats';
import type { ServiceDatabase } from '@distribution/db';
import { createLogger } from '@distribution/logging';
import { natsServerInstalled, sharedNatsUrl, startNatsServer, type TestNatsServer } from '@distribution/testkit';
import { EventBus, NatsEventBus, type EventTransport, type TransportName } from '@distribution/events';

/** JetStream needs a server: the shared one on 4222, or `nats-server` to start one (a fresh machine may have neither). */
export const TRANSPORTS: TransportName[] = (await sharedNatsUrl()) || natsServerInstalled() ? ['postgres', 'nats'] : ['postgres'];
export const logger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');

export interface BusSettings {
  batchSize?: number;
  pollIntervalMs?: number;
  maxAttempts?: number;
}

/** A NATS stream of one test file: its name, subject root, and server. */
export class TestStream {
  readonly stream = `T_${randomBytes(4).toString('hex').toUpperCase()}`;
  readonly subjectRoot = `t${randomBytes(4).toString('hex')}`;
  private constructor(
    readonly url: string,
    private readonly own: TestNatsServer | null,
  ) {}

  /** On `server` when given (a test that restarts it), else the shared server or a new one. */
  static async open(server?: TestNatsServer): Promise<TestStream> {
    if (server) return new TestStream(server.url, null);
    const shared = await sharedNatsUrl();
    if (shared) return new TestStream(shared, null);
    const own = await startNatsServer();
    return new TestStream(own.url, own);
  }

  bus(database: ServiceDatabase, settings: BusSettings & { leaseMs?: number } = {}): NatsEventBus {
    return new NatsEventBus({ database, logger, natsUrl: this.url, stream: this.stream, subjectRoot: this.subjectRoot, leaseMs: 1_500, pollIntervalMs: 50, ...settings });
  }

  /** How many messages the stream holds. */
  async messages(): Promise<number> {
    const nc = await connect({ servers: this.url });
    try {
      return (await (await nc.jetstreamManager()).streams.info(this.stream)).state.messages;
    } finally {
      await nc.close();
    }
  }

  async close(): Promise<void> {
    const nc = await connect({ servers: this.url }).catch(() => null);
    if (nc) {
      await (await nc.jetstreamManager()).streams.delete(this.stream).catch(() => false);
      await nc.close();
    }
    await this.own?.dispose();
  }
}

/** A bus of `transport` on `database`. */
export function busOf(transport: TransportName, stream: TestStream | null, database: ServiceDatabase, settings: BusSettings = {}): EventTransport {
  if (transport === 'nats') return stream!.bus(database, settings);
  return new EventBus({ database, logger, pollIntervalMs: 50, ...settings });
}
