import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propertyRuns } from '@distribution/testkit/properties';
import { isUuid } from '@distribution/db/uuid';

const RUNS = propertyRuns(200);

describe('ids', () => {
  it('are UUIDs in either case, and nothing before, after or around one is', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.string({ minLength: 1, maxLength: 3 }), (id, extra) => {
        expect(isUuid(id) && isUuid(id.toUpperCase())).toBe(true);
        expect(isUuid(`${extra}${id}`) || isUuid(`${id}${extra}`) || isUuid([id]) || isUuid(id.slice(1))).toBe(false);
      }),
      RUNS,
    );
  });
});
