/** Entity fetches send each distinct representation once and spread the answers back (src/representations.ts). */
import { describe, expect, it } from 'vitest';
import { dedupeRepresentations, spreadEntities } from '../src/representations.js';

const rep = (id: string, typename = 'Product') => ({ __typename: typename, id });

describe('dedupeRepresentations', () => {
  it('leaves a list without repeats alone', () => {
    expect(dedupeRepresentations([rep('a'), rep('b'), rep('a', 'Manufacturer')])).toBeNull();
  });

  it('keeps the first of each, in order, and where each position went', () => {
    expect(dedupeRepresentations([rep('a'), rep('b'), rep('a'), rep('b'), rep('c')])).toEqual({
      unique: [rep('a'), rep('b'), rep('c')],
      order: [0, 1, 0, 1, 2],
    });
  });

  it('tells apart values that only concatenate alike, and nested representations', () => {
    const tricky = [
      { __typename: 'P', id: 'a:1:b' },
      { __typename: 'P:1:a', id: 'b' },
      { __typename: 'P', id: 'a', sku: 'b' },
      { __typename: 'P\0id', id: 'x' },
      { __typename: 'P', id: 'id\0x' },
      { id: 'a', __typename: 'P' },
      { __typename: 'P', id: 7 },
      { __typename: 'P', id: '7' },
    ];
    expect(dedupeRepresentations(tricky)).toBeNull();
    const nested = [
      { __typename: 'L', key: { a: 1 } },
      { __typename: 'L', key: { a: 2 } },
      { __typename: 'L', key: { a: 1 } },
    ];
    expect(dedupeRepresentations(nested)?.order).toEqual([0, 1, 0]);
  });
});

describe('spreadEntities', () => {
  it('gives every position its answer, as a copy of its own', () => {
    const deduped = dedupeRepresentations([rep('a'), rep('b'), rep('a')])!;
    const answer = { data: { _entities: [{ id: 'a', stock: { n: 1 } }, null] } };
    const spread = spreadEntities(answer, deduped);
    const entities = spread.data._entities as Array<{ id: string; stock: { n: number } } | null>;
    expect(entities).toEqual([{ id: 'a', stock: { n: 1 } }, null, { id: 'a', stock: { n: 1 } }]);
    expect(entities[2]).not.toBe(entities[0]);
    expect(entities[2]!.stock).not.toBe(entities[0]!.stock);
  });

  it('repeats an entity error for every position that asked for it, and keeps other errors', () => {
    const deduped = dedupeRepresentations([rep('x'), rep('bad'), rep('x'), rep('bad')])!;
    const spread = spreadEntities(
      {
        data: { _entities: [{ id: 'x' }, { id: 'bad', flaky: null }] },
        errors: [{ message: 'no figure', path: ['_entities', 1, 'flaky'], extensions: { code: 'NOT_FOUND' } }, { message: 'elsewhere' }],
      },
      deduped,
    );
    expect(spread.errors).toEqual([
      { message: 'no figure', path: ['_entities', 1, 'flaky'], extensions: { code: 'NOT_FOUND' } },
      { message: 'no figure', path: ['_entities', 3, 'flaky'], extensions: { code: 'NOT_FOUND' } },
      { message: 'elsewhere' },
    ]);
  });

  it('leaves an answer of the wrong length as it is, for the executor to reject', () => {
    const deduped = dedupeRepresentations([rep('a'), rep('a')])!;
    const answer = { data: { _entities: [{ id: 'a' }, { id: 'a' }] } };
    expect(spreadEntities(answer, deduped)).toBe(answer);
  });
});
