/**
 * One per running service: the shared LISTEN on LIVE_CHANNEL feeding every live subscription of
 * the process. Notifications are handled one at a time, in the order they arrive (commit order):
 * for each, the committed state is read ONCE (fresh loaders: one statement for all its products)
 * and handed to the subscriptions that want it. A new subscription's snapshot is read in the same
 * line, after LISTEN started: what was read before the snapshot is not sent to it (the snapshot is
 * newer), everything read after it is. So a subscriber sees its snapshot first, and never an older
 * state of a product after a newer one. When the LISTEN connection was lost, whatever was
 * announced meanwhile reached no one: once LISTEN is back, state subscriptions are sent their
 * snapshot again (the current state supersedes what they missed) and depletion notices, which
 * cannot be recovered, end with LIVE_UPDATES_INTERRUPTED so that their subscribers subscribe again.
 */
import type { ServiceDatabase } from '@distribution/db';
import type { PostgresListener } from '@distribution/events';
import type { Logger } from '@distribution/logging';
import { LiveStream, liveUpdatesInterrupted, type ServiceRuntime } from '@distribution/server';
import type { Round } from '../db/records.js';
import { latestRound } from '../db/rounds.js';
import type { StockRow } from '../domain/stock.js';
import { createLoaders } from '../loaders.js';
import { matchesFilter, type AvailabilityFilter } from './filters.js';
import { LIVE_CHANNEL, readLiveNotification, type DepletionFact } from './notifications.js';
import { availabilitySnapshot, lowStockNow, roundsNumbered } from './queries.js';

/** The current state a subscription covers, each value with its key. */
type Snapshot<T> = () => Promise<Array<[T, string]>>;

interface Watcher<T> {
  stream: LiveStream<T>;
  wants(value: T): boolean;
  /** What it is sent first, and again after LISTEN was lost; null for notices (no state to send again). */
  snapshot: Snapshot<T> | null;
}

type Task =
  | { kind: 'stock' | 'low'; productIds: Set<string> }
  | { kind: 'depleted'; facts: DepletionFact[] }
  | { kind: 'round'; roundNumbers: Set<number> }
  | { kind: 'open'; run: () => Promise<void> }
  /** LISTEN was lost and is back. */
  | { kind: 'resumed' };

/** A read that fails is tried again this often (with these pauses) before its subscriptions end with an error. */
const RETRY_PAUSES_MS = [100, 400, 1000];

const everything = () => true;
const unreadable = () => liveUpdatesInterrupted('the current state could not be read');

export class InventoryLiveFeed {
  private readonly availabilityWatchers = new Set<Watcher<StockRow>>();
  private readonly lowStockWatchers = new Set<Watcher<StockRow>>();
  private readonly depletionWatchers = new Set<Watcher<DepletionFact>>();
  private readonly roundWatchers = new Set<Watcher<Round>>();
  private readonly tasks: Task[] = [];
  private draining = false;
  private listening: Promise<void> | null = null;
  // One function for every attempt: the listener keeps callbacks by identity, so a retried LISTEN adds none twice.
  private readonly onPayload = (payload: string) => this.heard(payload);
  private readonly onResumed = () => this.enqueue({ kind: 'resumed' });
  // Shared by every subscription of the kind, so that sending them all their snapshot again reads it once.
  private readonly lowStockSnapshot: Snapshot<StockRow> = async () => (await lowStockNow(this.database, this.defaultThreshold)).map((row) => [row, row.productId]);
  private readonly roundSnapshot: Snapshot<Round> = async () => {
    const round = await latestRound(this.database);
    return round ? [[round, String(round.number)]] : [];
  };

  constructor(
    private readonly database: ServiceDatabase,
    private readonly listener: PostgresListener,
    private readonly defaultThreshold: number,
    private readonly logger: Logger,
  ) {}

