import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDatabase } from '@distribution/db';
import { createTestDatabase, eventually } from '@distribution/testkit';
import {
  capturingLogger, CLOSE_ROUND, OPEN_ROUND, openInspector, operator, orderPlaced, product, published, settlementApplied, startFakeProducer, startInventory,
  supplyChanged, untilKnown, untilOutcomes, untilRelayed, type FakeProducer, type InventoryUnderTest,
} from './support/harness.js';

const ROUND = '{ currentRound { number status openedAt endsAt closedAt nextOpeningAt } }';

describe('rounds on a schedule, with two replicas watching', () => {
  const logs = [capturingLogger(), capturingLogger()];
  const replicas: InventoryUnderTest[] = [];
  let url: string;
  let orders: FakeProducer;
  let manufacturer: FakeProducer;
  let inspector: ServiceDatabase;
  const tea = product();

  beforeAll(async () => {
    url = await createTestDatabase('inv_schedule');
    [orders, manufacturer] = await Promise.all([startFakeProducer(url, 'order_fake'), startFakeProducer(url, 'manufacturer_fake')]);
    // A round sells for one second; one opens every two (once the last is settled).
    for (const { logger } of logs) {
      replicas.push(await startInventory(url, { roundPeriod: 'PT1S', roundSchedule: 'PT2S', periodCheckIntervalMs: 50, logger }));
    }
    inspector = await openInspector(url);
    await manufacturer.publish(supplyChanged(tea, 100, 100, 'CREATED'));
    await untilKnown(inspector, [tea.productId]);
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.service.stop()));
    await Promise.all([orders?.stop(), manufacturer?.stop(), inspector?.close()]);
  });

  const rounds = async () => inspector.query(
    'SELECT number, status, opened_at, settled_at, close_reason FROM distribution_round ORDER BY number',
  ) as Promise<Array<{ number: number; status: string; opened_at: Date; settled_at: Date | null; close_reason: string }>>;
  const untilOpened = (number: number) => eventually(async () => (await rounds()).find((r) => r.number === number && r.status === 'OPEN'), { timeoutMs: 20_000 });

  it('waits for the settlements of a round that sold, then opens the next by itself, once', async () => {
    const opened = await replicas[0]!.as(operator)(OPEN_ROUND);
    expect(opened.errors).toBeUndefined();
    const round = (await replicas[1]!.as(null)(ROUND)).data.currentRound;
    // The schedule counts from the opening; the period ends first.
    expect(new Date(round.nextOpeningAt).getTime() - new Date(round.openedAt).getTime()).toBe(2000);
    expect(new Date(round.endsAt).getTime() - new Date(round.openedAt).getTime()).toBe(1000);

    await orders.publish(orderPlaced(randomUUID(), [[tea.productId, 3, 250]]));
    const [outcome] = await untilOutcomes(inspector, 1);
    expect(outcome).toMatchObject({ type: 'StockReserved', payload: { roundNumber: 1 } });

    // The period ends: round 1 sold, so it waits for its manufacturer, past the time the next was due.
    await eventually(async () => (await rounds())[0]!.status === 'CLOSED');
    const waiting = await eventually(async () => {
      const r = (await replicas[0]!.as(null)(ROUND)).data.currentRound;
      return r.number === 1 && Date.now() > new Date(r.nextOpeningAt).getTime() ? r : null;
    });
    expect(waiting).toMatchObject({ status: 'CLOSED' });

    await manufacturer.publish(settlementApplied(1, tea.manufacturerId, [{ productId: tea.productId, unitsSold: 3, revenueCents: 750 }]));
    const second = await untilOpened(2);
    const first = (await rounds())[0]!;
    expect(first.status).toBe('SETTLED');
    expect(second.opened_at.getTime()).toBeGreaterThanOrEqual(first.settled_at!.getTime());
  });

  it('keeps opening rounds every interval with no one at the controls, and still lets the operator close and open by hand', async () => {
    // Rounds 2 and 3 sell nothing: each closes at its period's end, settles at once, and the next opens on time.
    const fourth = await untilOpened(4);
    // The operator takes over: closes round 4 early and opens round 5 at once, before the schedule would have.
    const closed = await replicas[1]!.as(operator)(CLOSE_ROUND);
    expect(closed.data?.closeRound).toMatchObject({ number: 4, status: 'SETTLED', closeReason: 'OPERATOR' });
    const fifth = (await replicas[0]!.as(operator)(OPEN_ROUND)).data?.openRound;
    expect(fifth).toMatchObject({ number: 5, status: 'OPEN' });
    expect(new Date(fifth.openedAt).getTime() - fourth.opened_at.getTime()).toBeLessThan(2000);
    // The schedule counts on from the operator's opening.
    const sixth = await untilOpened(6);
    expect(sixth.opened_at.getTime() - new Date(fifth.openedAt).getTime()).toBeGreaterThanOrEqual(2000);

    await untilRelayed(inspector);
    const numbers = async (type: string) => (await published(inspector, [type])).map((e) => e.payload.roundNumber);
    expect(await numbers('RoundOpened')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await numbers('RoundClosed')).toEqual([1, 2, 3, 4, 5]);
    expect(await numbers('RoundSettled')).toEqual([1, 2, 3, 4, 5]);
    const all = await rounds();
    expect(all.map((r) => r.close_reason)).toEqual(['PERIOD_ENDED', 'PERIOD_ENDED', 'PERIOD_ENDED', 'OPERATOR', 'PERIOD_ENDED', null]);
    // Openings the schedule made are at least one interval apart.
    for (const [earlier, later] of [[0, 1], [1, 2], [2, 3]] as const) {
      expect(all[later]!.opened_at.getTime() - all[earlier]!.opened_at.getTime(), `round ${later + 1}`).toBeGreaterThanOrEqual(2000);
    }
    // Neither replica ever lost a race it had to report (a second opening would be a unique-index violation).
    expect(logs.flatMap((l) => l.problems())).toEqual([]);
  });
});
