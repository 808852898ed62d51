import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { returnedRows, type ServiceDatabase } from '@distribution/db';
import { createTestDatabase, eventually } from '@distribution/testkit';
import {
  capturingLogger,
  OPEN_ROUND,
  openInspector,
  operator,
  orderPlaced,
  product,
  published,
  settlementApplied,
  startFakeProducer,
  startInventory,
  stockRow,
  supplyChanged,
  untilKnown,
  untilOutcomes,
  untilRelayed,
  type FakeProducer,
  type InventoryUnderTest,
} from './support/harness.js';

describe("the end of a round's period", () => {
  const logs = [capturingLogger(), capturingLogger()];
  const replicas: InventoryUnderTest[] = [];
  let url: string;
  let orders: FakeProducer;
  let manufacturer: FakeProducer;
  let inspector: ServiceDatabase;
  const tea = product();
  const cups = product();

  beforeAll(async () => {
    url = await createTestDatabase('inv_period');
    [orders, manufacturer] = await Promise.all([startFakeProducer(url, 'order_fake'), startFakeProducer(url, 'manufacturer_fake')]);
    // Two replicas, both watching the clock: the round must still close once. Their period is
    // long, so the order below is surely reserved first; the test then moves the round's end.
    for (const { logger } of logs) replicas.push(await startInventory(url, { roundPeriod: 'PT1H', logger }));
    inspector = await openInspector(url);
    await manufacturer.publish(supplyChanged(tea, 10, 10, 'CREATED'), supplyChanged(cups, 4, 4, 'CREATED', false));
    await untilKnown(inspector, [tea.productId, cups.productId]);
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.service.stop()));
    await Promise.all([orders?.stop(), manufacturer?.stop(), inspector?.close()]);
  });

  it('closes the round once when its period ends, selling what was reserved', async () => {
    const opened = await replicas[0]!.as(operator)(OPEN_ROUND);
    expect(opened.errors).toBeUndefined();
    await orders.publish(
      orderPlaced(randomUUID(), [
        [tea.productId, 3, 250],
        [cups.productId, 1, 400],
      ]),
    );
    const [outcome] = await untilOutcomes(inspector, 1);
    expect(outcome!.type).toBe('StockReserved');
    expect(await published(inspector, ['RoundClosed'])).toEqual([]);
    const [{ ends_at: endsAt }] = returnedRows<{ ends_at: Date }>(
      await inspector.query(`UPDATE distribution_round SET ends_at = now() WHERE number = 1 AND status = 'OPEN' RETURNING ends_at`),
    );

    const [closed] = await eventually(() => published(inspector, ['RoundClosed']).then((r) => (r.length ? r : null)));
    expect(closed!.payload).toMatchObject({ roundNumber: 1, reason: 'PERIOD_ENDED' });
    expect(new Date(closed!.payload.closedAt).getTime()).toBeGreaterThanOrEqual(new Date(endsAt).getTime());
    expect(closed!.payload.sales).toHaveLength(2);
    expect(closed!.payload.sales).toEqual(
      expect.arrayContaining([
        { productId: tea.productId, manufacturerId: tea.manufacturerId, unitsSold: 3, revenueCents: 750 },
        { productId: cups.productId, manufacturerId: cups.manufacturerId, unitsSold: 1, revenueCents: 400 },
      ]),
    );
    expect(await stockRow(inspector, tea.productId)).toMatchObject({ on_hand: 7, reserved: 0 });

    // Give both watchers time to look again: still exactly one close, and nobody complained.
    await new Promise((r) => setTimeout(r, 600));
    await untilRelayed(inspector);
    expect(await published(inspector, ['RoundClosed'])).toHaveLength(1);
    const round = (await replicas[1]!.as(null)('{ currentRound { number status closeReason } }')).data.currentRound;
    expect(round).toEqual({ number: 1, status: 'CLOSED', closeReason: 'PERIOD_ENDED' });
    expect(logs.flatMap((l) => l.problems())).toEqual([]);
  });

  it('ends a round after the configured period (PT1S) by itself, settling at once a round that sold nothing', async () => {
    await manufacturer.publish(settlementApplied(1, tea.manufacturerId), settlementApplied(1, cups.manufacturerId));
    await eventually(async () => (await published(inspector, ['RoundSettled'])).length === 1);
    const quick = await startInventory(url, { roundPeriod: 'PT1S' });
    replicas.push(quick);
    const opened = (await quick.as(operator)(OPEN_ROUND)).data?.openRound;
    expect(opened).toMatchObject({ number: 2 });
    expect(new Date(opened.endsAt).getTime() - new Date(opened.openedAt).getTime()).toBe(1000);
    const [closed] = await eventually(() => published(inspector, ['RoundClosed']).then((r) => (r.length === 2 ? r.slice(1) : null)));
    expect(closed!.payload).toMatchObject({ roundNumber: 2, reason: 'PERIOD_ENDED', sales: [] });
    const settled = await eventually(() => published(inspector, ['RoundSettled']).then((r) => (r.length === 2 ? r : null)));
    expect(settled.map((s) => s.payload.roundNumber)).toEqual([1, 2]);
    expect((await replicas[0]!.as(null)('{ currentRound { number status } }')).data.currentRound).toEqual({ number: 2, status: 'SETTLED' });
  });
});
