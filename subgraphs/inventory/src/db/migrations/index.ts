/** Inventory's migrations, in order; the event tables come first. */
import { BusRepairLog1767000000000, EventTables1700000000000, OutboxTraceparent1768000000000 } from '@distribution/events';
import { Inventory1731700000000 } from './Inventory1731700000000.js';
import { OrderDecisions1767000000001 } from './OrderDecisions1767000000001.js';

export const migrations = [EventTables1700000000000, Inventory1731700000000, BusRepairLog1767000000000, OrderDecisions1767000000001, OutboxTraceparent1768000000000];
