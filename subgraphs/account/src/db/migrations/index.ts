/** The account schema's migrations, in order; the event tables come first. */
import { EventTables1700000000000, OutboxTraceparent1768000000000 } from '@distribution/events';
import { Accounts1732000000000 } from './Accounts1732000000000.js';

export const migrations = [EventTables1700000000000, Accounts1732000000000, OutboxTraceparent1768000000000];
