/**
 * The operator's live notice that events were parked, low-noise: a consumer's first parking is
 * told at once, further ones within NOTICE_WINDOW_MS are counted and told together when the
 * window ends. One feed per running service, fed by the parkings' NOTIFY (every replica hears
 * every parking of its service).
 */
import { parkingChannel, readParkingNotice, type ParkingNotice, type PostgresListener } from '@distribution/events';
import type { Logger } from '@distribution/logging';
import { LiveStream, liveUpdatesInterrupted } from '../live-stream.js';

/** At most one notice per consumer in this window (the first of a burst at once, the rest as a count). */
export const NOTICE_WINDOW_MS = 10_000;

export interface BusNotice {
  service: string;
  consumer: string;
  /** Events this consumer parked since its last notice. */
  parkedEvents: number;
  /** The latest of them. */
  eventId: string;
  eventType: string;
  error: string;
  at: Date;
}

interface Burst {
  lastToldAt: number;
  waiting: { count: number; latest: ParkingNotice } | null;
  timer: NodeJS.Timeout | null;
}

export class ParkingNoticeFeed {
  private readonly subscribers = new Set<LiveStream<BusNotice>>();
  private readonly bursts = new Map<string, Burst>();
  private listening: Promise<unknown> | null = null;
  private readonly onPayload = (payload: string) => this.heard(payload);
  private readonly onResumed = () => {
    // What was parked while LISTEN was down reached no one: subscribers subscribe again (and read the health).
    for (const stream of [...this.subscribers]) stream.fail(liveUpdatesInterrupted('the connection to the database was lost, so parkings may have been missed'));
  };

  constructor(
    private readonly service: string,
    private readonly schema: string,
    private readonly listener: PostgresListener,
    private readonly logger: Logger,
    private readonly windowMs = NOTICE_WINDOW_MS,
  ) {}

  /** Notices from now on (no snapshot: the bus health says what is parked now). */
  async notices(): Promise<LiveStream<BusNotice>> {
    this.listening ??= this.listener.listen(parkingChannel(this.schema), this.onPayload, { onResumed: this.onResumed }).catch((error) => {
      this.listening = null;
      throw error;
    });
    await this.listening;
    const stream: LiveStream<BusNotice> = new LiveStream<BusNotice>(() => this.subscribers.delete(stream));
    this.subscribers.add(stream);
    return stream;
  }

  private heard(payload: string): void {
    // Nobody listens: nothing to tell, and no window started that would hold back the next subscriber's first notice.
    if (this.subscribers.size === 0) return;
    const parked = readParkingNotice(payload);
    if (!parked) {
      this.logger.warn({ payload: payload.slice(0, 200) }, 'parking notice not understood; ignored');
      return;
    }
    const now = Date.now();
    const burst = this.bursts.get(parked.consumer) ?? { lastToldAt: -Infinity, waiting: null, timer: null };
    this.bursts.set(parked.consumer, burst);
    burst.waiting = { count: (burst.waiting?.count ?? 0) + 1, latest: parked };
    if (now - burst.lastToldAt >= this.windowMs) this.tell(burst);
    else burst.timer ??= setTimeout(() => this.tell(burst), burst.lastToldAt + this.windowMs - now).unref();
  }

  private tell(burst: Burst): void {
    if (burst.timer) clearTimeout(burst.timer);
    burst.timer = null;
    const waiting = burst.waiting;
    burst.waiting = null;
    if (!waiting) return;
    burst.lastToldAt = Date.now();
    const { consumer, eventId, type, error } = waiting.latest;
    const notice: BusNotice = { service: this.service, consumer, parkedEvents: waiting.count, eventId, eventType: type, error, at: new Date() };
    for (const stream of [...this.subscribers]) stream.push(notice);
  }

  /** Stops the timers of bursts still waiting (the service is stopping). */
  stop(): void {
    for (const burst of this.bursts.values()) if (burst.timer) clearTimeout(burst.timer);
    this.bursts.clear();
  }
}