  /** Stock of every product matching `filter` now (one event each), then after each committed change of one. */
  availability(filter: AvailabilityFilter): Promise<LiveStream<StockRow>> {
    return this.open(
      this.availabilityWatchers,
      (row) => matchesFilter(filter, row),
      async () => (await availabilitySnapshot(this.database, filter, this.defaultThreshold)).map((row) => [row, row.productId]),
    );
  }

  /** Items low now, then each product as it falls to its threshold. */
  lowStock(): Promise<LiveStream<StockRow>> {
    return this.open(this.lowStockWatchers, everything, this.lowStockSnapshot);
  }

  /** Depletions from now on (a notice, so no snapshot). */
  depletions(): Promise<LiveStream<DepletionFact>> {
    return this.open(this.depletionWatchers, everything, null);
  }

  /** The latest round now (if any), then after each opening, closing and settlement. */
  rounds(): Promise<LiveStream<Round>> {
    return this.open(this.roundWatchers, everything, this.roundSnapshot);
  }

  /** Subscriptions open now (diagnostics, tests). */
  get size(): number {
    return this.availabilityWatchers.size + this.lowStockWatchers.size + this.depletionWatchers.size + this.roundWatchers.size;
  }

  private async open<T>(watchers: Set<Watcher<T>>, wants: (value: T) => boolean, snapshot: Snapshot<T> | null): Promise<LiveStream<T>> {
    await this.ensureListening(); // before the snapshot: nothing committed in between is missed
    const watcher: Watcher<T> = { stream: new LiveStream<T>(() => watchers.delete(watcher)), wants, snapshot };
    await new Promise<void>((resolve, reject) =>
      this.enqueue({
        kind: 'open',
        run: async () => {
          try {
            for (const [value, key] of (await snapshot?.()) ?? []) watcher.stream.push(value, key);
            watchers.add(watcher);
            resolve();
          } catch (error) {
            reject(error);
          }
        },
      }),
    );
    return watcher.stream;
  }

  private ensureListening(): Promise<void> {
    this.listening ??= this.listener.listen(LIVE_CHANNEL, this.onPayload, { onResumed: this.onResumed }).then(
      () => undefined,
      (error) => {
        this.listening = null; // the next subscription tries again
        throw error;
      },
    );
    return this.listening;
  }

  private heard(payload: string): void {
    const notification = readLiveNotification(payload);
    if (!notification) {
      this.logger.warn({ channel: LIVE_CHANNEL, payload: payload.slice(0, 200) }, 'live notification not understood; ignored');
      return;
    }
    switch (notification.kind) {
      case 'stock':
      case 'low':
        return this.enqueue({ kind: notification.kind, productIds: new Set(notification.productIds) });
      case 'depleted':
        return this.enqueue({ kind: 'depleted', facts: notification.facts });
      case 'round':
        return this.enqueue({ kind: 'round', roundNumbers: new Set(notification.roundNumbers) });
    }
  }

