import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDatabase } from '@distribution/db';
import { createTestDatabase, eventually } from '@distribution/testkit';
import {
  capturingLogger,
  CLOSE_ROUND,
  OPEN_ROUND,
  openInspector,
  operator,
  orderPlaced,
  product,
  published,
  settlementApplied,
  startFakeProducer,
  startInventory,
  supplyChanged,
  untilKnown,
  untilRelayed,
  type FakeProducer,
  type InventoryUnderTest,
} from './support/harness.js';

const ROUND = '{ currentRound { number status openedAt endsAt closedAt nextOpeningAt } }';

/** Two inventory replicas on a fresh database, both watching the clock, with fake order and manufacturer services. */
function twoReplicas(label: string, options: { roundPeriod: string; roundSchedule: string }) {
  const logs = [capturingLogger(), capturingLogger()];
  const world = {
    replicas: [] as InventoryUnderTest[],
    orders: null as unknown as FakeProducer,
    manufacturer: null as unknown as FakeProducer,
    inspector: null as unknown as ServiceDatabase,
    tea: product(),
    /** Whatever either replica logged at warn or above. */
    problems: () => logs.flatMap((l) => l.problems()),
    rounds: async () =>
      world.inspector.query('SELECT number, status, opened_at, settled_at, close_reason FROM distribution_round ORDER BY number') as Promise<
        Array<{ number: number; status: string; opened_at: Date; settled_at: Date | null; close_reason: string | null }>
      >,
    untilOpened: (number: number) => eventually(async () => (await world.rounds()).find((r) => r.number === number && r.status === 'OPEN'), { timeoutMs: 20_000 }),
    announced: async (type: string) => {
      await untilRelayed(world.inspector);
      return (await published(world.inspector, [type])).map((e) => e.payload.roundNumber);
    },
  };
  beforeAll(async () => {
    const url = await createTestDatabase(label);
    [world.orders, world.manufacturer] = await Promise.all([startFakeProducer(url, 'order_fake'), startFakeProducer(url, 'manufacturer_fake')]);
    for (const { logger } of logs) world.replicas.push(await startInventory(url, { ...options, periodCheckIntervalMs: 50, logger }));
    world.inspector = await openInspector(url);
    await world.manufacturer.publish(supplyChanged(world.tea, 100, 100, 'CREATED'));
    await untilKnown(world.inspector, [world.tea.productId]);
  });
  afterAll(async () => {
    await Promise.all(world.replicas.map((r) => r.service.stop()));
    await Promise.all([world.orders?.stop(), world.manufacturer?.stop(), world.inspector?.close()]);
  });
  return world;
}

