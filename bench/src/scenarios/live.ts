/**
 * Part 3, live updates: N graphql-ws clients subscribed to `availabilityChanged` through our
 * gateway (its own process); a driver places orders for one product at a fixed rate; each client
 * timestamps every event it receives. Commit-to-client latency = receive time - commit time, where
 * the commit time is the event's own time when the payload carries one, and otherwise the time
 * inventory recorded the AvailabilityChanged event in the transaction that reserved the units (the
 * bus keeps `occurred_at` of every event; it is the transaction's start, so the figure is an upper
 * bound by the length of that transaction). Memory per subscriber: the gateway's RSS and heap after
 * a full GC, with the clients connected and subscribed, minus the same before, divided by N.
 * The part only runs once the composed supergraph has Subscription.availabilityChanged.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { parse, Kind, type ObjectTypeDefinitionNode, type FieldDefinitionNode, type TypeNode } from 'graphql';
import WebSocket from 'ws';
import type { BenchContext } from '../context.js';
import { bearer, gql, sleep } from '../graphql.js';
import { PLACE_ORDER } from '../fixtures.js';
import { percentile, round } from '../stats.js';

export interface LiveRun {
  subscribers: number;
  connectedInMs: number;
  ordersPlaced: number;
  orderOutcomes: Record<string, number>;
  eventsCommitted: number;
  /** Events every client should have had (committed events x N) and those that arrived. */
  deliveriesExpected: number;
  deliveriesReceived: number;
  commitTimeSource: string;
  latencyMs: { p50: number; p99: number; max: number; samples: number };
  /** From the driver's mutation response to the event at the clients (negative: the event came first). */
  responseToEventMs: { p50: number; p99: number; samples: number };
  /** CPU time of the gateway process over the driven window, per event delivered to a client. */
  gatewayCpuMsPerDelivery: number;
  /** The same for the bench process (all N subscribers and the driver). */
  clientsCpuMsPerDelivery: number;
  memory: { rssBytesPerSubscriber: number; heapBytesPerSubscriber: number; before: Record<string, number>; after: Record<string, number> };
}

export type LiveResult =
  { available: false; reason: string } | { available: true; field: string; timeField: string | null; settings: BenchContext['settings']['live']; runs: LiveRun[] };

const TIME_FIELDS = ['changedAt', 'occurredAt', 'updatedAt', 'committedAt', 'at'];

const named = (type: TypeNode): string => (type.kind === Kind.NAMED_TYPE ? type.name.value : named(type.type));