  private enqueue(task: Task): void {
    this.tasks.push(task);
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let task = this.tasks.shift(); task; task = this.tasks.shift()) {
        // Changes waiting side by side are read together: one statement, the newest state.
        if (task.kind === 'stock' || task.kind === 'low') {
          for (let next = this.tasks[0]; next?.kind === task.kind; next = this.tasks[0]) {
            for (const id of (this.tasks.shift() as typeof task).productIds) task.productIds.add(id);
          }
        }
        await this.run(task);
      }
    } finally {
      this.draining = false;
    }
  }

  private async run(task: Task): Promise<void> {
    switch (task.kind) {
      case 'open':
        return task.run();
      case 'resumed':
        return this.resumed();
      case 'stock':
        return this.deliver(
          this.availabilityWatchers,
          () => this.stockOf(task.productIds),
          (row) => row.productId,
        );
      case 'low':
        return this.deliver(
          this.lowStockWatchers,
          () => this.stockOf(task.productIds),
          (row) => row.productId,
        );
      case 'depleted':
        return this.deliver(
          this.depletionWatchers,
          async () => task.facts,
          () => undefined,
        );
      case 'round':
        return this.deliver(
          this.roundWatchers,
          () => roundsNumbered(this.database, [...task.roundNumbers]),
          (round) => String(round.number),
        );
    }
  }

  /** Fresh loaders for every notification: this state is read now, never from a cache. */
  private stockOf(productIds: Set<string>): Promise<StockRow[]> {
    const stock = createLoaders(this.database, this.defaultThreshold).stock;
    return Promise.all([...productIds].map((id) => stock.load(id)));
  }

  /** Reads (only when someone watches) and hands each value to the watchers that want it. */
  private async deliver<T>(watchers: Set<Watcher<T>>, read: () => Promise<T[]>, keyOf: (value: T) => string | undefined): Promise<void> {
    if (watchers.size === 0) return;
    const values = await this.readRetrying(read);
    for (const watcher of [...watchers]) {
      if (values === null) watcher.stream.fail(unreadable());
      else for (const value of values) if (watcher.wants(value)) watcher.stream.push(value, keyOf(value));
    }
  }

  /**
   * LISTEN is back after the connection was lost: every state subscription gets its snapshot again
   * (each distinct snapshot read once), and every depletion subscription ends, coded, since the
   * depletions announced in between are gone.
   */
  private async resumed(): Promise<void> {
    this.logger.warn({ subscriptions: this.size }, 'LISTEN resumed after a lost connection; sending snapshots again, ending notice subscriptions');
    for (const watcher of [...this.depletionWatchers]) {
      watcher.stream.fail(liveUpdatesInterrupted('the connection to the database was lost, so depletions may have been missed'));
    }
    await this.resend(this.availabilityWatchers);
    await this.resend(this.lowStockWatchers);
    await this.resend(this.roundWatchers);
  }

  private async resend<T>(watchers: Set<Watcher<T>>): Promise<void> {
    const read = new Map<Snapshot<T>, Array<[T, string]> | null>();
    for (const watcher of [...watchers]) {
      const snapshot = watcher.snapshot;
      if (!snapshot || watcher.stream.closed) continue;
      if (!read.has(snapshot)) read.set(snapshot, await this.readRetrying(snapshot));
      const values = read.get(snapshot);
      if (!values) watcher.stream.fail(unreadable());
      else for (const [value, key] of values) watcher.stream.push(value, key);
    }
  }

  /** `read()`, retried when it fails; null past the retries (then the subscriptions that needed it end with an error, never silently stale). */
  private async readRetrying<R>(read: () => Promise<R>): Promise<R | null> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await read();
      } catch (error) {
        if (attempt >= RETRY_PAUSES_MS.length) {
          this.logger.error({ err: error }, 'live update could not be read; ending the subscriptions that needed it');
          return null;
        }
        this.logger.warn({ err: error, attempt: attempt + 1 }, 'live update could not be read; retrying');
        await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSES_MS[attempt]));
      }
    }
  }
}

// One feed per running service (keyed by its database, which the running service shares with its
// runtime, so two services in one process stay apart and tests can find the feed of a service).
const feeds = new WeakMap<ServiceDatabase, InventoryLiveFeed>();

export function liveFeedOf(runtime: ServiceRuntime, defaultThreshold: number): InventoryLiveFeed {
  let feed = feeds.get(runtime.database);
  if (!feed) feeds.set(runtime.database, (feed = new InventoryLiveFeed(runtime.database, runtime.listener, defaultThreshold, runtime.logger)));
  return feed;
}

/**
 * A test hook: how many live subscriptions the running service has registered (each after its
 * snapshot), so that a test waits for "subscribed" instead of sleeping.
 */
export function liveSubscriptionsOf(service: { database: ServiceDatabase }): number {
  return feeds.get(service.database)?.size ?? 0;
}
