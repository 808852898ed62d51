/**
 * Test support: inventory started for real on a fresh database, and throwaway producer schemas
 * (`order_fake`, `manufacturer_fake`) whose events reach inventory through the real bus.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { entities } from '../../src/db/entities/index.js';
import { openServiceDatabase, migrate, type ServiceDatabase } from '@distribution/db';
import * as contract from '@distribution/contracts';
import type { SupplyChangeReason } from '@distribution/contracts';
import { EventBus, EventTables1700000000000, OutboxTraceparent1768000000000, recordEvents, type NewEvent } from '@distribution/events';
import { identityToHeaders, Role, type Identity } from '@distribution/auth';
import { createLogger, type Logger } from '@distribution/logging';
import { eventually, graphqlClient } from '@distribution/testkit';
import type { RunningService } from '@distribution/server';
import { startInventoryService } from '../../src/index.js';

export const CREDENTIAL = 'test-internal-credential-0123456789';
export const operator: Identity = { sub: 'operator-1', role: Role.Operator };
export const manufacturer = (id: string): Identity => ({ sub: id, role: Role.Manufacturer });
export const customer = (id = randomUUID()): Identity => ({ sub: id, role: Role.Customer });
export const quietLogger = () => createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');

/** A logger that keeps every line at warn or above, to prove nothing went wrong quietly. */
export function capturingLogger(): { logger: Logger; problems: () => Array<{ level: number; msg: string; err?: unknown }> } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream), problems: () => lines.map((line) => JSON.parse(line)) };
}

export interface FakeProducer {
  database: ServiceDatabase;
  /** Records events in one transaction of the fake producer. */
  publish(...events: NewEvent[]): Promise<void>;
  stop(): Promise<void>;
}

/** A producer schema with an outbox and a running relay, as a real service has. */
export async function startFakeProducer(url: string, schema: 'order_fake' | 'manufacturer_fake', logger = quietLogger()): Promise<FakeProducer> {
  const database = await openServiceDatabase({ url, schema, migrations: [EventTables1700000000000, OutboxTraceparent1768000000000] });
  await migrate(database);
  const bus = new EventBus({ database, logger, pollIntervalMs: 20 });
  await bus.start();
  return {
    database,
    publish: async (...events) => {
      await database.transaction((m) => recordEvents(m, schema, events));
    },
    stop: async () => {
      await bus.stop();
      await database.close();
    },
  };
}

export interface InventoryUnderTest {
  service: RunningService;
  /** A GraphQL request as `identity` (null: anonymous), with the gateway's credential. */
  as(identity: Identity | null): ReturnType<typeof graphqlClient>;
}

export async function startInventory(
  url: string,
  options: {
    roundPeriod?: string;
    roundSchedule?: string;
    lowStockThreshold?: number;
    logger?: Logger;
    eventPollIntervalMs?: number;
    eventBatchSize?: number;
    periodCheckIntervalMs?: number;
  } = {},
): Promise<InventoryUnderTest> {
  const service = await startInventoryService({
    databaseUrl: url,
    port: 0,
    internalCredential: CREDENTIAL,
    logger: options.logger ?? quietLogger(),
    eventPollIntervalMs: options.eventPollIntervalMs ?? 20,
    eventBatchSize: options.eventBatchSize,
    roundPeriod: options.roundPeriod ?? 'PT1H',
    roundSchedule: options.roundSchedule,
    lowStockThreshold: options.lowStockThreshold,
    periodCheckIntervalMs: options.periodCheckIntervalMs,
  });
  return { service, as: (identity) => graphqlClient({ url: service.url, headers: identityToHeaders(identity, CREDENTIAL) }) };
}

/** A connection to inventory's schema for looking at its tables (not the service's own pool). */
export const openInspector = (url: string) => openServiceDatabase({ url, schema: 'inventory', migrations: [], entities });

// ---- events the fakes publish, made by the contract's builders ----

export interface ProductSpec {
  productId: string;
  manufacturerId: string;
  category?: string;
  unitPriceCents?: number;
}

export const supplyChanged = (p: ProductSpec, supply: number, delta: number, reason: SupplyChangeReason, discontinued = false) =>
  contract.supplyChanged({
    productId: p.productId,
    manufacturerId: p.manufacturerId,
    sku: `SKU-${p.productId.slice(0, 8)}`,
    name: `Product ${p.productId.slice(0, 8)}`,
    category: p.category ?? 'tea',
    unitPriceCents: p.unitPriceCents ?? 250,
    supply,
    delta,
    reason,
    discontinued,
  });
