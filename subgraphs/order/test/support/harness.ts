/**
 * Starts the order service on a fresh database with fake manufacturer and inventory producers on
 * the real bus, and gives tests a GraphQL client per identity.
 */
import { randomUUID } from 'node:crypto';
import { migrate, openServiceDatabase, type ServiceDatabase } from '@distribution/db';
import { availabilityChanged, supplyChanged } from '@distribution/contracts';
import { EventBus, EventTables1700000000000, OutboxTraceparent1768000000000, recordEvents } from '@distribution/events';
import { Role, identityToHeaders, type Identity } from '@distribution/auth';
import { createLogger } from '@distribution/logging';
import { createTestDatabase, eventually, graphqlClient, type GraphQLResponse } from '@distribution/testkit';
import type { RunningService } from '@distribution/server';
import { startOrderService } from '../../src/index.js';
import { FakeInventory } from './fake-inventory.js';

export const INTERNAL_CREDENTIAL = 'order-test-internal-credential';
export const OPERATOR: Identity = { sub: 'operator-1', role: Role.Operator };

export interface ProductSpec {
  priceCents?: number;
  available?: number;
  discontinued?: boolean;
  /** false: inventory has never heard of it (it rejects with UNKNOWN_PRODUCT). */
  stocked?: boolean;
}

export interface Harness {
  service: RunningService;
  inventory: FakeInventory;
  manufacturerDb: ServiceDatabase;
  /** A GraphQL request as `identity` (null: anonymous), through the internal credential like the gateway. */
  as(identity: Identity | null): (query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse<any>>;
  /** A customer identity the gateway would forward (accounts live in the account service; rows here are made on first use). */
  registerCustomer(name?: string): Promise<Identity>;
  /** A product the read models know, with a price and availability. */
  product(spec?: ProductSpec): Promise<string>;
  supplyChanged(productId: string, spec: { priceCents: number; discontinued?: boolean }): Promise<void>;
  availabilityChanged(productId: string, available: number): Promise<void>;
  /** Waits until the service's outbox is empty and the bus has everything it wrote. */
  drained(): Promise<void>;
  stop(): Promise<void>;
}

const MANUFACTURER_ID = '11111111-1111-4111-8111-111111111111';

export async function startHarness(label: string, options: { placeOrderWaitMs?: number; eventPollIntervalMs?: number; resolutionTimeoutMs?: number } = {}): Promise<Harness> {
  const url = await createTestDatabase(label);
  const logger = createLogger('order-test', process.env.TEST_LOG_LEVEL ?? 'silent');
  const service = await startOrderService({
    databaseUrl: url,
    port: 0,
    internalCredential: INTERNAL_CREDENTIAL,
    logger,
    placeOrderWaitMs: options.placeOrderWaitMs ?? 1500,
    eventPollIntervalMs: options.eventPollIntervalMs ?? 100,
    resolutionTimeoutMs: options.resolutionTimeoutMs,
  });
  const inventory = await FakeInventory.start(url, logger);
  const manufacturerDb = await openServiceDatabase({ url, schema: 'manufacturer_fake', migrations: [EventTables1700000000000, OutboxTraceparent1768000000000], poolSize: 3 });
  await migrate(manufacturerDb);
  const manufacturerRelay = new EventBus({ database: manufacturerDb, logger, pollIntervalMs: 50 });
  await manufacturerRelay.start();

  const client = graphqlClient({ url: service.url });
  const as: Harness['as'] =
    (identity) =>
    (query, variables = {}) =>
      client(query, variables, identityToHeaders(identity, INTERNAL_CREDENTIAL));

  const readModel = async (productId: string) =>
    (await service.database.query('SELECT unit_price_cents, discontinued, available FROM catalog_product WHERE product_id = $1', [productId]))[0];

  const harness: Harness = {
    service,
    inventory,
    manufacturerDb,
    as,
    async registerCustomer() {
      return { sub: randomUUID(), role: Role.Customer };
    },
    async supplyChanged(productId, spec) {
      await manufacturerDb.transaction((m) =>
        recordEvents(m, 'manufacturer_fake', [
          supplyChanged({
            productId,
            manufacturerId: MANUFACTURER_ID,
            sku: `SKU-${productId.slice(0, 8)}`,
            name: 'Test good',
            category: 'test',
            unitPriceCents: spec.priceCents,
            supply: 1000,
            delta: 0,
            reason: spec.discontinued ? 'DISCONTINUED' : 'UPDATED',
            discontinued: spec.discontinued ?? false,
          }),
        ]),
      );
      await eventually(async () => {
        const row = await readModel(productId);
        return row && row.unit_price_cents === spec.priceCents && row.discontinued === (spec.discontinued ?? false);
      });
    },
    async availabilityChanged(productId, available) {
      await inventory.publish(
        availabilityChanged({
          productId,
          manufacturerId: MANUFACTURER_ID,
          category: 'test',
          onHand: available,
          reserved: 0,
          available,
          lowStockThreshold: 5,
          status: available > 0 ? 'IN_STOCK' : 'DEPLETED',
          roundNumber: 1,
        }),
      );
      await eventually(async () => (await readModel(productId))?.available === available);
    },
    async product(spec = {}) {
      const id = randomUUID();
      const available = spec.available ?? 100;
      if (spec.stocked !== false) inventory.stock.set(id, available);
      await harness.supplyChanged(id, { priceCents: spec.priceCents ?? 250, discontinued: spec.discontinued });
      await harness.availabilityChanged(id, available);
      return id;
    },
    async drained() {
      await eventually(async () => (await service.database.query('SELECT count(*)::int AS c FROM outbox'))[0].c === 0);
    },
    async stop() {
      await service.stop();
      await inventory.stop();
      await manufacturerRelay.stop();
      await manufacturerDb.close();
    },
  };
  return harness;
}

export const ORDER_FIELDS = `
  id status roundNumber total cancellationRequested placedAt updatedAt
  customer { id }
  lines { product { id } quantity unitPrice lineTotal }
  rejection { lines { product { id } requested available } }`;

export const RESULT_FIELDS = `
  __typename
  ... on Order { ${ORDER_FIELDS} }
  ... on InsufficientStock { lines { product { id } requested available } }
  ... on RoundNotOpen { message }`;

export const PLACE_ORDER = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { ${RESULT_FIELDS} } }`;
export const CANCEL_ORDER = `mutation($id: ID!) { cancelOrder(id: $id) { ${ORDER_FIELDS} } }`;
export const CHANGE_LINE = `mutation($orderId: ID!, $productId: ID!, $quantity: Int!) { changeOrderLine(orderId: $orderId, productId: $productId, quantity: $quantity) { ${RESULT_FIELDS} } }`;
export const ORDER = `query($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`;

export const CART_FIELDS = `lines { product { id } quantity unitPrice available problem } total canCheckout`;
export const CART = `query { me { id cart { ${CART_FIELDS} } } }`;
export const ADD_TO_CART = `mutation($productId: ID!, $quantity: Int!) { addToCart(productId: $productId, quantity: $quantity) {
  __typename ... on Cart { ${CART_FIELDS} } ... on InsufficientStock { lines { product { id } requested available } } } }`;
export const SET_CART_LINE = `mutation($productId: ID!, $quantity: Int!) { setCartLineQuantity(productId: $productId, quantity: $quantity) {
  __typename ... on Cart { ${CART_FIELDS} } ... on InsufficientStock { lines { product { id } requested available } } } }`;
export const REMOVE_FROM_CART = `mutation($productId: ID!) { removeFromCart(productId: $productId) { ${CART_FIELDS} } }`;

export const key = () => `key-${randomUUID()}`;
