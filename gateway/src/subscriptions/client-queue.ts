/**
 * What is waiting to be sent to one client. Writes go straight to the socket while the socket keeps
 * up (`bufferedAmount` under the high-water mark); behind that, messages queue up to a bound. With
 * the queue full, an event that carries a coalescing key replaces the queued one with the same key;
 * anything else would be lost, so the client is declared too slow instead.
 */
import { WebSocket } from 'ws';

export interface ClientQueueOptions {
  /** Messages held for one client beyond what the socket buffers. */
  maxQueued: number;
  /** Socket buffer (bytes) above which messages wait in the queue instead. */
  highWaterMarkBytes: number;
}

interface Entry {
  text: string;
  key?: string;
}

export class ClientQueue {
  private readonly pending: Entry[] = [];
  private readonly byKey = new Map<string, Entry>();
  private overflowed = false;
  /** Events replaced by a newer one with the same key (for logs). */
  coalesced = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly options: ClientQueueOptions,
    /** Called once, when a message would have to be dropped. */
    private readonly onOverflow: () => void,
  ) {}

  /** Sends or queues one message; `coalesceKey` marks an event a newer one with the same key may replace. */
  push(text: string, coalesceKey?: string): void {
    if (this.overflowed || this.ws.readyState !== WebSocket.OPEN) return;
    if (this.pending.length === 0 && this.ws.bufferedAmount < this.options.highWaterMarkBytes) {
      this.write(text);
      return;
    }
    if (this.pending.length >= this.options.maxQueued) {
      const older = coalesceKey === undefined ? undefined : this.byKey.get(coalesceKey);
      if (older) {
        older.text = text;
        this.coalesced += 1;
        return;
      }
      this.overflowed = true;
      this.pending.length = 0;
      this.byKey.clear();
      this.onOverflow();
      return;
    }
    const entry: Entry = { text, key: coalesceKey };
    this.pending.push(entry);
    if (coalesceKey !== undefined) this.byKey.set(coalesceKey, entry);
  }

  get length(): number {
    return this.pending.length;
  }

  // ws calls back once the frame is handed to the OS: the moment the buffer may have room again.
  private write(text: string): void {
    this.ws.send(text, (error) => {
      if (!error) this.flush();
    });
  }

  private flush(): void {
    while (this.pending.length > 0 && this.ws.readyState === WebSocket.OPEN && this.ws.bufferedAmount < this.options.highWaterMarkBytes) {
      const entry = this.pending.shift()!;
      if (entry.key !== undefined && this.byKey.get(entry.key) === entry) this.byKey.delete(entry.key);
      this.write(entry.text);
    }
  }
}
