/** The manufacturer schema's migrations, in order; the event tables come first. */
import { BusRepairLog1767000000000, EventTables1700000000000, OutboxTraceparent1768000000000 } from '@distribution/events';
import { Catalog1731600000000 } from './Catalog1731600000000.js';
import { Settlements1731600000001 } from './Settlements1731600000001.js';

export const migrations = [EventTables1700000000000, Catalog1731600000000, Settlements1731600000001, BusRepairLog1767000000000, OutboxTraceparent1768000000000];
