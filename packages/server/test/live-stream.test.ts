import { describe, expect, it } from 'vitest';
import { LiveStream } from '../src/live-stream.js';

describe('a live stream', () => {
  it('replaces a queued state with a newer one about the same thing, in its place, and keeps every notice', async () => {
    const stream = new LiveStream<string>(() => {});
    stream.push('a1', 'a');
    stream.push('notice-1');
    stream.push('b1', 'b');
    stream.push('a2', 'a');
    stream.push('notice-2');
    const read = [];
    for (let i = 0; i < 4; i += 1) read.push((await stream.next()).value);
    expect(read).toEqual(['a2', 'notice-1', 'b1', 'notice-2']);
  });

  it('ends with an error, after what was queued, when its reader falls too far behind', async () => {
    let closed = 0;
    const stream = new LiveStream<number>(() => {
      closed += 1;
    }, 3);
    for (let i = 0; i < 5; i += 1) stream.push(i);
    expect(closed).toBe(1);
    expect([(await stream.next()).value, (await stream.next()).value, (await stream.next()).value]).toEqual([0, 1, 2]);
    await expect(stream.next()).rejects.toMatchObject({ extensions: { code: 'LIVE_UPDATES_INTERRUPTED' } });
    expect(closed).toBe(1);
  });

  it('ends a reader that is waiting when the subscriber leaves', async () => {
    let closed = 0;
    const stream = new LiveStream<number>(() => {
      closed += 1;
    });
    const waiting = stream.next();
    await stream.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    stream.push(1);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    expect(closed).toBe(1);
  });
});
