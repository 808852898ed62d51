import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS, CUSTOMER, OPERATOR, UNKNOWN_ID, codeOf, expectRefusedWithoutChange, manufacturerUser, startHarness, type Harness } from './support.js';

const REGISTER = 'mutation($input: RegisterManufacturerInput!) { registerManufacturer(input: $input) { id name } }';
const LIST = 'query($first: Int, $after: String) { manufacturers(first: $first, after: $after) { edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } }';
const ONE = 'query($id: ID!) { manufacturer(id: $id) { id name } }';

describe('manufacturers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('mfr_manufacturers');
  });
  afterAll(async () => {
    await h?.stop();
  });

  describe('registerManufacturer', () => {
    it('lets the operator register a manufacturer, with its name trimmed', async () => {
      const res = await h.send(OPERATOR, REGISTER, { input: { name: '  Acme Tools  ' } });
      expect(res.errors).toBeUndefined();
      expect(res.data.registerManufacturer).toMatchObject({ name: 'Acme Tools' });
      const found = await h.send(ANONYMOUS, ONE, { id: res.data.registerManufacturer.id });
      expect(found.data.manufacturer).toEqual(res.data.registerManufacturer);
    });

    it('refuses a name already taken in any case with CONFLICT', async () => {
      await expectRefusedWithoutChange(h, 'CONFLICT', () => h.send(OPERATOR, REGISTER, { input: { name: 'ACME tools' } }));
    });

    it.each([
      ['a manufacturer', manufacturerUser(UNKNOWN_ID), 'FORBIDDEN'],
      ['a customer', CUSTOMER, 'FORBIDDEN'],
      ['an anonymous caller', ANONYMOUS, 'UNAUTHENTICATED'],
    ])('refuses %s', async (_who, identity, code) => {
      await expectRefusedWithoutChange(h, code, () => h.send(identity, REGISTER, { input: { name: 'Initech' } }));
    });

    it.each([
      ['an empty name', ''],
      ['a blank name', '   '],
      ['a name longer than 200 characters', 'n'.repeat(201)],
    ])('refuses %s with BAD_USER_INPUT', async (_case, name) => {
      await expectRefusedWithoutChange(h, 'BAD_USER_INPUT', () => h.send(OPERATOR, REGISTER, { input: { name } }));
    });

    it('accepts a name of exactly 200 characters', async () => {
      const res = await h.send(OPERATOR, REGISTER, { input: { name: 'Z'.repeat(200) } });
      expect(codeOf(res)).toBe('OK');
    });
  });

  describe('reading manufacturers', () => {
    const names = ['Globex', 'Hooli', 'Initech', 'Umbrella', 'Wayne Enterprises'];
    beforeAll(async () => {
      for (const name of names) await h.registerManufacturer(name);
    });

    it('lists them by name, page by page, anonymously', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 10; page++) {
        const res: any = await h.send(ANONYMOUS, LIST, { first: 3, after });
        expect(res.errors).toBeUndefined();
        const connection = res.data.manufacturers;
        seen.push(...connection.edges.map((e: any) => e.node.name));
        expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1)?.cursor ?? null);
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      const all = ['Acme Tools', ...names, 'Z'.repeat(200)];
      expect(seen).toEqual([...all].sort());
    });

    it('answers null for an unknown or malformed id', async () => {
      expect((await h.send(ANONYMOUS, ONE, { id: UNKNOWN_ID })).data).toEqual({ manufacturer: null });
      const malformed = await h.send(ANONYMOUS, ONE, { id: 'not-a-uuid' });
      expect(malformed.errors).toBeUndefined();
      expect(malformed.data).toEqual({ manufacturer: null });
    });

    it.each([
      ['first: 0', { first: 0 }],
      ['first: 101', { first: 101 }],
      ['a cursor it never gave', { after: 'bm90LWEtY3Vyc29y' }],
      ['a cursor with a malformed id', { after: Buffer.from(JSON.stringify(['Acme', 'nope'])).toString('base64url') }],
    ])('refuses %s with BAD_USER_INPUT', async (_case, variables) => {
      expect(codeOf(await h.send(ANONYMOUS, LIST, variables))).toBe('BAD_USER_INPUT');
    });
  });
});
