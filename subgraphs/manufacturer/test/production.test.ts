import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS, CUSTOMER, OPERATOR, UNKNOWN_ID, codeOf, expectRefusedWithoutChange, manufacturerUser, startHarness, type Harness } from './support.js';

const PRODUCE = 'mutation($id: ID!, $quantity: Int!) { produce(productId: $id, quantity: $quantity) { id supply manufacturer { id } } }';

describe('production', () => {
  let h: Harness;
  let acme: string;
  let globex: string;
  let drill: any;

  beforeAll(async () => {
    h = await startHarness('mfr_production');
    acme = await h.registerManufacturer('Acme');
    globex = await h.registerManufacturer('Globex');
    drill = await h.createProduct({ manufacturerId: acme, sku: 'DR-1', name: 'Drill', unitPrice: '20.00', initialSupply: 10 });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const supplyOf = async (id: string) => (await h.service.database.query('SELECT supply FROM product WHERE id = $1', [id]))[0].supply as number;

  it('adds the units made to the supply and announces SupplyChanged PRODUCED with the new supply', async () => {
    const res = await h.send(manufacturerUser(acme), PRODUCE, { id: drill.id, quantity: 5 });
    expect(res.errors).toBeUndefined();
    expect(res.data.produce).toEqual({ id: drill.id, supply: 15, manufacturer: { id: acme } });
    expect((await h.publishedEvents('SupplyChanged')).at(-1)!.payload).toEqual({
      productId: drill.id,
      manufacturerId: acme,
      sku: 'DR-1',
      name: 'Drill',
      category: 'Tools',
      unitPriceCents: 2000,
      supply: 15,
      delta: 5,
      reason: 'PRODUCED',
      discontinued: false,
    });
  });

  it('lets the operator produce for any manufacturer, up to 1,000,000 units at once', async () => {
    const res = await h.send(OPERATOR, PRODUCE, { id: drill.id, quantity: 1_000_000 });
    expect(res.data.produce.supply).toBe(1_000_015);
  });

  it.each([
    ['zero units', 0],
    ['negative units', -3],
    ['more than 1,000,000 units', 1_000_001],
  ])('refuses %s with BAD_USER_INPUT', async (_case, quantity) => {
    await expectRefusedWithoutChange(h, 'BAD_USER_INPUT', () => h.send(manufacturerUser(acme), PRODUCE, { id: drill.id, quantity }));
  });

  it('refuses a quantity that is not a whole number', async () => {
    await expectRefusedWithoutChange(h, 'BAD_USER_INPUT', () => h.send(manufacturerUser(acme), PRODUCE, { id: drill.id, quantity: 2.5 }));
  });

  it.each([
    ['another manufacturer', () => manufacturerUser(globex), 'FORBIDDEN'],
    ['a customer', () => CUSTOMER, 'FORBIDDEN'],
    ['an anonymous caller', () => ANONYMOUS, 'UNAUTHENTICATED'],
  ])('refuses %s', async (_who, identity, code) => {
    await expectRefusedWithoutChange(h, code, () => h.send(identity(), PRODUCE, { id: drill.id, quantity: 1 }));
  });

  it.each([
    ['an unknown product', UNKNOWN_ID],
    ['a malformed product id', 'DR-1'],
  ])('answers NOT_FOUND for %s', async (_case, id) => {
    await expectRefusedWithoutChange(h, 'NOT_FOUND', () => h.send(OPERATOR, PRODUCE, { id, quantity: 1 }));
  });

  it('refuses to produce a discontinued product', async () => {
    const lamp = await h.createProduct({ manufacturerId: globex, sku: 'LAMP', name: 'Lamp', initialSupply: 2 });
    expect(codeOf(await h.send(OPERATOR, `mutation($id: ID!) { discontinueProduct(id: $id) { id } }`, { id: lamp.id }))).toBe('OK');
    await expectRefusedWithoutChange(h, 'BAD_USER_INPUT', () => h.send(manufacturerUser(globex), PRODUCE, { id: lamp.id, quantity: 1 }));
  });

  it('refuses production that would take supply past its ceiling', async () => {
    const bolt = await h.createProduct({ manufacturerId: acme, sku: 'BOLT', name: 'Bolt', initialSupply: 0 });
    await h.service.database.query('UPDATE product SET supply = 999999999 WHERE id = $1', [bolt.id]);
    await expectRefusedWithoutChange(h, 'BAD_USER_INPUT', () => h.send(OPERATOR, PRODUCE, { id: bolt.id, quantity: 2 }));
    expect(codeOf(await h.send(OPERATOR, PRODUCE, { id: bolt.id, quantity: 1 }))).toBe('OK');
  });

  it('loses no unit when 100 production runs of one product arrive at once', async () => {
    const saw = await h.createProduct({ manufacturerId: acme, sku: 'SAW', name: 'Saw', initialSupply: 7 });
    const quantities = Array.from({ length: 100 }, (_, i) => 1 + (i % 7));
    const results = await Promise.all(quantities.map((quantity) => h.send(manufacturerUser(acme), PRODUCE, { id: saw.id, quantity })));
    expect(results.map(codeOf).filter((code) => code !== 'OK')).toEqual([]);
    const total = 7 + quantities.reduce((a, b) => a + b, 0);
    expect(await supplyOf(saw.id)).toBe(total);
    expect(Math.max(...results.map((r) => r.data.produce.supply))).toBe(total);

    // Each run announced its own step: the supplies it reports are distinct and add up run by run.
    const produced = (await h.publishedEvents('SupplyChanged')).filter((e) => e.payload.productId === saw.id && e.payload.reason === 'PRODUCED');
    expect(produced).toHaveLength(100);
    expect(new Set(produced.map((e) => e.payload.supply)).size).toBe(100);
    for (const e of produced) expect(e.payload.delta).toBeGreaterThan(0);
    const bySupply = [...produced].sort((a, b) => a.payload.supply - b.payload.supply);
    let supply = 7;
    for (const e of bySupply) {
      supply += e.payload.delta;
      expect(e.payload.supply).toBe(supply);
    }

    // The supply ledger adds up to the supply.
    const [{ sum }] = await h.service.database.query('SELECT sum(delta)::int AS sum FROM supply_movement WHERE product_id = $1', [saw.id]);
    expect(sum).toBe(total);
  });
});
