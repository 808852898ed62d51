import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  availabilityChanged,
  definedEvents,
  EventContractBroken,
  EventParseError,
  EventType,
  lowStock,
  orderCancelled,
  orderLineChangeRequested,
  orderOverdue,
  orderPlaced,
  parseEvent,
  parsePayload,
  roundClosed,
  roundOpened,
  roundSettled,
  settlementApplied,
  stockDepleted,
  stockRejected,
  stockRejectedV2,
  stockReleased,
  stockReserved,
  supplyChanged,
  type NewEvent,
} from '../src/index.js';

const id = () => randomUUID();
const at = '2030-01-01T00:00:00.000Z';
const availability = {
  productId: id(),
  manufacturerId: id(),
  category: 'tea',
  onHand: 10,
  reserved: 4,
  available: 6,
  lowStockThreshold: 5,
  status: 'IN_STOCK',
  roundNumber: 3,
} as const;

/** One event of every type, built as its producer builds it (the shapes of subgraphs/<name>/src/events). */
const built: NewEvent[] = [
  supplyChanged({
    productId: id(),
    manufacturerId: id(),
    sku: 'DR-1',
    name: 'Drill',
    category: 'tools',
    unitPriceCents: 1999,
    supply: 40,
    delta: -2,
    reason: 'SETTLED',
    discontinued: false,
  }),
  settlementApplied({ roundNumber: 3, manufacturerId: id(), settlementId: id(), lines: [{ productId: id(), unitsSold: 2, revenueCents: 3998 }] }),
  stockReserved({ orderId: id(), changeId: null, roundNumber: 3, lines: [{ productId: id(), quantity: 2 }] }),
  stockReserved({ orderId: id(), changeId: id(), roundNumber: 3, lines: [{ productId: id(), quantity: 0, delta: -2 }] }),
  stockRejected({ orderId: id(), changeId: null, reason: 'INSUFFICIENT_STOCK', lines: [{ productId: id(), requested: 5, available: 1 }] }),
  stockRejected({ orderId: id(), changeId: id(), reason: 'NO_OPEN_ROUND', lines: [] }),
  stockRejectedV2({ orderId: id(), changeId: null, reason: 'TIMED_OUT', lines: [] }),
  stockReleased({ orderId: id(), lines: [{ productId: id(), quantity: 2 }] }),
  availabilityChanged(availability),
  availabilityChanged({ ...availability, onHand: 0, reserved: 0, available: 0, status: 'DEPLETED', roundNumber: null }),
  lowStock({ ...availability, available: 2, reserved: 8, status: 'LOW' }),
  stockDepleted({ productId: id(), manufacturerId: id(), category: 'tea', roundNumber: 3 }),
  roundOpened({ roundNumber: 4, openedAt: at, endsAt: '2030-02-01T00:00:00.000Z' }),
  roundClosed({ roundNumber: 3, closedAt: at, reason: 'DEPLETED', sales: [{ productId: id(), manufacturerId: id(), unitsSold: 7, revenueCents: 5_000_000_000 }] }),
  roundSettled({ roundNumber: 3 }),
  orderPlaced({ orderId: id(), customerId: id(), lines: [{ productId: id(), quantity: 3, unitPriceCents: 0 }] }),
  orderCancelled({ orderId: id(), customerId: id() }),
  orderLineChangeRequested({ orderId: id(), changeId: id(), productId: id(), quantity: 0, unitPriceCents: 250 }),
  orderOverdue({ orderId: id(), customerId: id(), awaiting: 'RESERVATION', waitingSince: at, ask: 1 }),
];

/** An event as the bus delivers it: the envelope around the payload after its trip through jsonb. */
const delivered = (event: { type: string; version: number; payload: unknown }) => ({
  id: id(),
  source: 'test',
  position: 1,
  occurredAt: at,
  type: event.type,
  version: event.version,
  payload: JSON.parse(JSON.stringify(event.payload)),
});
const everything = Object.fromEntries(
  Object.values(EventType).map((type) => [
    type,
    definedEvents()
      .filter((e) => e.type === type)
      .map((e) => e.version),
  ]),
) as unknown as Record<EventType, readonly [1]>;

