/**
 * What is waiting to be sent to one client. Writes go straight to the socket while the socket keeps
 * up (`bufferedAmount` under the high-water mark); behind that, messages queue up to a bound. With
 * the queue full, an event that carries a coalescing key replaces the queued one with the same key;
 * anything else would be lost, so the client is declared too slow instead.
 */
import type { Writable } from 'node:stream';
import { WebSocket } from 'ws';
import { rawSocketOf, type TextFrame } from './text-frame.js';

export interface ClientQueueOptions {
  /** Messages held for one client beyond what the socket buffers. */
  maxQueued: number;
  /** Socket buffer (bytes) above which messages wait in the queue instead. */
  highWaterMarkBytes: number;
}

/** A message: text, or a text frame built once for many clients. */
export type OutgoingMessage = string | TextFrame;

interface Entry {
  message: OutgoingMessage;
  key?: string;
}

// Bytes sent through ws go as a text frame: graphql-transport-ws clients (browsers included) expect text.
const AS_TEXT = { binary: false } as const;

export class ClientQueue {
  private readonly pending: Entry[] = [];
  private readonly byKey = new Map<string, Entry>();
  private overflowed = false;
  /** Where prebuilt frames are written, when ws allows it (see text-frame.ts). */
  private readonly socket: Writable | undefined;
  /** The write callback, made the first time a write needs one (a closure per client costs ~350 B). */
  private onWritten: ((error?: Error | null) => void) | undefined;
  /** Events replaced by a newer one with the same key (for logs). */
  coalesced = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly options: ClientQueueOptions,
    /** Called once, when a message would have to be dropped. */
    private readonly onOverflow: () => void,
  ) {
    this.socket = rawSocketOf(ws);
  }

  /**
   * Sends or queues one message. An event with a `key` (what it is about) may be replaced by a newer
   * one of the same `subscriptionId` and key while it waits; without a key it is never dropped.
   */
  push(message: OutgoingMessage, subscriptionId?: string, key?: string): void {
    if (this.overflowed || this.ws.readyState !== WebSocket.OPEN) return;
    if (this.pending.length === 0) {
      const buffered = this.ws.bufferedAmount;
      if (buffered < this.options.highWaterMarkBytes) return this.write(message, buffered);
    }
    const coalesceKey = key === undefined || subscriptionId === undefined ? undefined : `${subscriptionId}\u0000${key}`;
    if (this.pending.length >= this.options.maxQueued) {
      const older = coalesceKey === undefined ? undefined : this.byKey.get(coalesceKey);
      if (older) {
        older.message = message;
        this.coalesced += 1;
        return;
      }
      this.overflowed = true;
      this.pending.length = 0;
      this.byKey.clear();
      this.onOverflow();
      return;
    }
    const entry: Entry = { message, key: coalesceKey };
    this.pending.push(entry);
    if (coalesceKey !== undefined) this.byKey.set(coalesceKey, entry);
  }

  get length(): number {
    return this.pending.length;
  }

  /**
   * ws calls back once a frame is handed to the OS: the moment the buffer may have room again. A
   * callback costs a closure call and a tick per write, so the common write (nothing buffered, the
   * kernel takes the frame at once) goes without. Whenever the buffer holds at least the high-water
   * mark (the only time messages queue), its last write was made with something already buffered,
   * or could be that large on its own, so it carries the callback that flushes the queue.
   */
  private write(message: OutgoingMessage, buffered: number): void {
    const callback = buffered > 0 || maxBytes(message) >= this.options.highWaterMarkBytes ? this.flushWhenWritten() : undefined;
    if (typeof message === 'string') this.ws.send(message, callback);
    else if (this.socket) this.socket.write(message.bytes, callback);
    else this.ws.send(message.payload, AS_TEXT, callback);
  }

  private flushWhenWritten(): (error?: Error | null) => void {
    return (this.onWritten ??= (error) => {
      if (!error) this.flush();
    });
  }

  private flush(): void {
    while (this.pending.length > 0 && this.ws.readyState === WebSocket.OPEN) {
      const buffered = this.ws.bufferedAmount;
      if (buffered >= this.options.highWaterMarkBytes) return;
      const entry = this.pending.shift()!;
      if (entry.key !== undefined && this.byKey.get(entry.key) === entry) this.byKey.delete(entry.key);
      this.write(entry.message, buffered);
    }
  }
}

// UTF-8 takes at most 3 bytes per UTF-16 code unit: a bound without scanning the text.
const maxBytes = (message: OutgoingMessage) => (typeof message === 'string' ? message.length * 3 : message.bytes.length);
