// A subgraph's /readyz includes its event listener: while the LISTEN connection is lost it answers 503.
import { describe, it, expect } from 'vitest';
import { duringListenOutage, eventually } from '@distribution/testkit';
import { startHarness } from '../subgraphs/manufacturer/test/support.js';

describe('subgraph readiness', () => {
  it('is not ready while the event listener has lost its connection, and ready again once LISTEN is back', async () => {
    const harness = await startHarness('readiness_listener');
    const readyz = new URL('/readyz', harness.service.url);
    try {
      expect((await fetch(readyz)).status).toBe(200);
      let duringOutage: number | undefined;
      const cut = await duringListenOutage(harness.databaseUrl, async () => {
        duringOutage = (await fetch(readyz)).status;
      });
      expect(cut).toBeGreaterThan(0);
      expect(duringOutage).toBe(503);
      await eventually(async () => (await fetch(readyz)).status === 200);
    } finally {
      await harness.stop();
    }
  });
});