describe('the event contract', () => {
  it('names each event once, with at least one version', () => {
    expect(new Set(Object.values(EventType)).size).toBe(15);
    expect([...new Set(definedEvents().map((e) => e.type))].sort()).toEqual(Object.values(EventType).sort());
  });

  it('reads back, unchanged, every payload the builders make, whatever the type', () => {
    expect(new Set(built.map((e) => e.type))).toEqual(new Set(Object.values(EventType)));
    for (const event of built) {
      const envelope = delivered(event);
      const read = parseEvent(envelope, everything);
      expect(read, event.type).toEqual({ ...envelope, payload: event.payload });
    }
  });

  it('types what a consumer reads by type and version, keeping the envelope', () => {
    const placed = built.find((e) => e.type === EventType.OrderPlaced)!;
    const read = parseEvent(delivered(placed), { [EventType.OrderPlaced]: [1], [EventType.OrderCancelled]: [1] });
    if (read.type !== EventType.OrderPlaced) throw new Error('narrowing by type');
    expect(read.payload.lines[0]!.quantity).toBe(3);
    expect(read.source).toBe('test');
  });

  it('drops fields a payload has beyond its schema (adding one is compatible)', () => {
    const payload = { roundNumber: 5, note: 'from a newer producer' };
    expect(parsePayload(EventType.RoundSettled, 1, payload)).toEqual({ roundNumber: 5 });
  });
});

