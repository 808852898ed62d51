/**
 * A graphql-ws client for tests of live subscriptions, and a subscription whose messages a test
 * reads one by one. The same client talks to a subgraph (connectionParams = the headers the
 * gateway sends) or to the gateway (connectionParams = what a browser sends).
 */
import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';

export type LiveMessage =
  { kind: 'next'; payload: { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } } | { kind: 'error'; error: unknown } | { kind: 'complete' };

const WAIT_MS = 5000;

/** One subscription's messages, read in order. */
export class LiveWatch {
  readonly messages: LiveMessage[] = [];
  private read = 0;
  private wake: (() => void) | null = null;
  private readonly unsubscribe: () => void;

  constructor(client: Client, query: string, variables: Record<string, unknown> = {}) {
    const add = (message: LiveMessage) => {
      this.messages.push(message);
      this.wake?.();
    };
    this.unsubscribe = client.subscribe(
      { query, variables },
      {
        next: (payload) => add({ kind: 'next', payload: payload as any }),
        error: (error) => add({ kind: 'error', error }),
        complete: () => add({ kind: 'complete' }),
      },
    );
  }

  /** The next message not read yet, waiting for it. */
  async take(timeoutMs = WAIT_MS): Promise<LiveMessage> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length <= this.read) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message within ${timeoutMs} ms; had ${JSON.stringify(this.messages).slice(0, 800)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
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

  /**
   * The error codes the subscription ended with: errors without data in a `next` (a refusal by
   * graphql-js), or an `error` message (a refusal forwarded by the gateway, or a stream that failed).
   */
  async refusal(timeoutMs = WAIT_MS): Promise<string[]> {
    const message = await this.take(timeoutMs);
    if (message.kind === 'next' && message.payload.errors && !message.payload.data) return message.payload.errors.map((e) => String(e.extensions?.code));
    if (message.kind === 'error' && Array.isArray(message.error)) return message.error.map((e: any) => String(e.extensions?.code));
    throw new Error(`expected a refusal, got ${JSON.stringify(message)}`);
  }

  /** Resolves when the next message is `complete` (fails on anything else). */
  async completion(timeoutMs = WAIT_MS): Promise<void> {
    const message = await this.take(timeoutMs);
    if (message.kind !== 'complete') throw new Error(`expected completion, got ${JSON.stringify(message).slice(0, 800)}`);
  }

  /** The messages that arrived and were not read yet, now read. */
  drain(): LiveMessage[] {
    const unread = this.messages.slice(this.read);
    this.read = this.messages.length;
    return unread;
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
  watch(query: string, variables?: Record<string, unknown>): LiveWatch;
  close(): Promise<void>;
}

/**
 * A graphql-ws connection to the GraphQL endpoint at `url` (http(s) or ws(s)), sending `connectionParams`
 * at connection_init. Params named `x-…` are the gateway's headers (a test talking to a subgraph): they
 * also go on the upgrade request, as the gateway sends them, since subgraphs check the credential there.
 */
export function liveClient(url: string, connectionParams: Record<string, unknown> = {}): LiveClient {
  const headers = Object.fromEntries(Object.entries(connectionParams).filter((entry): entry is [string, string] => entry[0].startsWith('x-') && typeof entry[1] === 'string'));
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: class extends WebSocket {
      constructor(address: string | URL | null, protocols?: string | string[]) {
        super(address as string | URL, protocols, { headers });
      }
    },
    connectionParams,
    retryAttempts: 0,
  });
  const watches: LiveWatch[] = [];
  return {
    watch: (query, variables) => {
      const watch = new LiveWatch(client, query, variables);
      watches.push(watch);
      return watch;
    },
    close: async () => {
      for (const watch of watches) watch.stop();
      await client.dispose();
    },
  };
}