export const orderPlaced = (orderId: string, lines: Array<[string, number, number?]>, customerId = randomUUID()) =>
  contract.orderPlaced({
    orderId,
    customerId,
    lines: lines.map(([productId, quantity, unitPriceCents]) => ({ productId, quantity, unitPriceCents: unitPriceCents ?? 250 })),
  });
export const orderCancelled = (orderId: string, customerId = randomUUID()) => contract.orderCancelled({ orderId, customerId });
export const lineChange = (orderId: string, productId: string, quantity: number, changeId = randomUUID()) =>
  contract.orderLineChangeRequested({ orderId, changeId, productId, quantity, unitPriceCents: 250 });
export const settlementApplied = (roundNumber: number, manufacturerId: string, lines: Array<{ productId: string; unitsSold: number; revenueCents: number }> = []) =>
  contract.settlementApplied({ roundNumber, manufacturerId, settlementId: randomUUID(), lines });

export const product = (manufacturerId: string = randomUUID(), extra: Partial<ProductSpec> = {}): ProductSpec => ({ productId: randomUUID(), manufacturerId, ...extra });

// ---- looking at what inventory did ----

export interface PublishedEvent {
  type: string;
  payload: any;
  position: number;
}

/** What inventory published on the bus, in bus order. */
export async function published(inspector: ServiceDatabase, types: string[]): Promise<PublishedEvent[]> {
  const rows = await inspector.query(`SELECT type, payload, position FROM bus.events WHERE source = 'inventory' AND type = ANY($1) ORDER BY position`, [types]);
  return rows.map((r: any) => ({ type: r.type, payload: r.payload, position: Number(r.position) }));
}

export async function stockRow(inspector: ServiceDatabase, productId: string): Promise<{ on_hand: number; reserved: number; round_number: number | null } | undefined> {
  const [row] = await inspector.query('SELECT on_hand, reserved, round_number FROM stock_item WHERE product_id = $1', [productId]);
  return row;
}

/** Rows breaking `0 <= reserved <= onHand` or `reserved = what the open round's reservations hold` (should be none). */
export async function invariantViolations(inspector: ServiceDatabase): Promise<unknown[]> {
  return inspector.query(`
    SELECT s.product_id, s.on_hand, s.reserved, coalesce(h.held, 0) AS held
    FROM stock_item s
    LEFT JOIN (
      SELECT r.product_id, sum(r.quantity)::int AS held FROM reservation r
      JOIN distribution_round d ON d.number = r.round_number AND d.status = 'OPEN'
      WHERE r.status = 'RESERVED' GROUP BY r.product_id
    ) h ON h.product_id = s.product_id
    WHERE NOT (0 <= s.reserved AND s.reserved <= s.on_hand) OR s.reserved <> coalesce(h.held, 0)`);
}

/** Waits until inventory's relay has moved everything it recorded to the bus (before counting or ruling events out). */
export async function untilRelayed(inspector: ServiceDatabase): Promise<void> {
  await eventually(async () => (await inspector.query('SELECT count(*)::int AS n FROM outbox'))[0].n === 0);
}

/** Waits until inventory's read model knows these products (its consumer applied their SupplyChanged). */
export async function untilKnown(inspector: ServiceDatabase, productIds: string[]): Promise<void> {
  await eventually(async () => (await inspector.query('SELECT count(*)::int AS n FROM product WHERE id = ANY($1::uuid[])', [productIds]))[0].n === productIds.length);
}

/** Waits until every order has exactly one outcome on the bus (or `count` outcomes in all). */
export async function untilOutcomes(inspector: ServiceDatabase, count: number, timeoutMs = 15_000): Promise<PublishedEvent[]> {
  return eventually(
    async () => {
      const outcomes = await published(inspector, ['StockReserved', 'StockRejected']);
      return outcomes.length >= count ? outcomes : null;
    },
    { timeoutMs },
  );
}

export const OPEN_ROUND = 'mutation { openRound { number status openedAt endsAt } }';
export const CLOSE_ROUND = 'mutation { closeRound { number status closeReason closedAt sales { product { id } manufacturerId unitsSold revenue } } }';
