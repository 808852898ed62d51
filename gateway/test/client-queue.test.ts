/**
 * The per-client send path: messages framed by hand around a payload serialised once, and the
 * queue between them and the socket (order, coalescing, overflow), against a socket model with a
 * kernel buffer of its own and against real sockets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { ClientQueue, type OutgoingMessage } from '../src/subscriptions/client-queue.js';
import { NextMessage } from '../src/subscriptions/next-message.js';
import { TextFrame, rawSocketOf } from '../src/subscriptions/text-frame.js';

const text = (message: OutgoingMessage | Buffer) =>
  typeof message === 'string' ? message : Buffer.isBuffer(message) ? message.toString('utf8') : message.payload.toString('utf8');

/**
 * A WebSocket (written through ws.send: no raw socket to write frames to) as ws and Node's streams behave: a write the kernel has room for completes at once (its
 * callback on the next tick); behind the first one that does not, writes wait in the user-space
 * buffer (`bufferedAmount`) and complete, callbacks in order, as the reader drains the kernel.
 */
class ModelSocket {
  readyState: number = WebSocket.OPEN;
  readonly received: string[] = [];
  readonly frames: Array<{ binary: boolean | undefined; withCallback: boolean }> = [];
  private kernelFree: number;
  private readonly waiting: Array<{ message: string | Buffer; bytes: number; callback?: (error?: Error) => void }> = [];

  constructor(private readonly kernelBytes: number) {
    this.kernelFree = kernelBytes;
  }

  get bufferedAmount(): number {
    return this.waiting.reduce((total, write) => total + write.bytes, 0);
  }

  send(message: string | Buffer, options: { binary?: boolean } | ((error?: Error) => void) | undefined, callback?: (error?: Error) => void): void {
    if (typeof options === 'function' || options === undefined) {
      callback = options;
      options = { binary: typeof message !== 'string' };
    }
    this.frames.push({ binary: options.binary, withCallback: callback !== undefined });
    const bytes = Buffer.byteLength(message);
    if (this.waiting.length === 0 && bytes <= this.kernelFree) {
      this.kernelFree -= bytes;
      this.received.push(text(message));
      if (callback) process.nextTick(callback);
      return;
    }
    this.waiting.push({ message, bytes, callback });
  }

