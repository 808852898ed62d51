import { describe, expect, it } from 'vitest';
import { parseProbeArguments, probeTable } from '../../scripts/probe.js';
import { runAttacks, verdict } from '../../scripts/probe/run-attacks.js';
import type { Attack } from '../../scripts/probe/attack.js';

describe('the security probe command', () => {
  it('turns a gateway URL into HTTP and WebSocket targets, with tokens from flags or the environment', () => {
    const target = parseProbeArguments(['https://api.example.com/graphql', '--customer-token', 'c', '--subgraph', 'order=http://10.0.0.3:4003/graphql'], {
      PROBE_OPERATOR_TOKEN: 'o',
    });
    expect(target).toEqual({
      httpUrl: 'https://api.example.com/graphql',
      wsUrl: 'wss://api.example.com/graphql',
      tokens: { customer: 'c', manufacturer: undefined, operator: 'o' },
      subgraphUrls: { order: 'http://10.0.0.3:4003/graphql' },
    });
  });

  it('refuses a missing URL, a second URL, a non-HTTP URL and a malformed --subgraph', () => {
    expect(() => parseProbeArguments([])).toThrow(/exactly one/);
    expect(() => parseProbeArguments(['http://a/graphql', 'http://b/graphql'])).toThrow(/exactly one/);
    expect(() => parseProbeArguments(['ftp://a/graphql'])).toThrow(/http/);
    expect(() => parseProbeArguments(['http://a/graphql', '--subgraph', 'order'])).toThrow(/name=URL/);
  });

  it('counts an attack that throws as unsafe, names skipped ones, and prints every row', async () => {
    const attacks: Attack[] = [
      { name: 'refused', expected: 'FORBIDDEN', run: async () => ({ passed: true, observed: 'FORBIDDEN' }) },
      {
        name: 'throws',
        expected: 'BAD_USER_INPUT',
        run: async () => {
          throw new Error('socket hang up');
        },
      },
      { name: 'needs a token', expected: 'FORBIDDEN', run: async () => ({ passed: false, skipped: true, observed: 'no operator token' }) },
    ];
    const rows = await runAttacks({ httpUrl: 'http://x/graphql', wsUrl: 'ws://x/graphql', tokens: {} }, [{ area: 'sample', attacks }]);
    expect(rows.map(verdict)).toEqual(['safe', 'UNSAFE', 'skipped']);
    expect(rows[1]!.observed).toContain('socket hang up');
    const table = probeTable(rows);
    for (const name of ['refused', 'throws', 'needs a token']) expect(table).toContain(name);
  });
});
