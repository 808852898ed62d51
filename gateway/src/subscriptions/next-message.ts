/**
 * Internal: the graphql-transport-ws `next` message of one resolved event, built by hand around a
 * payload serialised once (`{"id":<id>,"type":"next","payload":<payload>}`). The first few distinct
 * ids get the whole message framed once, as a frame every client with that id shares (graphql-ws
 * counters start at "1", so most clients of one subscription share an id); the others get their own
 * text, which is as cheap to send as a frame built per client and holds exactly its own bytes.
 */
import { TextFrame } from './text-frame.js';

/** Distinct ids per event whose message is framed once and shared. */
const SHARED_IDS = 8;

export class NextMessage {
  private readonly shared = new Map<string, TextFrame>();

  /** `payload`: the `payload` of the message, as JSON text. */
  constructor(readonly payload: string) {}

  /** The message for the subscription whose id, as JSON text, is `idJson`. */
  for(idJson: string): TextFrame | string {
    const frame = this.shared.get(idJson);
    if (frame) return frame;
    const text = `{"id":${idJson},"type":"next","payload":${this.payload}}`;
    if (this.shared.size >= SHARED_IDS) return text;
    const framed = new TextFrame(text);
    this.shared.set(idJson, framed);
    return framed;
  }
}
