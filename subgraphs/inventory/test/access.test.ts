import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDatabase } from '@distribution/db';
import { createTestDatabase, eventually } from '@distribution/testkit';
import {
  CLOSE_ROUND,
  customer,
  manufacturer as manufacturerIdentity,
  OPEN_ROUND,
  openInspector,
  operator,
  product,
  published,
  startFakeProducer,
  startInventory,
  supplyChanged,
  untilKnown,
  type FakeProducer,
  type InventoryUnderTest,
} from './support/harness.js';

const SET_THRESHOLD =
  'mutation($id: ID!, $t: Int!) { setLowStockThreshold(productId: $id, threshold: $t) { product { id } onHand available lowStockThreshold status roundNumber } }';
const MOVEMENTS = 'query($id: ID!, $first: Int, $after: String) { stockMovements(productId: $id, first: $first, after: $after) { edges { node { kind } } } }';

describe('who may do what, and what bad input gets', () => {
  let inventory: InventoryUnderTest;
  let manufacturer: FakeProducer;
  let inspector: ServiceDatabase;
  const owner = randomUUID();
  const tea = product(owner);

  beforeAll(async () => {
    const url = await createTestDatabase('inv_access');
    manufacturer = await startFakeProducer(url, 'manufacturer_fake');
    inventory = await startInventory(url, { lowStockThreshold: 5 });
    inspector = await openInspector(url);
    await manufacturer.publish(supplyChanged(tea, 6, 6, 'CREATED'));
    await untilKnown(inspector, [tea.productId]);
  });
  afterAll(async () => {
    await inventory?.service.stop();
    await Promise.all([manufacturer?.stop(), inspector?.close()]);
  });

  /** Everything a refused request must leave as it was. */
  const snapshot = async () => ({
    rounds: await inspector.query('SELECT number, status FROM distribution_round ORDER BY number'),
    stock: await inspector.query('SELECT product_id, on_hand, reserved, low_stock_threshold, round_number FROM stock_item ORDER BY product_id'),
    movements: (await inspector.query('SELECT count(*)::int AS n FROM stock_movement'))[0].n,
    // One statement, so an event moving from the outbox to the bus meanwhile is counted once.
    announced: (await inspector.query(`SELECT (SELECT count(*) FROM outbox) + (SELECT count(*) FROM bus.events WHERE source = 'inventory') AS n`))[0].n,
  });
  const codeOf = (response: { errors?: Array<{ extensions?: { code?: string } }> }) => response.errors?.[0]?.extensions?.code;

  it('lets only the operator open and close rounds, changing nothing otherwise', async () => {
    const before = await snapshot();
    for (const mutation of [OPEN_ROUND, CLOSE_ROUND]) {
      expect(codeOf(await inventory.as(null)(mutation))).toBe('UNAUTHENTICATED');
      expect(codeOf(await inventory.as(customer())(mutation))).toBe('FORBIDDEN');
      expect(codeOf(await inventory.as(manufacturerIdentity(owner))(mutation))).toBe('FORBIDDEN');
    }
    const closeNothing = await inventory.as(operator)(CLOSE_ROUND);
    expect(codeOf(closeNothing)).toBe('CONFLICT');
    expect(closeNothing.errors![0]!.message).toMatch(/No round is open/);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses to open a round while one is open, naming it', async () => {
    expect((await inventory.as(operator)(OPEN_ROUND)).data?.openRound).toMatchObject({ number: 1, status: 'OPEN' });
    await eventually(async () => (await inspector.query('SELECT count(*)::int AS n FROM outbox'))[0].n === 0);
    const before = await snapshot();
    const again = await inventory.as(operator)(OPEN_ROUND);
    expect(again.errors?.[0]).toMatchObject({ message: expect.stringContaining('Round 1 is still open'), extensions: { code: 'CONFLICT', roundNumber: 1, roundStatus: 'OPEN' } });
    expect(await snapshot()).toEqual(before);
  });

  it("lets the operator and the product's manufacturer set its threshold, and nobody else", async () => {
    const before = await snapshot();
    const tries: Array<[ReturnType<typeof inventory.as>, Record<string, unknown>, string]> = [
      [inventory.as(null), { id: tea.productId, t: 3 }, 'UNAUTHENTICATED'],
      [inventory.as(customer()), { id: tea.productId, t: 3 }, 'FORBIDDEN'],
      [inventory.as(manufacturerIdentity(randomUUID())), { id: tea.productId, t: 3 }, 'FORBIDDEN'],
      [inventory.as(operator), { id: 'not-a-uuid', t: 3 }, 'BAD_USER_INPUT'],
      [inventory.as(operator), { id: randomUUID(), t: 3 }, 'NOT_FOUND'],
      [inventory.as(operator), { id: tea.productId, t: -1 }, 'BAD_USER_INPUT'],
      [inventory.as(operator), { id: tea.productId, t: 1_000_001 }, 'BAD_USER_INPUT'],
      [inventory.as(operator), { id: tea.productId, t: 2.5 }, 'BAD_USER_INPUT'],
      [inventory.as(manufacturerIdentity(owner)), { id: tea.productId, t: 1_000_001 }, 'BAD_USER_INPUT'],
    ];
    for (const [request, variables, code] of tries) expect(codeOf(await request(SET_THRESHOLD, variables)), JSON.stringify(variables)).toBe(code);
    expect(await snapshot()).toEqual(before);

    const byOwner = await inventory.as(manufacturerIdentity(owner))(SET_THRESHOLD, { id: tea.productId, t: 8 });
    expect(byOwner.errors).toBeUndefined();
    expect(byOwner.data.setLowStockThreshold).toEqual({ product: { id: tea.productId }, onHand: 6, available: 6, lowStockThreshold: 8, status: 'LOW', roundNumber: 1 });
    const low = await eventually(async () => (await published(inspector, ['LowStock'])).find((e) => e.payload.productId === tea.productId));
    expect(low.payload).toMatchObject({ lowStockThreshold: 8, available: 6, status: 'LOW' });
    const byOperator = await inventory.as(operator)(SET_THRESHOLD, { id: tea.productId, t: 0 });
    expect(byOperator.data.setLowStockThreshold).toMatchObject({ lowStockThreshold: 0, status: 'IN_STOCK' });
    expect(await inspector.query('SELECT low_stock_threshold FROM stock_item WHERE product_id = $1', [tea.productId])).toEqual([{ low_stock_threshold: 0 }]);
  });

  it('shows the ledger to the operator only, and checks its arguments', async () => {
    expect(codeOf(await inventory.as(null)(MOVEMENTS, { id: tea.productId }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await inventory.as(manufacturerIdentity(owner))(MOVEMENTS, { id: tea.productId }))).toBe('FORBIDDEN');
    expect(codeOf(await inventory.as(operator)(MOVEMENTS, { id: 'nope' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await inventory.as(operator)(MOVEMENTS, { id: tea.productId, first: 0 }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await inventory.as(operator)(MOVEMENTS, { id: tea.productId, first: 101 }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await inventory.as(operator)(MOVEMENTS, { id: tea.productId, after: 'garbage' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await inventory.as(operator)(MOVEMENTS, { id: tea.productId, after: Buffer.from('["x"]').toString('base64url') }))).toBe('BAD_USER_INPUT');
    const ok = await inventory.as(operator)(MOVEMENTS, { id: tea.productId });
    expect(ok.data.stockMovements.edges.map((e: any) => e.node.kind)).toEqual(['ROUND_OPENED_SUPPLY']);
  });

  it('checks the arguments of the public queries', async () => {
    const ROUNDS = 'query($first: Int, $after: String) { rounds(first: $first, after: $after) { edges { node { number } } } }';
    expect(codeOf(await inventory.as(null)(ROUNDS, { first: 101 }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await inventory.as(null)(ROUNDS, { after: 'garbage' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await inventory.as(null)(ROUNDS, { after: Buffer.from('[-4]').toString('base64url') }))).toBe('BAD_USER_INPUT');
    const OFFERS = 'query($c: String!) { offers(category: $c) { id } }';
    expect(codeOf(await inventory.as(null)(OFFERS, { c: '' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await inventory.as(null)(OFFERS, { c: 'x'.repeat(101) }))).toBe('BAD_USER_INPUT');
    expect((await inventory.as(null)(OFFERS, { c: 'tea' })).data.offers).toEqual([{ id: tea.productId }]);
  });

  it("answers only requests that carry the gateway's credential", async () => {
    const response = await fetch(inventory.service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ currentRound { number } }' }),
    });
    expect(response.status).toBe(403);
  });
});
