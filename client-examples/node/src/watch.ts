/**
 * `npm run example -- watch [--for 30s]`: prints availability, depletion, low-stock and round events
 * as they happen, until Ctrl-C or the time is up. Where the gateway does not serve a subscription
 * yet, it asks again every second instead and prints what changed.
 */
import type { OperationNameOf, ResultOf } from '../../operations/index.js';
import { createApi, SubscriptionRefused, type Api } from './api.js';
import { sleep, type ExampleOptions } from './options.js';
import { formatTable } from './table.js';

export interface WatchResult {
  /** Events seen per kind (availability, depleted, low stock, round), subscribed or polled. */
  events: Record<string, number>;
  /** Subscriptions the gateway refused (watched by polling instead). */
  refused: string[];
}

interface Feed<N extends OperationNameOf<'subscription'>> {
  operation: N;
  kind: string;
  describe(data: ResultOf<N>): string;
}

/** A feed, its `describe` typed by its operation. */
const feed = <N extends OperationNameOf<'subscription'>>(f: Feed<N>) => f as unknown as Feed<OperationNameOf<'subscription'>>;

const FEEDS = [
  feed({
    operation: 'OnAvailabilityChanged',
    kind: 'availability',
    describe: ({ availabilityChanged: s }) => `${productLabel(s.product)}: ${s.available} available (${s.reserved} of ${s.onHand} reserved), ${s.status}`,
  }),
  feed({ operation: 'OnStockDepleted', kind: 'depleted', describe: ({ stockDepleted: n }) => `${productLabel(n.product)} ran out in round ${n.roundNumber}` }),
  feed({ operation: 'OnLowStock', kind: 'low stock', describe: ({ lowStock: s }) => `${productLabel(s.product)}: only ${s.available} left` }),
  feed({ operation: 'OnRoundChanged', kind: 'round', describe: ({ roundChanged: r }) => `round ${r.number} ${r.status}${r.closeReason ? ` (${r.closeReason})` : ''}` }),
];

const productLabel = (p: { name: string; manufacturer?: { name: string } }) => (p.manufacturer ? `${p.name} (${p.manufacturer.name})` : p.name);
const clock = () => new Date().toISOString().slice(11, 19);

/** Watches until `signal` aborts or `durationMs` passes; returns what it saw. */
export async function watch(options: ExampleOptions & { durationMs?: number; category?: string; pollIntervalMs?: number }): Promise<WatchResult> {
  const print = options.print ?? console.log;
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort);
  const timer = options.durationMs ? setTimeout(() => stop.abort(), options.durationMs) : null;
  const api = createApi({ url: options.url });
  const events: Record<string, number> = Object.fromEntries(FEEDS.map((f) => [f.kind, 0]));
  const refused: string[] = [];
  const seen = (kind: string, text: string) => {
    events[kind] = (events[kind] ?? 0) + 1;
    print(`${clock()}  ${kind.padEnd(12)}  ${text}`);
  };

  print(`Watching ${options.url}${options.durationMs ? ` for ${Math.round(options.durationMs / 1000)} s` : ''} (Ctrl-C stops).`);
  try {
    await Promise.all(
      FEEDS.map(async (feed) => {
        const variables = feed.operation === 'OnAvailabilityChanged' && options.category ? { category: options.category } : {};
        try {
          await api.subscribe(
            feed.operation,
            variables,
            (event) => {
              if ('data' in event) seen(feed.kind, feed.describe(event.data));
              else print(`${clock()}  ${feed.kind.padEnd(12)}  error: ${event.errors.map((e) => e.message).join('; ')}`);
            },
            stop.signal,
          );
        } catch (error) {
          if (!(error instanceof SubscriptionRefused)) {
            print(`${feed.operation} ended: ${(error as Error).message}`);
            return;
          }
          refused.push(feed.operation);
          if (feed.operation === 'OnAvailabilityChanged') {
            print(`The gateway does not serve availabilityChanged yet: asking for offers every ${(options.pollIntervalMs ?? 1000) / 1000} s instead.`);
            await pollAvailability(api, options.category, options.pollIntervalMs ?? 1000, stop.signal, seen);
          } else if (feed.operation === 'OnRoundChanged') {
            await pollRound(api, options.pollIntervalMs ?? 1000, stop.signal, seen);
          }
        }
      }),
    );
    if (!stop.signal.aborted) print('Every subscription ended.');
  } finally {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    await api.close();
  }
  print('\nEvents seen');
  print(formatTable(Object.entries(events).map(([kind, count]) => ({ kind, count }))));
  return { events, refused };
}

async function pollAvailability(api: Api, category: string | undefined, intervalMs: number, signal: AbortSignal, seen: (kind: string, text: string) => void) {
  const last = new Map<string, number>();
  let first = true;
  while (!signal.aborted) {
    const categories: string[] = category ? [category] : (await api.query('Categories')).categories;
    for (const c of categories) {
      for (const o of (await api.query('Offers', { category: c })).offers) {
        const before = last.get(o.id);
        last.set(o.id, o.stock.available);
        if (first || before === o.stock.available) continue;
        seen('availability', `${o.name} (${o.manufacturer.name}): ${o.stock.available} available (${o.stock.reserved} of ${o.stock.onHand} reserved), ${o.stock.status}`);
        if (o.stock.available === 0 && (before ?? 0) > 0) seen('depleted', `${o.name} (${o.manufacturer.name}) ran out`);
      }
    }
    first = false;
    await sleep(intervalMs, signal);
  }
}

async function pollRound(api: Api, intervalMs: number, signal: AbortSignal, seen: (kind: string, text: string) => void) {
  let last: string | null = null;
  while (!signal.aborted) {
    const r = (await api.query('CurrentRound')).currentRound;
    const now = r ? `round ${r.number} ${r.status}${r.closeReason ? ` (${r.closeReason})` : ''}` : 'no round';
    if (last !== null && now !== last) seen('round', now);
    last = now;
    await sleep(intervalMs, signal);
  }
}
