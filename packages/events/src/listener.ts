/** One LISTEN connection per process, shared by everything that waits for a Postgres NOTIFY. */
import pg from 'pg';
import { connectionSettings, type DatabaseTimeouts } from '@distribution/db';

type Callback = (payload: string) => void;

/**
 * How long a lost connection stays lost before the first attempt to reconnect (then every second):
 * a moment for a restarting or failing-over database. Nothing is lost meanwhile, since every
 * `onResumed` runs once LISTEN is back (and tests cut the connection and commit in this gap).
 */
const RECONNECT_PAUSE_MS = 500;

export interface ListenOptions {
  /**
   * Called after the connection was lost and LISTEN is in place again on a new one. A NOTIFY
   * committed in between reached no one: whoever keeps state fed by this channel reads it afresh
   * (or tells its subscribers that they may have missed something).
   */
  onResumed?: () => void;
}

export class PostgresListener {
  private client: pg.Client | null = null;
  /** Per channel, each callback with its options (a callback listened to again is not added twice). */
  private readonly channels = new Map<string, Map<Callback, ListenOptions>>();
  private stopped = false;
  private connecting: Promise<void> | null = null;
  /** Set when the connection is lost; the next connection that LISTENs again calls every `onResumed`. */
  private lost = false;

  constructor(
    private readonly url: string,
    private readonly onError: (error: unknown) => void = () => {},
    /** Bounds connecting (and the LISTEN statements); never inside a transaction, so the idle bound cannot end it. */
    private readonly timeouts: Partial<DatabaseTimeouts> = {},
  ) {}

  /**
   * False while the connection is lost (or not made yet) though someone listens: a NOTIFY sent now
   * reaches no one, so the service is not ready (its /readyz says so until LISTEN is back).
   */
  get listening(): boolean {
    return !this.stopped && (this.channels.size === 0 || this.client !== null);
  }

  /** Calls `callback` with each payload sent on `channel`; returns the function that stops it. */
  async listen(channel: string, callback: Callback, options: ListenOptions = {}): Promise<() => Promise<void>> {
    let subscribers = this.channels.get(channel);
    const first = !subscribers;
    if (!subscribers) this.channels.set(channel, (subscribers = new Map()));
    subscribers.set(callback, options);
    await this.connect();
    // (Lost again meanwhile: the next connection LISTENs on every channel.)
    if (first) await this.client?.query(`LISTEN "${channel}"`);
    return async () => {
      subscribers!.delete(callback);
      if (subscribers!.size === 0 && this.channels.get(channel) === subscribers) {
        this.channels.delete(channel);
        await this.client?.query(`UNLISTEN "${channel}"`).catch(() => {});
      }
    };
  }

  private connect(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.connecting ??= (async () => {
      // TCP keepalive (connectionSettings): a connection that silently went away is noticed (and replaced) rather than waited on forever.
      const client = new pg.Client({ connectionString: this.url, application_name: 'listener', ...connectionSettings(this.timeouts) });
      client.on('notification', (n) => {
        for (const cb of [...(this.channels.get(n.channel)?.keys() ?? [])]) cb(n.payload ?? '');
      });
      client.on('error', (error) => this.reconnectAfter(error));
      client.on('end', () => {
        if (!this.stopped) this.reconnectAfter(new Error('listener connection ended'));
      });
      await client.connect();
      this.client = client;
      for (const channel of this.channels.keys()) await client.query(`LISTEN "${channel}"`);
      if (this.lost && this.client === client) {
        this.lost = false;
        this.resumed();
      }
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  /** Tells every listener that LISTEN is back (each once, even if one of them throws). */
  private resumed(): void {
    for (const subscribers of [...this.channels.values()]) {
      for (const { onResumed } of [...subscribers.values()]) {
        try {
          onResumed?.();
        } catch (error) {
          this.onError(error);
        }
      }
    }
  }

  /** Lost connection: reconnect and re-LISTEN, then call `onResumed` (what was notified in between is gone). */
  private reconnectAfter(error: unknown) {
    if (this.stopped || !this.client) return;
    this.onError(error);
    this.lost = true;
    const old = this.client;
    this.client = null;
    old.removeAllListeners();
    old.on('error', () => {});
    old.end().catch(() => {});
    const retry = () => {
      if (!this.stopped) this.connect().catch(() => setTimeout(retry, 1000));
    };
    setTimeout(retry, RECONNECT_PAUSE_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.connecting?.catch(() => {});
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners();
      client.on('error', () => {});
      await client.end().catch(() => {});
    }
  }
}
