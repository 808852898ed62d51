import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, duringListenOutage, eventually } from '@distribution/testkit';
import { PostgresListener } from '@distribution/events';

describe('the shared LISTEN connection', () => {
  let url: string;
  let notifier: pg.Client;
  const listeners: PostgresListener[] = [];

  beforeAll(async () => {
    url = await createTestDatabase('listener');
    notifier = new pg.Client({ connectionString: url });
    await notifier.connect();
  });
  afterAll(async () => {
    await Promise.all(listeners.map((listener) => listener.stop()));
    await notifier?.end();
  });

  const notify = (channel: string, payload: string) => notifier.query('SELECT pg_notify($1, $2)', [channel, payload]);
  function start() {
    const listener = new PostgresListener(url);
    listeners.push(listener);
    return listener;
  }

  it('listens again on a new connection after losing its own, then calls onResumed (a NOTIFY sent in between is gone)', async () => {
    const listener = start();
    const heard: string[] = [];
    const resumed: string[] = [];
    await listener.listen('stock', (payload) => heard.push(`stock:${payload}`), { onResumed: () => resumed.push('stock') });
    await listener.listen('rounds', (payload) => heard.push(`rounds:${payload}`), { onResumed: () => resumed.push('rounds') });
    await notify('stock', 'before');
    await eventually(() => heard.length === 1);
    expect(resumed).toEqual([]); // the first connection is no resumption

    expect(await duringListenOutage(url, () => notify('stock', 'in the gap'))).toBe(1);
    await eventually(() => resumed.length === 2);
    expect(resumed.sort()).toEqual(['rounds', 'stock']);
    await notify('rounds', 'after');
    await eventually(() => heard.length === 2);
    expect(heard).toEqual(['stock:before', 'rounds:after']);
  });

  it('keeps one entry per callback: listening again with the same one neither doubles its payloads nor its onResumed', async () => {
    const listener = start();
    const heard: string[] = [];
    let resumed = 0;
    const callback = (payload: string) => heard.push(payload);
    const options = {
      onResumed: () => {
        resumed += 1;
      },
    };
    await listener.listen('orders', callback, options);
    await listener.listen('orders', callback, options);
    await duringListenOutage(url, async () => {});
    await eventually(() => resumed > 0);
    await notify('orders', 'o-1');
    await eventually(() => heard.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect([heard, resumed]).toEqual([['o-1'], 1]);
  });

  it('stops calling a callback that stopped listening, also after a resumption', async () => {
    const listener = start();
    const heard: string[] = [];
    let resumed = 0;
    const stop = await listener.listen('notices', (payload) => heard.push(payload), {
      onResumed: () => {
        resumed += 1;
      },
    });
    let kept = 0;
    await listener.listen('other', () => {}, {
      onResumed: () => {
        kept += 1;
      },
    });
    await stop();
    await duringListenOutage(url, async () => {});
    await eventually(() => kept === 1);
    await notify('notices', 'late');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect([heard, resumed]).toEqual([[], 0]);
  });
});
