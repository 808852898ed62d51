/** The order service's migrations, in the order they run (the event tables first). */
import { BusRepairLog1767000000000, EventTables1700000000000, OutboxTraceparent1768000000000 } from '@distribution/events';
import { OrderTables1700000300000 } from './1700000300000-order-tables.js';
import { OrderResolution1767000000002 } from './1767000000002-order-resolution.js';
import { CartRemovals1767000000003 } from './1767000000003-cart-removals.js';

import { CustomerSubject1732000000100 } from './1732000000100-customer-subject.js';

export const migrations = [
  EventTables1700000000000,
  OrderTables1700000300000,
  CustomerSubject1732000000100,
  BusRepairLog1767000000000,
  OrderResolution1767000000002,
  CartRemovals1767000000003,
  OutboxTraceparent1768000000000,
];
