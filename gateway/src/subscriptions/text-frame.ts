/**
 * Internal: WebSocket text frames (RFC 6455 §5.2) encoded once and written as they are to the socket
 * of every client that gets the same message. ws would frame the same bytes anew for each client
 * (a header, an options object, a corked two-buffer write); one prebuilt buffer per write took
 * ~20% off the gateway's CPU per delivery in the live bench (bench/README.md, part 3). What remains
 * is mostly the write system call itself, one per client and event.
 */
import { Writable } from 'node:stream';
import type { WebSocket } from 'ws';

const FIN_TEXT = 0x81;

/** One unfragmented, unmasked (server to client) text frame. */
export class TextFrame {
  /** The whole frame: header, then the UTF-8 text. Shared between clients: never change it. */
  readonly bytes: Buffer;
  private readonly headerLength: number;

  constructor(text: string) {
    const length = Buffer.byteLength(text);
    this.headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
    // Off Buffer's shared pool: a queued slice would keep a whole 8 KiB pool slab alive.
    this.bytes = Buffer.allocUnsafeSlow(this.headerLength + length);
    this.bytes[0] = FIN_TEXT;
    if (this.headerLength === 2) {
      this.bytes[1] = length;
    } else if (this.headerLength === 4) {
      this.bytes[1] = 126;
      this.bytes.writeUInt16BE(length, 2);
    } else {
      this.bytes[1] = 127;
      this.bytes.writeUInt16BE(0, 2);
      this.bytes.writeUIntBE(length, 4, 6);
    }
    this.bytes.write(text, this.headerLength, 'utf8');
  }

  /** The UTF-8 text alone, for a socket that has to be written through ws. */
  get payload(): Buffer {
    return this.bytes.subarray(this.headerLength);
  }
}

/**
 * The socket under `ws`, when prebuilt frames may be written to it: ws's own writes of the same
 * message would be these bytes, since no extension (permessage-deflate) was negotiated. Undefined
 * otherwise, or when ws keeps its socket elsewhere than this version does (then frames go through ws).
 */
export function rawSocketOf(ws: WebSocket): Writable | undefined {
  if (ws.extensions !== '') return undefined;
  const socket = (ws as unknown as { _socket?: unknown })._socket;
  return socket instanceof Writable ? socket : undefined;
}
