/** One LISTEN connection per process, shared by everything that waits for a Postgres NOTIFY. */
import pg from 'pg';

type Callback = (payload: string) => void;

export class PostgresListener {
  private client: pg.Client | null = null;
  private readonly callbacks = new Map<string, Set<Callback>>();
  private stopped = false;
  private connecting: Promise<void> | null = null;

  constructor(private readonly url: string, private readonly onError: (error: unknown) => void = () => {}) {}

  /** Calls `callback` with each payload sent on `channel`; returns the function that stops it. */
  async listen(channel: string, callback: Callback): Promise<() => Promise<void>> {
    let set = this.callbacks.get(channel);
    const first = !set;
    if (!set) this.callbacks.set(channel, (set = new Set()));
    set.add(callback);
    await this.connect();
    if (first) await this.client!.query(`LISTEN "${channel}"`);
    return async () => {
      set!.delete(callback);
      if (set!.size === 0 && this.callbacks.get(channel) === set) {
        this.callbacks.delete(channel);
        await this.client?.query(`UNLISTEN "${channel}"`).catch(() => {});
      }
    };
  }

  private connect(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.url, application_name: 'listener' });
      client.on('notification', (n) => {
        for (const cb of this.callbacks.get(n.channel) ?? []) cb(n.payload ?? '');
      });
      client.on('error', (error) => this.reconnectAfter(error));
      client.on('end', () => { if (!this.stopped) this.reconnectAfter(new Error('listener connection ended')); });
      await client.connect();
      this.client = client;
      for (const channel of this.callbacks.keys()) await client.query(`LISTEN "${channel}"`);
    })().finally(() => { this.connecting = null; });
    return this.connecting;
  }

  /** Lost connection: reconnect and re-LISTEN; callers poll meanwhile, so nothing is missed. */
  private reconnectAfter(error: unknown) {
    if (this.stopped || !this.client) return;
    this.onError(error);
    const old = this.client;
    this.client = null;
    old.removeAllListeners();
    old.end().catch(() => {});
    const retry = () => { if (!this.stopped) this.connect().catch(() => setTimeout(retry, 1000)); };
    setTimeout(retry, 200);
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
