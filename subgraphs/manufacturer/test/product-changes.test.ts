import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS, CUSTOMER, OPERATOR, PRODUCT_FIELDS, UNKNOWN_ID, codeOf, expectRefusedWithoutChange, manufacturerUser, startHarness, type Harness } from './support.js';

const CREATE = `mutation($input: CreateProductInput!) { createProduct(input: $input) { ${PRODUCT_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { ${PRODUCT_FIELDS} } }`;
const DISCONTINUE = `mutation($id: ID!) { discontinueProduct(id: $id) { ${PRODUCT_FIELDS} } }`;

describe('changing the catalog', () => {
  let h: Harness;
  let acme: string;
  let globex: string;
  const valid = { sku: 'NEW-1', name: 'New thing', category: 'Tools', unitPrice: '9.99' };

  beforeAll(async () => {
    h = await startHarness('mfr_changes');
    acme = await h.registerManufacturer('Acme');
    globex = await h.registerManufacturer('Globex');
  });
  afterAll(async () => {
    await h?.stop();
  });

  describe('createProduct', () => {
    it('lets a manufacturer create a product for itself and announces it with SupplyChanged CREATED', async () => {
      const res = await h.send(manufacturerUser(acme), CREATE, {
        input: { sku: ' DR-100 ', name: ' Cordless Drill ', category: ' Tools ', unitPrice: '49.9', initialSupply: 12 },
      });
      expect(res.errors).toBeUndefined();
      const product = res.data.createProduct;
      expect(product).toMatchObject({
        sku: 'DR-100',
        name: 'Cordless Drill',
        category: 'Tools',
        unitPrice: '49.90',
        supply: 12,
        discontinued: false,
        manufacturer: { id: acme, name: 'Acme' },
      });
      const events = await h.publishedEvents('SupplyChanged');
      expect(events.at(-1)!.payload).toEqual({
        productId: product.id,
        manufacturerId: acme,
        sku: 'DR-100',
        name: 'Cordless Drill',
        category: 'Tools',
        unitPriceCents: 4990,
        supply: 12,
        delta: 12,
        reason: 'CREATED',
        discontinued: false,
      });
    });

    it('lets the operator create a product for a named manufacturer, with no supply by default', async () => {
      const res = await h.send(OPERATOR, CREATE, { input: { ...valid, manufacturerId: globex } });
      expect(res.errors).toBeUndefined();
      expect(res.data.createProduct).toMatchObject({ supply: 0, manufacturer: { id: globex } });
      expect((await h.publishedEvents('SupplyChanged')).at(-1)!.payload).toMatchObject({ productId: res.data.createProduct.id, supply: 0, delta: 0, reason: 'CREATED' });
    });

    it('allows the same SKU at another manufacturer', async () => {
      const res = await h.send(manufacturerUser(globex), CREATE, { input: { ...valid, sku: 'DR-100' } });
      expect(codeOf(res)).toBe('OK');
    });

    it('refuses a SKU the manufacturer already has, in any case, with CONFLICT', async () => {
      await expectRefusedWithoutChange(h, 'CONFLICT', () => h.send(manufacturerUser(acme), CREATE, { input: { ...valid, sku: 'dr-100' } }));
    });

    it.each([
      ['a manufacturer creating for another', () => manufacturerUser(acme), () => ({ manufacturerId: globex }), 'FORBIDDEN'],
      ['a customer', () => CUSTOMER, () => ({ manufacturerId: acme }), 'FORBIDDEN'],
      ['an anonymous caller', () => ANONYMOUS, () => ({ manufacturerId: acme }), 'UNAUTHENTICATED'],
      ['an operator naming no manufacturer', () => OPERATOR, () => ({}), 'BAD_USER_INPUT'],
      ['an unknown manufacturer', () => OPERATOR, () => ({ manufacturerId: UNKNOWN_ID }), 'NOT_FOUND'],
      ['a malformed manufacturer id', () => OPERATOR, () => ({ manufacturerId: 'acme' }), 'NOT_FOUND'],
      ['a manufacturer that was never registered', () => manufacturerUser(UNKNOWN_ID), () => ({}), 'NOT_FOUND'],
    ])('refuses %s', async (_case, identity, owner, code) => {
      await expectRefusedWithoutChange(h, code, () => h.send(identity(), CREATE, { input: { ...valid, sku: 'REFUSED-1', ...owner() } }));
    });

    it.each([
      ['an empty name', { name: '  ' }],
      ['a name over 200 characters', { name: 'n'.repeat(201) }],
      ['an empty SKU', { sku: '' }],
      ['a SKU over 64 characters', { sku: 'S'.repeat(65) }],
      ['a SKU with a space', { sku: 'DR 100' }],
      ['a SKU with a slash', { sku: 'DR/100' }],
      ['an empty category', { category: '' }],
      ['a category over 100 characters', { category: 'c'.repeat(101) }],
      ['a zero price', { unitPrice: '0' }],
      ['a negative price', { unitPrice: '-1.00' }],
      ['a price with three decimals', { unitPrice: '1.999' }],
      ['a price that is not a number', { unitPrice: 'cheap' }],
      ['a price over a million', { unitPrice: '1000000.01' }],
      ['a negative initial supply', { initialSupply: -1 }],
      ['an initial supply over 1,000,000', { initialSupply: 1_000_001 }],
    ])('refuses %s with BAD_USER_INPUT', async (_case, change) => {
      await expectRefusedWithoutChange(h, 'BAD_USER_INPUT', () => h.send(OPERATOR, CREATE, { input: { ...valid, sku: 'BAD-1', manufacturerId: acme, ...change } }));
    });
  });

  describe('updateProduct', () => {
    let drill: any;
    beforeAll(async () => {
      drill = await h.createProduct({ manufacturerId: acme, sku: 'UPD-1', name: 'Drill', unitPrice: '10.00', initialSupply: 5 });
    });

    it("lets a manufacturer change its own product's name, category and price, announced as UPDATED", async () => {
      const res = await h.send(manufacturerUser(acme), UPDATE, { id: drill.id, input: { name: 'Hammer drill', category: 'Power tools', unitPrice: '12.34' } });
      expect(res.errors).toBeUndefined();
      expect(res.data.updateProduct).toMatchObject({ name: 'Hammer drill', category: 'Power tools', unitPrice: '12.34', supply: 5, sku: 'UPD-1' });
      expect((await h.publishedEvents('SupplyChanged')).at(-1)!.payload).toEqual({
        productId: drill.id,
        manufacturerId: acme,
        sku: 'UPD-1',
        name: 'Hammer drill',
        category: 'Power tools',
        unitPriceCents: 1234,
        supply: 5,
        delta: 0,
        reason: 'UPDATED',
        discontinued: false,
      });
    });

    it('changes only the fields given, and lets the operator change any product', async () => {
      const res = await h.send(OPERATOR, UPDATE, { id: drill.id, input: { unitPrice: '11' } });
      expect(res.data.updateProduct).toMatchObject({ name: 'Hammer drill', category: 'Power tools', unitPrice: '11.00' });
    });

    it.each([
      ['another manufacturer', () => manufacturerUser(globex), 'FORBIDDEN'],
      ['a customer', () => CUSTOMER, 'FORBIDDEN'],
      ['an anonymous caller', () => ANONYMOUS, 'UNAUTHENTICATED'],
    ])('refuses %s', async (_who, identity, code) => {
      await expectRefusedWithoutChange(h, code, () => h.send(identity(), UPDATE, { id: drill.id, input: { name: 'Stolen' } }));
    });

    it.each([
      ['an unknown id', UNKNOWN_ID],
      ['a malformed id', 'UPD-1'],
    ])('answers NOT_FOUND for %s', async (_case, id) => {
      await expectRefusedWithoutChange(h, 'NOT_FOUND', () => h.send(OPERATOR, UPDATE, { id, input: { name: 'Ghost' } }));
    });

    it.each([
      ['no change at all', {}],
      ['an empty name', { name: '' }],
      ['a name over 200 characters', { name: 'n'.repeat(201) }],
      ['a category over 100 characters', { category: 'c'.repeat(101) }],
      ['a zero price', { unitPrice: '0.00' }],
    ])('refuses %s with BAD_USER_INPUT', async (_case, input) => {
      await expectRefusedWithoutChange(h, 'BAD_USER_INPUT', () => h.send(manufacturerUser(acme), UPDATE, { id: drill.id, input }));
    });
  });

  describe('discontinueProduct', () => {
    let lamp: any;
    beforeAll(async () => {
      lamp = await h.createProduct({ manufacturerId: globex, sku: 'LAMP-1', name: 'Lamp', initialSupply: 4 });
    });

    it.each([
      ['another manufacturer', () => manufacturerUser(acme), 'FORBIDDEN'],
      ['a customer', () => CUSTOMER, 'FORBIDDEN'],
      ['an anonymous caller', () => ANONYMOUS, 'UNAUTHENTICATED'],
    ])('refuses %s', async (_who, identity, code) => {
      await expectRefusedWithoutChange(h, code, () => h.send(identity(), DISCONTINUE, { id: lamp.id }));
    });

    it.each([
      ['an unknown id', UNKNOWN_ID],
      ['a malformed id', 'lamp'],
    ])('answers NOT_FOUND for %s', async (_case, id) => {
      await expectRefusedWithoutChange(h, 'NOT_FOUND', () => h.send(OPERATOR, DISCONTINUE, { id }));
    });

    it('lets the manufacturer discontinue its product, announced once as DISCONTINUED', async () => {
      const res = await h.send(manufacturerUser(globex), DISCONTINUE, { id: lamp.id });
      expect(res.errors).toBeUndefined();
      expect(res.data.discontinueProduct).toMatchObject({ discontinued: true, supply: 4 });
      const announced = (await h.publishedEvents('SupplyChanged')).filter((e) => e.payload.productId === lamp.id);
      expect(announced.map((e) => e.payload.reason)).toEqual(['CREATED', 'DISCONTINUED']);
      expect(announced[1]!.payload).toMatchObject({ discontinued: true, supply: 4, delta: 0 });

      const before = await h.snapshot();
      const again = await h.send(OPERATOR, DISCONTINUE, { id: lamp.id });
      expect(again.data.discontinueProduct.discontinued).toBe(true);
      expect(await h.snapshot()).toEqual(before);
    });

    it('refuses to change a discontinued product', async () => {
      await expectRefusedWithoutChange(h, 'BAD_USER_INPUT', () => h.send(OPERATOR, UPDATE, { id: lamp.id, input: { name: 'Revived' } }));
    });
  });

  it('published events only for the changes that succeeded', async () => {
    const events = await h.publishedEvents();
    expect(events.every((e) => e.type === 'SupplyChanged')).toBe(true);
    expect(events.some((e) => JSON.stringify(e.payload).includes('REFUSED') || JSON.stringify(e.payload).includes('BAD-1'))).toBe(false);
  });
});
