/**
 * Test support for live subscriptions: a graphql-ws client straight to the subgraph, with the
 * connectionParams the gateway sends, and a subscription whose messages a test reads one by one.
 */
import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';
import { identityToHeaders, type Identity } from '@distribution/auth';

export type Message =
  | { kind: 'next'; payload: { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } }
  | { kind: 'error'; error: unknown }
  | { kind: 'complete' };

const WAIT_MS = 5000;

/** One subscription's messages, read in order. */
export class Watch {
  readonly messages: Message[] = [];
  private read = 0;
  private wake: (() => void) | null = null;
  private readonly unsubscribe: () => void;

  constructor(client: Client, query: string, variables: Record<string, unknown> = {}) {
    const add = (message: Message) => {
      this.messages.push(message);
      this.wake?.();
    };
    this.unsubscribe = client.subscribe({ query, variables }, {
      next: (payload) => add({ kind: 'next', payload: payload as any }),
      error: (error) => add({ kind: 'error', error }),
      complete: () => add({ kind: 'complete' }),
    });
  }

  /** The next message not read yet, waiting for it. */
  async take(timeoutMs = WAIT_MS): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length <= this.read) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message within ${timeoutMs} ms; had ${JSON.stringify(this.messages).slice(0, 800)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => { clearTimeout(timer); resolve(); };
      });
      this.wake = null;
    }
    return this.messages[this.read++]!;
  }

  /** The data of the next event (fails on errors, an error message or completion). */
  async next<T = any>(field: string, timeoutMs = WAIT_MS): Promise<T> {
    const message = await this.take(timeoutMs);
    if (message.kind !== 'next' || message.payload.errors || !message.payload.data) throw new Error(`expected an event, got ${JSON.stringify(message)}`);
    return message.payload.data[field];
  }

  /** The events of the next `count` messages. */
  async nextMany<T = any>(field: string, count: number, timeoutMs = WAIT_MS): Promise<T[]> {
    const events: T[] = [];
    for (let i = 0; i < count; i += 1) events.push(await this.next<T>(field, timeoutMs));
    return events;
  }

  /** The error codes the subscription was refused with (errors in a `next`, or an `error` message). */
  async refusal(timeoutMs = WAIT_MS): Promise<string[]> {
    const message = await this.take(timeoutMs);
    if (message.kind === 'next' && message.payload.errors && !message.payload.data) return message.payload.errors.map((e) => String(e.extensions?.code));
    if (message.kind === 'error' && Array.isArray(message.error)) return message.error.map((e: any) => String(e.extensions?.code));
    throw new Error(`expected a refusal, got ${JSON.stringify(message)}`);
  }

  /** Resolves if no message arrives within `ms` (and fails otherwise). */
  async quietFor(ms: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (this.messages.length > this.read) throw new Error(`expected nothing, got ${JSON.stringify(this.messages.slice(this.read)).slice(0, 800)}`);
  }

  stop(): void {
    this.unsubscribe();
  }
}

export interface LiveClient {
  watch(query: string, variables?: Record<string, unknown>): Watch;
  close(): Promise<void>;
}

/** A graphql-ws connection to a subgraph's GraphQL URL as `identity` (null: anonymous), as the gateway opens it. */
export function liveClient(httpUrl: string, identity: Identity | null, credential: string): LiveClient {
  const client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: identityToHeaders(identity, credential),
    retryAttempts: 0,
  });
  const watches: Watch[] = [];
  return {
    watch: (query, variables) => {
      const watch = new Watch(client, query, variables);
      watches.push(watch);
      return watch;
    },
    close: async () => {
      for (const watch of watches) watch.stop();
      await client.dispose();
    },
  };
}