describe('a scheduled round after one that sold, with two replicas watching', () => {
  // One round is due a second after the last opened, so a round lasts a second (a round ends at the next opening at the latest).
  const w = twoReplicas('inv_schedule_wait', { roundPeriod: 'PT1H', roundSchedule: 'PT1S' });

  it('waits for every settlement of the last round, then opens by itself, once', async () => {
    expect((await w.replicas[0]!.as(operator)(OPEN_ROUND)).errors).toBeUndefined();
    const round = (await w.replicas[1]!.as(null)(ROUND)).data.currentRound;
    expect(new Date(round.nextOpeningAt).getTime() - new Date(round.openedAt).getTime()).toBe(1000);
    expect(round.endsAt).toBe(round.nextOpeningAt);

    // Rounds that sell nothing follow each other every second; an order lands in one of them (or finds none open: another try).
    const sold = await eventually(
      async () => {
        const orderId = randomUUID();
        await w.orders.publish(orderPlaced(orderId, [[w.tea.productId, 3, 250]]));
        const outcome = await eventually(async () => (await published(w.inspector, ['StockReserved', 'StockRejected'])).find((e) => e.payload.orderId === orderId));
        return outcome.type === 'StockReserved' ? (outcome.payload.roundNumber as number) : null;
      },
      { timeoutMs: 20_000 },
    );

    // That round sold, so it waits for its manufacturer, past the time the next one was due.
    await eventually(async () => (await w.rounds())[sold - 1]!.status === 'CLOSED');
    const waiting = await eventually(async () => {
      const r = (await w.replicas[0]!.as(null)(ROUND)).data.currentRound;
      return r.number === sold && Date.now() > new Date(r.nextOpeningAt).getTime() ? r : null;
    });
    expect(waiting).toMatchObject({ status: 'CLOSED' });

    await w.manufacturer.publish(settlementApplied(sold, w.tea.manufacturerId, [{ productId: w.tea.productId, unitsSold: 3, revenueCents: 750 }]));
    const next = await w.untilOpened(sold + 1);
    const settled = (await w.rounds())[sold - 1]!;
    expect(settled.status).toBe('SETTLED');
    expect(next.opened_at.getTime()).toBeGreaterThanOrEqual(settled.settled_at!.getTime());
    expect(await w.announced('RoundOpened')).toEqual(Array.from({ length: sold + 1 }, (_, i) => i + 1));
    // The latest round knows its successor's time; the one before no longer has one.
    const latest = (await w.replicas[0]!.as(null)('{ rounds(first: 2) { edges { node { number nextOpeningAt } } } }')).data.rounds.edges.map((e: any) => e.node);
    expect(latest).toEqual([
      { number: sold + 1, nextOpeningAt: new Date(next.opened_at.getTime() + 1000).toISOString() },
      { number: sold, nextOpeningAt: null },
    ]);
    // Neither replica ever lost a race it had to report (a second opening would break the one-unsettled-round index).
    expect(w.problems()).toEqual([]);
  });
});

describe('rounds on a schedule with no one at the controls, with two replicas watching', () => {
  // A round sells for one second; one opens every two seconds.
  const w = twoReplicas('inv_schedule_run', { roundPeriod: 'PT1S', roundSchedule: 'PT2S' });

  it('opens a round every interval, each once, and still lets the operator close and open by hand', async () => {
    expect((await w.replicas[0]!.as(operator)(OPEN_ROUND)).errors).toBeUndefined();
    // Rounds 1 to 3 sell nothing: each closes at its period's end, settles at once, and the next opens on time.
    const fourth = await w.untilOpened(4);
    // The operator takes over: closes round 4 early and opens round 5 at once, before the schedule would have.
    const closed = await w.replicas[1]!.as(operator)(CLOSE_ROUND);
    expect(closed.data?.closeRound).toMatchObject({ number: 4, status: 'SETTLED', closeReason: 'OPERATOR' });
    const fifth = (await w.replicas[0]!.as(operator)(OPEN_ROUND)).data?.openRound;
    expect(fifth).toMatchObject({ number: 5, status: 'OPEN' });
    // The operator's openRound answered round 5 itself: had the schedule opened it first, openRound would have been refused.
    expect(new Date(fifth.openedAt).getTime()).toBeGreaterThanOrEqual(fourth.opened_at.getTime());
    // The schedule counts on from the operator's opening.
    const sixth = await w.untilOpened(6);
    expect(sixth.opened_at.getTime() - new Date(fifth.openedAt).getTime()).toBeGreaterThanOrEqual(2000);

    expect(await w.announced('RoundOpened')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await w.announced('RoundClosed')).toEqual([1, 2, 3, 4, 5]);
    expect(await w.announced('RoundSettled')).toEqual([1, 2, 3, 4, 5]);
    const all = await w.rounds();
    expect(all.map((r) => r.close_reason)).toEqual(['PERIOD_ENDED', 'PERIOD_ENDED', 'PERIOD_ENDED', 'OPERATOR', 'PERIOD_ENDED', null]);
    // The openings the schedule made are at least one interval apart.
    for (const [earlier, later] of [
      [0, 1],
      [1, 2],
      [2, 3],
    ] as const) {
      expect(all[later]!.opened_at.getTime() - all[earlier]!.opened_at.getTime(), `round ${later + 1}`).toBeGreaterThanOrEqual(2000);
    }
    expect(w.problems()).toEqual([]);
  });
});
