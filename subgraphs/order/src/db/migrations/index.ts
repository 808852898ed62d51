/** The order service's migrations, in the order they run (the event tables first). */
import { EventTables1700000000000 } from '@distribution/events';
import { OrderTables1700000300000 } from './1700000300000-order-tables.js';
import { CustomerSubject1732000000100 } from './1732000000100-customer-subject.js';

export const migrations = [EventTables1700000000000, OrderTables1700000300000, CustomerSubject1732000000100];