  /** The client reads everything the kernel holds; waiting writes move into the kernel as they fit. */
  read(): void {
    this.kernelFree = this.kernelBytes;
    while (this.waiting.length > 0 && this.waiting[0]!.bytes <= this.kernelFree) {
      const write = this.waiting.shift()!;
      this.kernelFree -= write.bytes;
      this.received.push(text(write.message));
      write.callback?.();
    }
    // A write larger than the whole kernel buffer goes through in pieces; model it as one.
    if (this.waiting.length > 0 && this.kernelFree === this.kernelBytes) {
      const write = this.waiting.shift()!;
      this.kernelFree = 0;
      this.received.push(text(write.message));
      write.callback?.();
    }
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** The client reads until nothing more arrives. */
async function readAll(socket: ModelSocket): Promise<void> {
  for (let round = 0; round < 1000; round += 1) {
    const before = socket.received.length;
    socket.read();
    await tick();
    if (socket.received.length === before && socket.bufferedAmount === 0) return;
  }
}

function queueOn(socket: ModelSocket, options = { maxQueued: 5, highWaterMarkBytes: 100 }) {
  let overflows = 0;
  const queue = new ClientQueue(socket as unknown as WebSocket, options, () => (overflows += 1));
  return { queue, overflows: () => overflows };
}

describe('the next message', () => {
  it('is valid graphql-transport-ws JSON for ids that need escaping', () => {
    const payload = { data: { availabilityChanged: { available: 3, note: 'é "quoted" \u2028 🚚' } } };
    const message = new NextMessage(JSON.stringify(payload));
    const ids = ['1', 'a"b', 'back\\slash', 'line\nbreak', '\u2028', 'é', '🚚', '</script>', crypto.randomUUID()];
    for (const id of ids) {
      const sent = message.for(JSON.stringify(id));
      expect(JSON.parse(text(sent))).toEqual({ id, type: 'next', payload });
      if (typeof sent !== 'string') expect(sent.payload.equals(Buffer.from(JSON.stringify({ id, type: 'next', payload })))).toBe(true);
    }
  });

  it('encodes the message once per shared id, and gives clients with other ids text of their own', () => {
    const message = new NextMessage('{"data":{"n":1}}');
    const first = message.for('"1"');
    expect(first).toBeInstanceOf(TextFrame);
    expect(message.for('"1"')).toBe(first);
    const many = Array.from({ length: 20 }, (_, i) => message.for(JSON.stringify(`id-${i}`)));
    expect(many.filter((sent) => typeof sent === 'string').length).toBeGreaterThan(0);
    expect(message.for('"1"')).toBe(first);
    many.forEach((sent, i) => expect(JSON.parse(text(sent))).toEqual({ id: `id-${i}`, type: 'next', payload: { data: { n: 1 } } }));
  });
});

describe('a client queue', () => {
  it('sends frames and text as text, without a write callback while nothing is buffered', async () => {
    const socket = new ModelSocket(10_000);
    const { queue } = queueOn(socket);
    queue.push(new TextFrame('{"a":1}'));
    queue.push('{"b":2}');
    await tick();
    expect(socket.received).toEqual(['{"a":1}', '{"b":2}']);
    expect(socket.frames).toEqual([
      { binary: false, withCallback: false },
      { binary: false, withCallback: false },
    ]);
  });

  it('queues behind a full socket and sends everything in order once the client reads', async () => {
    const socket = new ModelSocket(64);
    const { queue, overflows } = queueOn(socket, { maxQueued: 100, highWaterMarkBytes: 100 });
    const sent = Array.from({ length: 40 }, (_, i) => JSON.stringify({ n: i, pad: 'x'.repeat(i % 7) }));
    for (const message of sent) queue.push(new TextFrame(message));
    expect(queue.length).toBeGreaterThan(0);
    await readAll(socket);
    expect(socket.received).toEqual(sent);
    expect(queue.length).toBe(0);
    expect(overflows()).toBe(0);
  });

  it('never strands a queued message, whatever the sizes and the reading pace (seeded)', async () => {
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 50; trial += 1) {
      const socket = new ModelSocket(50 + Math.floor(random() * 200));
      const { queue, overflows } = queueOn(socket, { maxQueued: 10_000, highWaterMarkBytes: 20 + Math.floor(random() * 300) });
      const sent: string[] = [];
      for (let step = 0; step < 200; step += 1) {
        const message = JSON.stringify({ trial, step, pad: 'y'.repeat(Math.floor(random() * (random() < 0.05 ? 600 : 60))) });
        sent.push(message);
        queue.push(random() < 0.5 ? new TextFrame(message) : message);
        if (random() < 0.3) socket.read();
        if (random() < 0.3) await tick();
      }
      await readAll(socket);
      expect(socket.received).toEqual(sent);
      expect(overflows()).toBe(0);
    }
  });

  it('replaces a queued event by a newer one about the same thing of the same subscription, and only that', async () => {
    const socket = new ModelSocket(0);
    const { queue, overflows } = queueOn(socket, { maxQueued: 3, highWaterMarkBytes: 10 });
    queue.push(new TextFrame('x'.repeat(20))); // fills the socket
    queue.push('s1 p1 v1', 's1', 'p1');
    queue.push('s1 p2 v1', 's1', 'p2');
    queue.push('s2 p1 v1', 's2', 'p1');
    expect(queue.length).toBe(3);
    queue.push('s1 p1 v2', 's1', 'p1');
    queue.push('s2 p1 v2', 's2', 'p1');
    expect(queue.coalesced).toBe(2);
    expect(overflows()).toBe(0);
    await readAll(socket);
    expect(socket.received.slice(1)).toEqual(['s1 p1 v2', 's1 p2 v1', 's2 p1 v2']);
  });

  it('declares the client too slow, once, when an event without a key would be lost, and sends nothing more', async () => {
    const socket = new ModelSocket(0);
    const { queue, overflows } = queueOn(socket, { maxQueued: 2, highWaterMarkBytes: 10 });
    queue.push(new TextFrame('x'.repeat(20)));
    queue.push('a');
    queue.push('b', 's1', 'p1');
    queue.push('c', 's1', 'p9');
    queue.push('d');
    expect(overflows()).toBe(1);
    expect(queue.length).toBe(0);
    await readAll(socket);
    expect(socket.received).toHaveLength(1);
  });

  it('sends nothing on a socket that is no longer open', () => {
    const socket = new ModelSocket(1000);
    socket.readyState = WebSocket.CLOSING;
    const { queue } = queueOn(socket);
    queue.push(new TextFrame('{}'));
    expect(socket.frames).toHaveLength(0);
  });
});

describe('a text frame', () => {
  it('has the RFC 6455 header for every payload length class', () => {
    for (const length of [0, 1, 125, 126, 127, 65_535, 65_536, 70_000]) {
      const frame = new TextFrame('a'.repeat(length)).bytes;
      expect(frame[0]).toBe(0x81); // FIN, text, no RSV bits
      const marker = frame[1]!;
      expect(marker & 0x80).toBe(0); // server frames are never masked
      const [declared, header] = marker < 126 ? [marker, 2] : marker === 126 ? [frame.readUInt16BE(2), 4] : [Number(frame.readBigUInt64BE(2)), 10];
      expect(declared).toBe(length);
      expect(frame.length).toBe(header + length);
      expect(frame.subarray(header).toString()).toBe('a'.repeat(length));
    }
  });

  it('counts UTF-8 bytes, not characters', () => {
    const text = 'é🚚'.repeat(30); // 60 characters, 180 bytes
    const frame = new TextFrame(text);
    expect(frame.bytes[1]).toBe(126);
    expect(frame.bytes.readUInt16BE(2)).toBe(Buffer.byteLength(text));
    expect(frame.payload.toString()).toBe(text);
  });
});

describe('a client queue on a real socket', () => {
  let server: WebSocketServer | undefined;
  let client: WebSocket | undefined;
  afterEach(async () => {
    client?.terminate();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  async function pair(perMessageDeflate = false): Promise<{ serverSide: WebSocket; received: Array<{ data: string; isBinary: boolean }> }> {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate });
    await new Promise((resolve) => server!.once('listening', resolve));
    const connected = new Promise<WebSocket>((resolve) => server!.once('connection', resolve));
    client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const received: Array<{ data: string; isBinary: boolean }> = [];
    client.on('message', (data: RawData, isBinary) => received.push({ data: String(data), isBinary }));
    await new Promise((resolve) => client!.once('open', resolve));
    return { serverSide: await connected, received };
  }

  const clientSocket = () => (client as unknown as { _socket: { pause(): void; resume(): void } })._socket;

  async function until(done: () => boolean): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  it('writes frames of every length class that a ws client reads as text, between messages ws frames itself', async () => {
    const { serverSide, received } = await pair();
    expect(rawSocketOf(serverSide)).toBeDefined();
    const queue = new ClientQueue(serverSide, { maxQueued: 100, highWaterMarkBytes: 1024 * 1024 }, () => {
      throw new Error('no message may be lost here');
    });
    const sent = [0, 125, 126, 65_535, 65_536, 200_000].flatMap((length) => [`é${'b'.repeat(length)}`, `ws ${length}`]);
    sent.forEach((message, i) => queue.push(i % 2 === 0 ? new TextFrame(message) : message));
    serverSide.ping();
    await until(() => received.length === sent.length);
    expect(received).toEqual(sent.map((data) => ({ data, isBinary: false })));
  });

  it('sends frames through ws when permessage-deflate was negotiated, so that they are compressed as ws frames them', async () => {
    const { serverSide, received } = await pair(true);
    expect(serverSide.extensions).toContain('permessage-deflate');
    expect(rawSocketOf(serverSide)).toBeUndefined();
    const queue = new ClientQueue(serverSide, { maxQueued: 100, highWaterMarkBytes: 1024 * 1024 }, () => {
      throw new Error('no message may be lost here');
    });
    const sent = ['{"a":1}', 'c'.repeat(10_000), '{"b":2}'];
    sent.forEach((message) => queue.push(new TextFrame(message)));
    await until(() => received.length === sent.length);
    expect(received).toEqual(sent.map((data) => ({ data, isBinary: false })));
  });

  it('delivers every message, in order and as text, through a client that stops reading for a while', async () => {
    const { serverSide, received } = await pair();
    const queue = new ClientQueue(serverSide, { maxQueued: 10_000, highWaterMarkBytes: 16 * 1024 }, () => {
      throw new Error('no message may be lost here');
    });
    // Stop reading: the kernel buffers fill, then the socket's, then the queue.
    clientSocket().pause();
    const payload = 'z'.repeat(4096);
    const sent: string[] = [];
    for (let i = 0; i < 2000; i += 1) {
      const message = new NextMessage(JSON.stringify({ data: { i, payload } }));
      const framed = i % 3 === 0 ? message.for(JSON.stringify(`sub-${i}`)) : `{"id":"1","type":"next","payload":${message.payload}}`;
      sent.push(text(framed));
      queue.push(framed);
      if (i % 200 === 0) await tick();
    }
    expect(queue.length).toBeGreaterThan(0);
    clientSocket().resume();
    await until(() => received.length === sent.length);
    expect(received.map((m) => m.data)).toEqual(sent);
    expect(received.every((m) => !m.isBinary)).toBe(true);
    expect(queue.length).toBe(0);
  }, 30_000);
});
