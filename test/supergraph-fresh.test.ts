import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { composeSupergraph } from '@distribution/gateway';
import { SUPERGRAPH_PATH } from '../scripts/local-network.js';

describe('the committed supergraph', () => {
  it('is what composing the subgraph schemas gives today (run `npm run compose` when this fails)', () => {
    const { supergraphSdl } = composeSupergraph(process.cwd());
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8').trim()).toBe(supergraphSdl.trim());
  });
});
