/** The shapes the operator's console and the manufacturer's view read (a subset of the API's types). */
import type { Stock } from '../types';

/** A product's stock as availabilityChanged announces it. */
export interface StockFigure extends Stock {
  product: { id: string; name: string; manufacturer: { id: string; name: string } };
}

export interface RoundSales {
  number: number;
  sales: Array<{ manufacturer: { id: string; name: string }; unitsSold: number; revenue: string }>;
}

export interface ConsumerHealth {
  consumer: string;
  eventTypes: string[];
  backlog: number;
  oldestUnappliedAt: string | null;
  oldestUnappliedAgeSeconds: number | null;
  parked: number;
}

export interface ParkedEvent {
  id: string;
  consumer: string;
  eventId: string;
  eventType: string;
  version: number | null;
  source: string | null;
  error: string;
  attempts: number;
  parkedAt: string;
  occurredAt: string | null;
}

export interface BusRepair {
  id: string;
  parkedEventId: string;
  eventType: string;
  action: 'RETRIED' | 'RETRY_FAILED' | 'DISCARDED';
  by: string;
  reason: string | null;
  error: string | null;
  at: string;
}

export interface ServiceBus {
  service: string;
  consumers: ConsumerHealth[];
  parkedEvents: { edges: Array<{ node: ParkedEvent }> };
  repairs: BusRepair[];
}

export interface BusNotice {
  service: string;
  consumer: string;
  parkedEvents: number;
  parkedEventId: string;
  eventType: string;
  error: string;
  at: string;
}

export interface ManufacturerProduct {
  id: string;
  sku: string;
  name: string;
  category: string;
  unitPrice: string;
  supply: number;
  discontinued: boolean;
  stock: Pick<Stock, 'onHand' | 'reserved' | 'available' | 'status'>;
}

export interface ManufacturerNotice {
  kind: 'SOLD' | 'DEPLETED' | 'SETTLED';
  product: { id: string; name: string } | null;
  quantity: number | null;
  roundNumber: number | null;
  settlement: { id: string; roundNumber: number; unitsSold: number; revenue: string } | null;
  at: string;
}

export interface Settlement {
  id: string;
  roundNumber: number;
  unitsSold: number;
  revenue: string;
  appliedAt: string;
  lines: Array<{ product: { id: string; name: string }; unitsSold: number; revenue: string }>;
}