describe('what the contract refuses', () => {
  const order = { orderId: id(), customerId: id(), lines: [{ productId: id(), quantity: 2, unitPriceCents: 250 }] };
  const close = { roundNumber: 3, closedAt: at, reason: 'OPERATOR', sales: [{ productId: id(), manufacturerId: id(), unitsSold: 2, revenueCents: 100 }] };
  const sale = close.sales[0]!;
  const reserved = { orderId: id(), changeId: id(), roundNumber: 3, lines: [{ productId: id(), quantity: 7, delta: 3 }] };
  const malformed: Array<[string, EventType, unknown, RegExp]> = [
    ['no payload', EventType.OrderPlaced, null, /payload: /],
    ['an order without lines', EventType.OrderPlaced, { ...order, lines: [] }, /lines: /],
    ['a line of 0 units', EventType.OrderPlaced, { ...order, lines: [{ ...order.lines[0], quantity: 0 }] }, /lines\[0\]\.quantity/],
    ['units as text', EventType.OrderPlaced, { ...order, lines: [{ ...order.lines[0], quantity: '2' }] }, /lines\[0\]\.quantity/],
    ['units beyond an int column', EventType.OrderPlaced, { ...order, lines: [{ ...order.lines[0], quantity: 2 ** 31 }] }, /lines\[0\]\.quantity/],
    ['a negative price', EventType.OrderPlaced, { ...order, lines: [{ ...order.lines[0], unitPriceCents: -1 }] }, /unitPriceCents/],
    ['an id that is not a UUID', EventType.OrderPlaced, { ...order, orderId: 'o1' }, /orderId: must be a lower-case UUID/],
    ['an upper-case id', EventType.OrderPlaced, { ...order, customerId: order.customerId.toUpperCase() }, /customerId/],
    ['a missing field', EventType.OrderCancelled, { orderId: id() }, /customerId/],
    ['round 0', EventType.RoundClosed, { ...close, roundNumber: 0 }, /roundNumber/],
    ['a round number as text', EventType.RoundClosed, { ...close, roundNumber: '3' }, /roundNumber/],
    ['sales that are no list', EventType.RoundClosed, { ...close, sales: 'none' }, /sales/],
    ['a sale of a product that is no id', EventType.RoundClosed, { ...close, sales: [{ ...sale, productId: 'x' }] }, /sales\[0\]\.productId/],
    ['negative units sold', EventType.RoundClosed, { ...close, sales: [{ ...sale, unitsSold: -1 }] }, /sales\[0\]\.unitsSold/],
    ['fractional cents', EventType.RoundClosed, { ...close, sales: [{ ...sale, revenueCents: 1.5 }] }, /sales\[0\]\.revenueCents/],
    ['an unknown close reason', EventType.RoundClosed, { ...close, reason: 'BORED' }, /reason/],
    ['a time that is no ISO-8601', EventType.RoundClosed, { ...close, closedAt: 'yesterday' }, /closedAt/],
    ['a fractional delta', EventType.StockReserved, { ...reserved, lines: [{ ...reserved.lines[0], delta: 1.5 }] }, /lines\[0\]\.delta/],
    ['a missing changeId (null is the way to say none)', EventType.StockReserved, { ...reserved, changeId: undefined }, /changeId/],
    ['an unknown stock status', EventType.AvailabilityChanged, { ...availability, status: 'PLENTY' }, /status/],
    [
      'an unknown supply reason',
      EventType.SupplyChanged,
      { productId: id(), manufacturerId: id(), sku: 's', name: 'n', category: 'c', unitPriceCents: 1, supply: 1, delta: 1, reason: 'STOLEN', discontinued: false },
      /reason/,
    ],
  ];

  it.each(malformed)('refuses %s: the consumer gets a parse error naming the field', (_, type, payload, field) => {
    const read = () => parseEvent({ id: id(), type, version: 1, payload }, { [type]: [1] });
    expect(read).toThrow(EventParseError);
    expect(read).toThrow(field);
  });

  it('refuses the same payloads at the producer, before anything is written', () => {
    expect(() => orderPlaced({ ...order, lines: [] })).toThrow(EventContractBroken);
    expect(() => orderPlaced({ ...order, orderId: 'o1' })).toThrow(/OrderPlaced v1 does not fit the contract: orderId/);
    expect(() => stockReserved({ ...reserved, lines: [{ ...reserved.lines[0]!, delta: 1.5 }] })).toThrow(EventContractBroken);
    expect(() => roundSettled({ roundNumber: 0 })).toThrow(EventContractBroken);
  });

  it('refuses a version the consumer does not read, a type it does not read, and what the contract does not define', () => {
    const envelope = { id: id(), type: EventType.OrderPlaced, version: 2, payload: order };
    expect(() => parseEvent(envelope, { [EventType.OrderPlaced]: [1] })).toThrow(/version 2 is not read here \(reads v1\)/);
    expect(() => parseEvent({ ...envelope, version: 1 }, { [EventType.OrderCancelled]: [1] })).toThrow(/not a type this consumer reads/);
    expect(() => parseEvent({ ...envelope, type: 'Counted', version: 1 }, { [EventType.OrderPlaced]: [1] })).toThrow(EventParseError);
    expect(() => parseEvent({ ...envelope, type: 'toString', version: 1 }, { [EventType.OrderPlaced]: [1] })).toThrow(EventParseError);
    expect(() => parsePayload(EventType.OrderPlaced, 2 as 1, order)).toThrow(/the contract defines no such event/);
  });

  it('says which event failed, and keeps the message short however much is wrong', () => {
    const eventId = id();
    const error = (() => {
      try {
        parseEvent({ id: eventId, type: EventType.OrderPlaced, version: 1, payload: { lines: Array.from({ length: 50 }, () => ({})) } }, { [EventType.OrderPlaced]: [1] });
      } catch (e) {
        return e as EventParseError;
      }
    })()!;
    expect(error.message).toContain(`OrderPlaced v1 (${eventId}) cannot be read: orderId: `);
    expect(error.issues.at(-1)).toMatch(/^and \d+ more$/);
    expect(error.message.length).toBeLessThan(600);
  });
});
