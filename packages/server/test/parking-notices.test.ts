import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { PostgresListener, parkingChannel } from '@distribution/events';
import { createLogger } from '@distribution/logging';
import { createTestDatabase } from '@distribution/testkit';
import { ParkingNoticeFeed } from '../src/bus-console/parking-notices.js';

const WINDOW_MS = 400;

describe('parking notices for operators', () => {
  let url: string;
  let listener: PostgresListener;
  let sender: pg.Client;
  let feed: ParkingNoticeFeed;

  beforeAll(async () => {
    url = await createTestDatabase('parking_notices');
    listener = new PostgresListener(url);
    sender = new pg.Client({ connectionString: url });
    await sender.connect();
    feed = new ParkingNoticeFeed('inventory', 'inventory', listener, createLogger('test', 'silent'), WINDOW_MS);
  });
  afterAll(async () => {
    feed?.stop();
    await listener?.stop();
    await sender?.end();
  });

  const park = (consumer: string, n: number) =>
    sender.query('SELECT pg_notify($1, $2)', [
      parkingChannel('inventory'),
      JSON.stringify({ consumer, eventId: `00000000-0000-4000-8000-00000000000${n}`, type: 'OrderPlaced', error: `failure ${n}` }),
    ]);

  it("tells a consumer's first parking at once, counts a burst into one notice per window, and keeps consumers apart", async () => {
    const notices = await feed.notices();
    const other = await feed.notices();
    await park('inventory.orders', 1);
    const first = (await notices.next()).value;
    expect(first).toMatchObject({ service: 'inventory', consumer: 'inventory.orders', parkedEvents: 1, eventId: '00000000-0000-4000-8000-000000000001', error: 'failure 1' });

    // A burst: two more right away, and another consumer's first.
    await park('inventory.orders', 2);
    await park('inventory.orders', 3);
    await park('inventory.manufacturer', 4);
    const second = (await notices.next()).value;
    expect(second).toMatchObject({ consumer: 'inventory.manufacturer', parkedEvents: 1, eventId: '00000000-0000-4000-8000-000000000004' });
    const third = (await notices.next()).value;
    expect(third).toMatchObject({ consumer: 'inventory.orders', parkedEvents: 2, eventId: '00000000-0000-4000-8000-000000000003', error: 'failure 3' });
    expect(third.at.getTime() - first.at.getTime()).toBeGreaterThanOrEqual(WINDOW_MS);

    // Every subscriber hears the same notices.
    expect([(await other.next()).value, (await other.next()).value, (await other.next()).value]).toEqual([first, second, third]);
    await Promise.all([notices.return(), other.return()]);
  });
});
