/** What changed stock rows announce: AvailabilityChanged per changed row, LowStock and StockDepleted per crossing. */
import type { NewEvent } from '@distribution/events';
import { stockSignals, type StockChange } from '../domain/stock.js';
import { availabilityChanged, lowStock, stockDepleted } from './payloads.js';

export function stockChangeEvents(changes: StockChange[]): NewEvent[] {
  const events: NewEvent[] = [];
  for (const change of changes) {
    const signals = stockSignals(change);
    if (!signals.changed) continue;
    events.push(availabilityChanged(change.after));
    if (signals.becameLow) events.push(lowStock(change.after));
    if (signals.depleted) events.push(stockDepleted(change.after));
  }
  return events;
}