/** Does the composed supergraph offer availabilityChanged, and does its type carry a time? */
export function liveSupport(supergraphPath: string): { field: FieldDefinitionNode; timeField: string | null } | { reason: string } {
  const doc = parse(readFileSync(supergraphPath, 'utf8'));
  const types = new Map<string, ObjectTypeDefinitionNode>();
  for (const d of doc.definitions) {
    if ((d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && d.fields) {
      const prev = types.get(d.name.value);
      types.set(d.name.value, prev ? ({ ...prev, fields: [...(prev.fields ?? []), ...d.fields] } as ObjectTypeDefinitionNode) : (d as ObjectTypeDefinitionNode));
    }
  }
  const field = types.get('Subscription')?.fields?.find((f) => f.name.value === 'availabilityChanged');
  if (!field)
    return {
      reason:
        'not available: the composed supergraph (gateway/supergraph.graphql, as the run started) has no Subscription.availabilityChanged yet (the inventory subgraph does not serve it)',
    };
  const args = new Set(field.arguments?.map((a) => a.name.value));
  if (!args.has('productIds')) return { reason: 'not available: Subscription.availabilityChanged has no productIds argument' };
  const returned = types.get(named(field.type));
  const timeField = returned?.fields?.find((f) => TIME_FIELDS.includes(f.name.value) && named(f.type) === 'String')?.name.value ?? null;
  return { field, timeField };
}

interface Received {
  reserved: number;
  at: number;
  time?: string;
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * A subscriber as thin as the protocol allows (graphql-transport-ws by hand over `ws`): on each
 * message it only takes the time and keeps the text; parsing waits until the run is over. The
 * load generator shares the 2 cores with the gateway, and a full client library's per-message
 * work would otherwise show up as latency.
 */
class Subscriber {
  readonly raw: Array<[number, string]> = [];
  readonly errors: string[] = [];
  private readonly socket: WebSocket;
  readonly ready: Promise<void>;

  constructor(url: string, query: string, variables: Record<string, unknown>) {
    this.socket = new WebSocket(url, 'graphql-transport-ws');
    this.ready = new Promise<void>((resolve, reject) => {
      this.socket.once('open', () => this.socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
      this.socket.once('error', reject);
      this.socket.once('close', (code) => reject(new Error(`closed with ${code} before the subscription started`)));
      this.socket.on('message', (data: Buffer) => {
        const at = now();
        const text = data.toString();
        if (text.includes('"next"')) {
          this.raw.push([at, text]);
          return;
        }
        const message = JSON.parse(text) as { type: string; payload?: unknown };
        if (message.type === 'connection_ack') {
          this.socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
          resolve();
        } else if (message.type === 'ping') {
          this.socket.send(JSON.stringify({ type: 'pong' }));
        } else if (message.type === 'error' || message.type === 'complete') {
          this.errors.push(`${message.type}: ${JSON.stringify(message.payload ?? '')}`);
        }
      });
    });
  }

  /** The events received so far, parsed. */
  events(): Received[] {
    return this.raw.map(([at, text]) => {
      const item = (JSON.parse(text) as { payload?: { data?: { availabilityChanged?: { reserved: number; __time?: unknown } } } }).payload?.data?.availabilityChanged;
      return { reserved: item?.reserved ?? Number.NaN, at, time: typeof item?.__time === 'string' ? item.__time : undefined };
    });
  }

  /** Highest `reserved` seen (cheap: the last message, events of one subscription arrive in order). */
  lastReserved(): number {
    const last = this.raw[this.raw.length - 1];
    if (!last) return -1;
    const m = /"reserved":(\d+)/.exec(last[1]);
    return m ? Number(m[1]) : -1;
  }

  close(): void {
    this.socket.terminate();
  }
}

async function connectSubscribers(url: string, n: number, batch: number, query: string, variables: Record<string, unknown>): Promise<Subscriber[]> {
  const subscribers: Subscriber[] = [];
  for (let start = 0; start < n; start += batch) {
    const size = Math.min(batch, n - start);
    const opened = Array.from({ length: size }, () => new Subscriber(url, query, variables));
    subscribers.push(...opened);
    await Promise.all(opened.map((s) => s.ready));
  }
  return subscribers;
}

async function oneRun(ctx: BenchContext, n: number, timeField: string | null): Promise<LiveRun> {
  const s = ctx.settings.live;
  const { ours, fixture } = ctx.network;
  const wsUrl = ours.info.url.replace(/^http/, 'ws');
  const productId = fixture.liveProductId;
  const query = `subscription Live($ids: [ID!]) { availabilityChanged(productIds: $ids) { reserved available ${timeField ? `__time: ${timeField}` : ''} product { id } } }`;
  const memBefore = await ours.request<Record<string, number>>('memory');
  const t0 = Date.now();
  const subscribers = await connectSubscribers(wsUrl, n, s.connectBatch, query, { ids: [productId] }).catch((e) => {
    throw new Error(`connecting ${n} subscribers: ${(e as Error).message}`);
  });
  const errors = () => subscribers.flatMap((x) => x.errors);
  const customer = fixture.customers[0]!;
  const order = () => gql(ours.info.url, PLACE_ORDER, { input: { lines: [{ productId, quantity: 1 }], idempotencyKey: randomUUID() } }, bearer(customer.token));
  try {
    // A probe order: once every client has an event at least as new as it, every subscription is
    // open upstream (a first event may be the subscription's snapshot, which proves less).
    await order();
    const [{ reserved: probeReserved }] = await ctx.network.sql(`SELECT reserved FROM inventory.stock_item WHERE product_id = $1`, [productId]);
    const deadline = Date.now() + 60_000;
    const live = () => subscribers.filter((x) => x.lastReserved() >= probeReserved).length;
    while (live() < n) {
      if (errors().length > 0) throw new Error(`subscriptions failed (${errors().length}): ${errors().slice(0, 2).join('; ')}`);
      if (Date.now() > deadline) throw new Error(`only ${live()} of ${n} subscribers got the probe event`);
      await sleep(50);
    }
    const connectedInMs = Date.now() - t0;
    const memAfter = await ours.request<Record<string, number>>('memory');
    for (const x of subscribers) x.raw.length = 0;
    const gatewayCpuBefore = await ours.request<NodeJS.CpuUsage>('cpu');
    const clientCpuBefore = process.cpuUsage();

    // The driver: a fixed rate, never waiting for the previous order.
    const [{ reserved: startReserved }] = await ctx.network.sql(`SELECT reserved FROM inventory.stock_item WHERE product_id = $1`, [productId]);
    const windowStart = new Date();
    const responses: number[] = [];
    const outcomes: Record<string, number> = {};
    const total = Math.max(1, Math.round(s.ordersPerSecond * s.durationSeconds));
    const interval = 1000 / s.ordersPerSecond;
    const placed: Array<Promise<void>> = [];
    const driverStart = now();
    for (let i = 0; i < total; i++) {
      const due = driverStart + i * interval;
      const wait = due - now();
      if (wait > 0) await sleep(wait);
      placed.push(
        order().then((r) => {
          responses.push(now());
          const key = r.errors ? `error:${r.errors[0]?.extensions?.code ?? r.errors[0]?.message}` : (r.data?.placeOrder?.status ?? r.data?.placeOrder?.__typename);
          outcomes[key] = (outcomes[key] ?? 0) + 1;
        }),
      );
    }
    await Promise.all(placed);
    // Every committed AvailabilityChanged of the product after the window opened, with its commit time.
    const readCommitted = () =>
      ctx.network.sql<{ reserved: number; occurred_at: Date }>(
        `SELECT (payload->>'reserved')::int AS reserved, occurred_at FROM bus.events
       WHERE type = 'AvailabilityChanged' AND payload->>'productId' = $1 AND (payload->>'reserved')::int > $2 ORDER BY position`,
        [productId, startReserved],
      );
    let committed = await readCommitted();
    const finalReserved = committed.reduce((a, c) => (c.reserved > a ? c.reserved : a), startReserved);
    const drainDeadline = Date.now() + 15_000;
    while (Date.now() < drainDeadline && subscribers.some((x) => x.lastReserved() < finalReserved)) await sleep(50);
    const gatewayCpuAfter = await ours.request<NodeJS.CpuUsage>('cpu');
    const clientCpu = process.cpuUsage(clientCpuBefore);
    committed = await readCommitted();
    const received = subscribers.map((x) => x.events());
    const commitAt = new Map(committed.map((c) => [c.reserved, c.occurred_at.getTime()]));

    const latencies: number[] = [];
    let delivered = 0;
    for (const events of received) {
      for (const e of events) {
        const commit = e.time ? Date.parse(e.time) : commitAt.get(e.reserved);
        if (commit === undefined || Number.isNaN(commit)) continue;
        delivered++;
        latencies.push(e.at - commit);
      }
    }
    // Mutation response to event: event k (reserved = start + k) against the k-th response (orders of one unit each).
    const sortedResponses = [...responses].sort((a, b) => a - b);
    const responseToEvent: number[] = [];
    for (const events of received) {
      for (const e of events) {
        const k = e.reserved - startReserved - 1;
        if (k >= 0 && k < sortedResponses.length) responseToEvent.push(e.at - sortedResponses[k]!);
      }
    }
    void windowStart;
    return {
      subscribers: n,
      connectedInMs,
      ordersPlaced: total,
      orderOutcomes: outcomes,
      eventsCommitted: committed.length,
      deliveriesExpected: committed.length * n,
      deliveriesReceived: delivered,
      commitTimeSource: timeField ? `payload field ${timeField}` : 'bus.events.occurred_at of the AvailabilityChanged event (inventory transaction start)',
      latencyMs: {
        p50: round(percentile(latencies, 50), 1),
        p99: round(percentile(latencies, 99), 1),
        max: round(
          latencies.reduce((a, b) => (b > a ? b : a), Number.NEGATIVE_INFINITY),
          1,
        ),
        samples: latencies.length,
      },
      responseToEventMs: { p50: round(percentile(responseToEvent, 50), 1), p99: round(percentile(responseToEvent, 99), 1), samples: responseToEvent.length },
      gatewayCpuMsPerDelivery: round((gatewayCpuAfter.user + gatewayCpuAfter.system - (gatewayCpuBefore.user + gatewayCpuBefore.system)) / 1000 / Math.max(1, delivered), 4),
      clientsCpuMsPerDelivery: round((clientCpu.user + clientCpu.system) / 1000 / Math.max(1, delivered), 4),
      memory: {
        rssBytesPerSubscriber: Math.round((memAfter.rss! - memBefore.rss!) / n),
        heapBytesPerSubscriber: Math.round((memAfter.heapUsed! - memBefore.heapUsed!) / n),
        before: memBefore,
        after: memAfter,
      },
    };
  } finally {
    for (const x of subscribers) x.close();
    await sleep(500);
  }
}

export async function runLivePart(ctx: BenchContext): Promise<LiveResult> {
  const support = liveSupport(ctx.supergraphPath);
  if ('reason' in support) {
    ctx.log(`live: ${support.reason}`);
    return { available: false, reason: support.reason };
  }
  const runs: LiveRun[] = [];
  for (const n of ctx.settings.live.subscribers) {
    const r = await oneRun(ctx, n, support.timeField);
    runs.push(r);
    ctx.log(
      `live ${n} subscribers: commit-to-client p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms (${r.deliveriesReceived}/${r.deliveriesExpected} deliveries; CPU per delivery: gateway ${r.gatewayCpuMsPerDelivery} ms, clients ${r.clientsCpuMsPerDelivery} ms), ${r.memory.rssBytesPerSubscriber} B RSS and ${r.memory.heapBytesPerSubscriber} B heap per subscriber (load ${os.loadavg()[0]!.toFixed(1)})`,
    );
  }
  return { available: true, field: 'availabilityChanged', timeField: support.timeField, settings: ctx.settings.live, runs };
}
