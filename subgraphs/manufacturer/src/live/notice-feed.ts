/**
 * One per running service: the shared LISTEN on NOTICES_CHANNEL, handing each notice to the
 * subscriptions of its manufacturer (and the operator's that watch everyone). Notices arrive in
 * commit order on one connection and are handed out at once, so each subscriber gets them in
 * that order. No snapshot: a notice tells what happens from now on. So when the LISTEN connection
 * was lost, the notices announced meanwhile are gone for good: once LISTEN is back, every
 * subscription ends with LIVE_UPDATES_INTERRUPTED, so that its subscriber knows and subscribes again.
 */
import type { PostgresListener } from '@distribution/events';
import type { Logger } from '@distribution/logging';
import { LiveStream, liveUpdatesInterrupted, type ServiceRuntime } from '@distribution/server';
import { NOTICES_CHANNEL, readNotices, type Notice } from './notices.js';

interface Watcher {
  /** null: every manufacturer's notices (operator). */
  manufacturerId: string | null;
  stream: LiveStream<Notice>;
}

export class NoticeFeed {
  private readonly watchers = new Set<Watcher>();
  private listening: Promise<void> | null = null;
  // One function for every attempt: the listener keeps callbacks by identity, so a retried LISTEN adds none twice.
  private readonly onPayload = (payload: string) => this.heard(payload);
  private readonly onResumed = () => this.interrupted();

  constructor(
    private readonly listener: PostgresListener,
    private readonly logger: Logger,
  ) {}

  /** Notices of one manufacturer (or of all, with null) from now on; resolves once listening. */
  async watch(manufacturerId: string | null): Promise<LiveStream<Notice>> {
    await this.ensureListening();
    const watcher: Watcher = { manufacturerId, stream: new LiveStream<Notice>(() => this.watchers.delete(watcher)) };
    this.watchers.add(watcher);
    return watcher.stream;
  }

  /** Subscriptions open now (diagnostics, tests). */
  get size(): number {
    return this.watchers.size;
  }

  private ensureListening(): Promise<void> {
    this.listening ??= this.listener.listen(NOTICES_CHANNEL, this.onPayload, { onResumed: this.onResumed }).then(
      () => undefined,
      (error) => {
        this.listening = null; // the next subscription tries again
        throw error;
      },
    );
    return this.listening;
  }

  private interrupted(): void {
    this.logger.warn({ subscriptions: this.watchers.size }, 'LISTEN resumed after a lost connection; ending notice subscriptions (notices may have been missed)');
    const error = liveUpdatesInterrupted('the connection to the database was lost, so notices may have been missed');
    for (const watcher of [...this.watchers]) watcher.stream.fail(error);
  }

  private heard(payload: string): void {
    const notices = readNotices(payload);
    if (notices.length === 0) this.logger.warn({ channel: NOTICES_CHANNEL, payload: payload.slice(0, 200) }, 'notice payload not understood; ignored');
    for (const notice of notices) {
      for (const watcher of this.watchers) {
        if (watcher.manufacturerId === null || watcher.manufacturerId === notice.manufacturerId) watcher.stream.push(notice);
      }
    }
  }
}

// One feed per running service (keyed by its database, which the running service shares with its
// runtime, so two services in one process stay apart and tests can find the feed of a service).
const feeds = new WeakMap<ServiceRuntime['database'], NoticeFeed>();

export function noticeFeedOf(runtime: ServiceRuntime): NoticeFeed {
  let feed = feeds.get(runtime.database);
  if (!feed) feeds.set(runtime.database, (feed = new NoticeFeed(runtime.listener, runtime.logger)));
  return feed;
}

/** A test hook: how many notice subscriptions the running service has registered, so that a test waits for "subscribed" instead of sleeping. */
export function noticeSubscriptionsOf(service: Pick<ServiceRuntime, 'database'>): number {
  return feeds.get(service.database)?.size ?? 0;
}
