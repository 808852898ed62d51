/**
 * What the contract costs per event, in CPU: building (producer-side check) and parsing
 * (consumer-side) of OrderPlaced, the event every order sends, and of StockReserved and
 * AvailabilityChanged, the ones inventory answers each order with. Against the same work
 * done without zod (the JSON round trip every event pays anyway), for scale.
 *
 *   npx tsx packages/contracts/bench/contract-cost.ts [events=100000] [lines=3]
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { availabilityChanged, EventType, orderPlaced, parseEvent, stockReserved } from '../src/index.js';

const count = Number(process.argv[2] ?? 100_000);
const linesPerOrder = Number(process.argv[3] ?? 3);
const products = Array.from({ length: 50 }, () => randomUUID());

const orderPayload = (i: number) => ({
  orderId: randomUUID(),
  customerId: randomUUID(),
  lines: Array.from({ length: linesPerOrder }, (_, l) => ({ productId: products[(i + l) % products.length]!, quantity: 1 + (i % 5), unitPriceCents: 250 })),
});

/**
 * Runs `work` over every input `rounds` times; the best round's CPU microseconds per event (CPU
 * time, not wall time: the machines are shared, and waiting for a core is not a cost of the work).
 */
function measure<T>(name: string, inputs: T[], work: (input: T) => unknown, rounds = 5): number {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const started = process.cpuUsage();
    for (const input of inputs) work(input);
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / inputs.length);
  }
  console.log(`${name.padEnd(44)} ${best.toFixed(2)} µs CPU/event`);
  return best;
}

const payloads = Array.from({ length: count }, (_, i) => orderPayload(i));
// Parsing starts from what the bus hands over: pg's JSON.parse of the jsonb column.
const envelopes = payloads.map((payload, i) => ({
  id: randomUUID(),
  type: 'OrderPlaced',
  version: 1,
  source: 'order',
  position: i,
  occurredAt: new Date().toISOString(),
  payload: JSON.parse(JSON.stringify(payload)),
}));
const accepts = { [EventType.OrderPlaced]: [1] } as const;

console.log(
  `${count} events, OrderPlaced with ${linesPerOrder} lines; node ${process.version}; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
measure('baseline: JSON.stringify + JSON.parse', payloads, (p) => JSON.parse(JSON.stringify(p)));
measure('build orderPlaced(payload) (checks it)', payloads, (p) => orderPlaced(p));
measure('parseEvent(envelope, { OrderPlaced: [1] })', envelopes, (e) => parseEvent(e, accepts));

const reserved = payloads.map((p) => ({ orderId: p.orderId, changeId: null, roundNumber: 1, lines: p.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })) }));
measure('build stockReserved(payload)', reserved, (p) => stockReserved(p));
const rows = payloads.map((p, i) => ({
  productId: p.lines[0]!.productId,
  manufacturerId: p.customerId,
  category: 'tea',
  onHand: 100,
  reserved: i % 100,
  available: 100 - (i % 100),
  lowStockThreshold: 5,
  status: 'IN_STOCK' as const,
  roundNumber: 1,
}));
measure('build availabilityChanged(payload)', rows, (p) => availabilityChanged(p));
