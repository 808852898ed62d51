/** Starts the real manufacturer service on a fresh database and talks to it over HTTP, as the gateway does. */
import { expect } from 'vitest';
import { Role, identityToHeaders, type Identity } from '@distribution/auth';
import type { RunningService, ServiceSettings } from '@distribution/server';
import { createLogger } from '@distribution/logging';
import { createTestDatabase, graphqlClient, type GraphQLResponse } from '@distribution/testkit';
import { startManufacturerService } from '../src/index.js';

export const CREDENTIAL = 'manufacturer-test-internal-credential';
export const OPERATOR: Identity = { sub: 'operator-on-duty', role: Role.Operator };
export const CUSTOMER: Identity = { sub: '0c0c0c0c-0c0c-4c0c-8c0c-0c0c0c0c0c0c', role: Role.Customer };
export const ANONYMOUS = null;
export const manufacturerUser = (id: string): Identity => ({ sub: id, role: Role.Manufacturer });
export const UNKNOWN_ID = '9f9f9f9f-9f9f-4f9f-8f9f-9f9f9f9f9f9f';

export const PRODUCT_FIELDS = 'id sku name category unitPrice supply discontinued createdAt manufacturer { id name }';

export interface PublishedEvent {
  type: string;
  payload: any;
}

export interface Harness {
  databaseUrl: string;
  service: RunningService;
  send<D = any>(identity: Identity | null, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<D>>;
  /** Every event this service published, relayed to the bus or still in its outbox, in order. */
  publishedEvents(type?: string): Promise<PublishedEvent[]>;
  /** All of the service's business tables plus its published events: equal snapshots mean nothing changed. */
  snapshot(): Promise<unknown>;
  registerManufacturer(name: string): Promise<string>;
  createProduct(input: Record<string, unknown>, as?: Identity): Promise<any>;
  stop(): Promise<void>;
}

export async function startHarness(label: string, settings: Partial<ServiceSettings> = {}): Promise<Harness> {
  const databaseUrl = await createTestDatabase(label);
  const service = await startManufacturerService({
    databaseUrl,
    port: 0,
    internalCredential: CREDENTIAL,
    logger: createLogger('manufacturer-test', process.env.TEST_LOG_LEVEL ?? 'silent'),
    eventPollIntervalMs: 50,
    ...settings,
  });
  const request = graphqlClient({ url: service.url });
  const db = service.database;

  const harness: Harness = {
    databaseUrl,
    service,
    send: (identity, query, variables = {}) => request(query, variables, identityToHeaders(identity, CREDENTIAL)),
    async publishedEvents(type) {
      const rows: PublishedEvent[] = await db.query(
        `SELECT type, payload FROM (
           SELECT type, payload, 0 AS stage, position AS seq FROM bus.events WHERE source = 'manufacturer'
           UNION ALL SELECT type, payload, 1, id FROM outbox
         ) e WHERE $1::text IS NULL OR type = $1 ORDER BY stage, seq`,
        [type ?? null],
      );
      return rows;
    },
    async snapshot() {
      return {
        manufacturers: await db.query('SELECT * FROM manufacturer ORDER BY id'),
        products: await db.query('SELECT * FROM product ORDER BY id'),
        movements: await db.query('SELECT * FROM supply_movement ORDER BY id'),
        settlements: await db.query('SELECT * FROM settlement ORDER BY id'),
        events: await harness.publishedEvents(),
      };
    },
    async registerManufacturer(name) {
      const res = await harness.send(OPERATOR, 'mutation($name: String!) { registerManufacturer(input: { name: $name }) { id } }', { name });
      expect(res.errors).toBeUndefined();
      return res.data.registerManufacturer.id;
    },
    async createProduct(input, as = OPERATOR) {
      const res = await harness.send(as, `mutation($input: CreateProductInput!) { createProduct(input: $input) { ${PRODUCT_FIELDS} } }`, {
        input: { category: 'Tools', unitPrice: '10.00', ...input },
      });
      expect(res.errors).toBeUndefined();
      return res.data.createProduct;
    },
    stop: () => service.stop(),
  };
  return harness;
}

/** The error code of the first error, or 'OK'. */
export const codeOf = (res: GraphQLResponse) => (res.errors?.length ? String(res.errors[0]!.extensions?.code) : 'OK');

/** Sends a request that must be refused with `code`, and checks that nothing changed. */
export async function expectRefusedWithoutChange(harness: Harness, code: string, send: () => Promise<GraphQLResponse>): Promise<void> {
  const before = await harness.snapshot();
  const res = await send();
  expect(codeOf(res), JSON.stringify(res.errors)).toBe(code);
  expect(await harness.snapshot()).toEqual(before);
}
