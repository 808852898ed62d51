/**
 * A stand-in for the inventory service on the real bus: its own `inventory_fake` schema, outbox
 * and relay, and a consumer that answers the order service's events from an in-memory stock.
 */
import { migrate, openServiceDatabase, type ServiceDatabase } from '@distribution/db';
import { EventType, stockRejected, stockReleased, stockReserved } from '@distribution/contracts';
import { EventBus, EventTables1700000000000, OutboxTraceparent1768000000000, recordEvents, type DomainEvent, type NewEvent } from '@distribution/events';
import type { Logger } from '@distribution/logging';

const SCHEMA = 'inventory_fake';
type Line = { productId: string; quantity: number };
const ORDER_EVENTS = { [EventType.OrderPlaced]: [1], [EventType.OrderCancelled]: [1], [EventType.OrderLineChangeRequested]: [1] } as const;
type OrderEvent = DomainEvent<keyof typeof ORDER_EVENTS>;

export class FakeInventory {
  /** Units available per product; a product missing here is unknown to inventory. */
  readonly stock = new Map<string, number>();
  /** What each order has reserved, per product. */
  readonly reserved = new Map<string, Map<string, number>>();
  /** Every order event received, in bus order. */
  readonly received: OrderEvent[] = [];
  /** Events received while `holding`, to answer later with `answerHeld()` (or never). */
  readonly held: OrderEvent[] = [];
  roundNumber: number | null = 1;
  holding = false;

  private constructor(
    readonly database: ServiceDatabase,
    private readonly bus: EventBus,
  ) {}

  static async start(url: string, logger: Logger): Promise<FakeInventory> {
    const database = await openServiceDatabase({ url, schema: SCHEMA, migrations: [EventTables1700000000000, OutboxTraceparent1768000000000], poolSize: 5 });
    await migrate(database);
    const bus = new EventBus({ database, logger, pollIntervalMs: 50 });
    const inventory = new FakeInventory(database, bus);
    bus.consume('inventory_fake.orders', ORDER_EVENTS, async (events, m) => {
      const answers: NewEvent[] = [];
      for (const event of events) {
        inventory.received.push(event);
        if (inventory.holding) inventory.held.push(event);
        else answers.push(...inventory.answer(event));
      }
      await recordEvents(m, SCHEMA, answers);
    });
    await bus.start();
    return inventory;
  }

  /** Publishes events as inventory would (AvailabilityChanged, RoundClosed, hand-made outcomes). */
  publish(...events: NewEvent[]): Promise<string[]> {
    return this.database.transaction((m) => recordEvents(m, SCHEMA, events));
  }

  /** Answers (and forgets) everything received while holding. */
  async answerHeld(): Promise<void> {
    const events = this.held.splice(0);
    await this.publish(...events.flatMap((e) => this.answer(e)));
  }

  receivedOf<T extends OrderEvent['type']>(type: T, orderId?: string): Array<DomainEvent<T>> {
    return this.received.filter((e) => e.type === type && (!orderId || e.payload.orderId === orderId)) as Array<DomainEvent<T>>;
  }

  /** The answer inventory gives to one order event: all lines reserved, or none. */
  answer(event: OrderEvent): NewEvent[] {
    switch (event.type) {
      case EventType.OrderPlaced:
        return [this.reserve(event.payload.orderId, null, event.payload.lines)];
      case EventType.OrderLineChangeRequested: {
        const p = event.payload;
        const current = this.reserved.get(p.orderId)?.get(p.productId) ?? 0;
        return [this.reserve(p.orderId, p.changeId, [{ productId: p.productId, quantity: p.quantity - current }], p.quantity)];
      }
      case EventType.OrderCancelled: {
        const { orderId } = event.payload;
        const lines = [...(this.reserved.get(orderId) ?? new Map<string, number>())].map(([productId, quantity]) => ({ productId, quantity }));
        for (const l of lines) this.stock.set(l.productId, (this.stock.get(l.productId) ?? 0) + l.quantity);
        this.reserved.delete(orderId);
        return [stockReleased({ orderId, lines })];
      }
    }
  }

  /** Reserves `lines` (quantities are differences for a change; `newTotal` is what the change asks for). */
  private reserve(orderId: string, changeId: string | null, lines: Line[], newTotal?: number): NewEvent {
    if (this.roundNumber === null) return stockRejected({ orderId, changeId, reason: 'NO_OPEN_ROUND', lines: [] });
    const unknown = lines.filter((l) => !this.stock.has(l.productId));
    if (unknown.length) {
      return stockRejected({ orderId, changeId, reason: 'UNKNOWN_PRODUCT', lines: unknown.map((l) => ({ productId: l.productId, requested: l.quantity, available: 0 })) });
    }
    const short = lines.filter((l) => l.quantity > this.stock.get(l.productId)!);
    if (short.length) {
      const held = (productId: string) => this.reserved.get(orderId)?.get(productId) ?? 0;
      return stockRejected({
        orderId,
        changeId,
        reason: 'INSUFFICIENT_STOCK',
        lines: short.map((l) => ({ productId: l.productId, requested: newTotal ?? l.quantity, available: this.stock.get(l.productId)! + (changeId ? held(l.productId) : 0) })),
      });
    }
    const reservation = this.reserved.get(orderId) ?? new Map<string, number>();
    for (const l of lines) {
      this.stock.set(l.productId, this.stock.get(l.productId)! - l.quantity);
      reservation.set(l.productId, (reservation.get(l.productId) ?? 0) + l.quantity);
    }
    this.reserved.set(orderId, reservation);
    const reservedLines = changeId ? [{ productId: lines[0]!.productId, quantity: newTotal! }] : lines.map((l) => ({ productId: l.productId, quantity: l.quantity }));
    return stockReserved({ orderId, changeId, roundNumber: this.roundNumber, lines: reservedLines });
  }

  async stop(): Promise<void> {
    await this.bus.stop();
    await this.database.close();
  }
}
